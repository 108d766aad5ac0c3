"""Output files written atomically: a temporary file beside the target, renamed at the end,
so an interrupted or failed run never leaves a partial file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class OutputError(OSError):
    """An output cannot be written (exit status 3)."""


def temp_beside(target: Path, suffix: str) -> Path:
    """A fresh temporary path in the target's folder (so the rename is atomic)."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {folder} does not exist")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".partial{suffix}", dir=folder)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write here ({exc.strerror})") from None
    os.close(fd)
    return Path(name)


def target_of(path: str | Path | None) -> Path | None:
    """The output a temporary file from ``temp_beside`` stands for (None for any other path)."""
    if path is None:
        return None
    p = Path(path)
    name = p.name
    if not (name.startswith(".") and ".partial" in name):
        return None
    stem = name[1:].rsplit(".partial", 1)[0]  # "<target name>.<random>"
    return p.with_name(stem.rsplit(".", 1)[0]) if "." in stem else None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def commit(tmp: Path, target: Path) -> None:
    """Give the finished file ordinary permissions and move it into place."""
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        discard(tmp)
        raise OutputError(f"{target}: cannot write ({exc.strerror})") from None


def discard(tmp: Path | None) -> None:
    if tmp is not None:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass


def write_json(target: Path, data: Any) -> None:
    """Write JSON atomically (NaN is refused: the contract wants null)."""
    tmp = temp_beside(target, ".json")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, allow_nan=False, separators=(",", ":"))
            f.write("\n")
    except OSError as exc:
        discard(tmp)
        raise OutputError(f"{target}: cannot write ({exc.strerror})") from None
    except BaseException:
        discard(tmp)
        raise
    commit(tmp, target)
