"""Output files written atomically: a temporary file beside the target, renamed at the end,
so an interrupted or failed run never leaves a partial file.

Only a regular file (or a new path) is ever replaced. A pipe or a character device (a FIFO,
``/dev/stdout``, ``/dev/null``, a shell's ``>(...)``) is written through as a stream; a
folder, a block device or a socket is refused (``check_output``). A symbolic link to a
regular file is followed: the file it points to is replaced, the link is kept.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

TEMP_PREFIX = ".posecoach-"  # short: a temporary name is never longer than a legal target name
_PENDING: dict[str, Path] = {}  # temporary file -> the output it stands for


class OutputError(OSError):
    """An output cannot be written (exit status 3)."""


class OutputRefused(ValueError):
    """A path the user named cannot be an output (exit status 2)."""


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def is_stream(target: str | Path) -> bool:
    """True for an existing pipe (FIFO) or character device, links followed: written through."""
    try:
        mode = os.stat(target).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def check_output(name: str, stream_ok: bool = True) -> None:
    """Refuse, with one line, a path that cannot be an output: one ending in a separator (a
    folder's name), an existing folder, block device or socket, and a stream (a FIFO or a
    character device) unless ``stream_ok``."""
    if name.endswith("/") or name.endswith(os.sep) or (os.altsep and name.endswith(os.altsep)):
        raise OutputRefused(f"{name}: is a folder's name (it ends with {name[-1]}); give a file name")
    try:
        mode = os.stat(name).st_mode
    except (OSError, ValueError):
        return  # a new path (or one that cannot be reached: writing it says why)
    stream = stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)
    if stat.S_ISREG(mode) or (stream and stream_ok):
        return
    what = "a pipe or a device" if stream else _what(mode)
    raise OutputRefused(f"{name}: is {what}, not a file posecoach may replace (give a new or a regular file)")


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file: the same place once links are followed, or one inode."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _real(target: Path) -> Path:
    """Where the output goes: a symbolic link's target (the link is kept), else ``target``."""
    return Path(os.path.realpath(target)) if os.path.islink(target) else target


def temp_beside(target: Path, suffix: str) -> Path:
    """A fresh temporary path in the target's folder (so the rename is atomic), with a short
    name of its own (``.posecoach-XXXXXXXX.partial<suffix>``)."""
    folder = _real(target).parent
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {folder} does not exist")
    try:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=f".partial{suffix[:16]}", dir=folder)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write here ({exc.strerror})") from None
    os.close(fd)
    _PENDING[name] = Path(target)
    return Path(name)


def target_of(path: str | Path | None) -> Path | None:
    """The output a temporary file from ``temp_beside`` stands for (None for any other path)."""
    return None if path is None else _PENDING.get(str(path))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def commit(tmp: Path, target: Path) -> None:
    """Give the finished file ordinary permissions and move it into place; never over anything
    but a regular file (a device, pipe or folder put there meanwhile stays as it is)."""
    real = _real(target)
    try:
        mode = os.lstat(real).st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        discard(tmp)
        raise OutputError(f"{target}: is {_what(mode)} now, not a regular file: not replaced")
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, real)
    except OSError as exc:
        discard(tmp)
        raise OutputError(f"{target}: cannot write ({exc.strerror})") from None


def discard(tmp: Path | None) -> None:
    if tmp is not None:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass


# json.dumps(value, allow_nan=False, separators=(",", ":")) makes this encoder anew each call
_ENCODER = json.JSONEncoder(allow_nan=False, separators=(",", ":"))
FRAMES_AT_ONCE = 256  # a report's frames encoded this many at a time


def _encode(value: Any) -> str:
    return _ENCODER.encode(value)


def _dump(data: Any, f) -> None:
    """``data`` as compact JSON and a newline. A document's ``frames`` are encoded
    ``FRAMES_AT_ONCE`` at a time by the C encoder (``json.dump`` streams through the
    pure-Python one: for a 10-minute default report: 0.36 s against 0.15 s of CPU), and a long
    file is never one string in memory."""
    frames = data.get("frames") if isinstance(data, dict) else None
    if not isinstance(frames, list):
        f.write(_encode(data))
        f.write("\n")
        return
    f.write("{")
    for k, (key, value) in enumerate(data.items()):
        f.write(("," if k else "") + _encode(key) + ":")
        if key != "frames":
            f.write(_encode(value))
            continue
        f.write("[")
        for i in range(0, len(value), FRAMES_AT_ONCE):  # a list's JSON is its items' joined by ","
            f.write(("," if i else "") + _encode(value[i:i + FRAMES_AT_ONCE])[1:-1])
        f.write("]")
    f.write("}\n")


def write_stream(target: Path, data: Any) -> None:
    """Write JSON through to a pipe or character device (opened, never created or replaced)."""
    try:
        with os.fdopen(os.open(target, os.O_WRONLY | os.O_NOCTTY), "w", encoding="utf-8") as f:
            _dump(data, f)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None


def write_json(target: Path, data: Any) -> None:
    """Write JSON atomically, or through to a stream (NaN is refused: the contract wants null)."""
    if is_stream(target):
        write_stream(target, data)
        return
    tmp = temp_beside(target, ".json")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            _dump(data, f)
    except OSError as exc:
        discard(tmp)
        raise OutputError(f"{target}: cannot write ({exc.strerror})") from None
    except BaseException:
        discard(tmp)
        raise
    commit(tmp, target)


def write_stdout(data: Any) -> None:
    """The report on standard output; a closed or failing one is an OutputError naming it."""
    import sys

    if sys.stdout is None:
        raise OutputError("standard output is closed (give --json FILE for the report)")
    try:
        _dump(data, sys.stdout)
        sys.stdout.flush()
    except OSError as exc:
        _silence_stdout()
        raise OutputError(f"standard output: cannot write ({exc.strerror or exc})") from None


def _silence_stdout() -> None:
    """After a failed write, point standard output at /dev/null, so that Python's own flush at
    exit does not fail a second time with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
