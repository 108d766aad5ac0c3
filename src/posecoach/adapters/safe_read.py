"""Reading a person's file without letting it hang, exhaust memory or crash the parser.

Only a regular file is read (a FIFO would wait for a writer, ``/dev/zero`` never ends), and
only up to a size stated here per kind of file. (The most pixels a frame may have, whatever a
header declares, is ``video.MAX_PIXELS``.)
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

MAX_CONFIG_BYTES = 1 << 20  # a profile, routine or catalogue TOML: 1 MiB (the built-in catalogue is 21 KB)
MAX_LANDMARKS_BYTES = 1 << 30  # a landmarks file: 1 GiB, about 7 hours of frames at 30 fps
NESTED_TOO_DEEPLY = "is nested too deeply to read"


class UnreadableFile(Exception):
    """A file that is not read; ``problem`` says why in a few words (the caller names the file)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _size(n: int) -> str:
    return f"{n / (1 << 30):g} GiB" if n >= 1 << 30 else f"{n / (1 << 20):g} MiB"


def open_regular(path: str | Path, max_bytes: int) -> BinaryIO:
    """Open a regular file of at most ``max_bytes`` for reading; else raise UnreadableFile.

    The file is opened without waiting (a FIFO opens at once) and then checked by its handle,
    so what is checked is what is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFile("no such file") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("is not a regular file (a FIFO, a device or a socket is not read)")
        if info.st_size > max_bytes:
            raise UnreadableFile(f"is too large ({_size(info.st_size)}; at most {_size(max_bytes)} is read)")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """The whole content of a regular file of at most ``max_bytes`` (also if it grows meanwhile)."""
    with open_regular(path, max_bytes) as f:
        try:
            data = f.read(max_bytes + 1)
        except OSError as exc:
            raise UnreadableFile(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > max_bytes:
        raise UnreadableFile(f"is too large (at most {_size(max_bytes)} is read)")
    return data


def read_text(path: str | Path, max_bytes: int = MAX_CONFIG_BYTES) -> str:
    """A regular UTF-8 text file of at most ``max_bytes``."""
    try:
        return read_bytes(path, max_bytes).decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile("is not a UTF-8 text file") from None
