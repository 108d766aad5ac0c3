"""Uploaded videos: checked, named safely and kept inside the data folder.

A browser sends the file's own name, which may hold folders (``../../.bashrc``,
``C:\\evil\\x.mp4``), control characters or nothing at all. ``upload_path`` makes a name
from it that always lies directly in the uploads folder; ``save_upload`` refuses what is too
large or not a video before anything else reads it, and removes what it wrote if the file
turns out unreadable.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

VIDEO_TYPES = ["mp4", "mov", "avi", "webm", "mkv", "m4v", "gif"]  # an animated GIF plays as a clip
MAX_UPLOAD_MB = 500  # the same as server.maxUploadSize in ui/streamlit.toml
MAX_NAME_CHARS = 80


class UploadError(ValueError):
    """An upload that is refused; the message names the file as the person called it."""


def safe_name(name: str) -> str:
    """The last part of ``name`` with only letters, digits, ``.``, ``-`` and ``_`` (others
    become ``_``), no leading dots and at most ``MAX_NAME_CHARS`` characters; never empty."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFKD", str(name)))[-1]
    base = "".join(ch for ch in base if not unicodedata.combining(ch))  # Ü -> U
    base = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in ".-_" else "_" for ch in base).lstrip(".")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = ext[:8]
    stem = stem[: MAX_NAME_CHARS - len(ext) - 1] or "video"
    return f"{stem}.{ext}" if ext else stem


def upload_path(folder: Path, file_id: str, name: str) -> Path:
    """Where an upload is written: directly in ``folder``, whatever ``file_id`` and ``name`` hold."""
    ident = re.sub(r"[^A-Za-z0-9_-]", "", str(file_id))[:40] or "upload"
    path = folder / f"{ident}-{safe_name(name)}"
    if path.parent != folder or path.resolve().parent != folder.resolve():  # cannot happen; kept as the guard
        raise UploadError(f"{name}: not a usable file name")
    return path


def check_upload(name: str, size_bytes: int, limit_mb: float = MAX_UPLOAD_MB) -> None:
    """Refuse an upload of the wrong type, empty or over ``limit_mb`` megabytes (1 MB = 2**20 bytes)."""
    ext = Path(safe_name(name)).suffix.lower().lstrip(".")
    if ext not in VIDEO_TYPES:
        raise UploadError(f"{name}: not a video posecoach reads (use {', '.join(VIDEO_TYPES)})")
    if size_bytes <= 0:
        raise UploadError(f"{name}: is empty")
    if size_bytes > limit_mb * 2**20:
        raise UploadError(f"{name}: {size_bytes / 2**20:.0f} MB is over the {limit_mb:.0f} MB limit")


def save_upload(folder: Path, file_id: str, name: str, data: bytes | memoryview,
                limit_mb: float = MAX_UPLOAD_MB) -> Path:
    """Check the upload, write it atomically into ``folder`` and make sure it is a readable video."""
    from posecoach.adapters.video import InputError, VideoReader

    check_upload(name, len(data), limit_mb)
    folder.mkdir(parents=True, exist_ok=True)
    path = upload_path(folder, file_id, name)
    if not path.exists():
        fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=".partial", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise UploadError(f"{name}: cannot be saved ({exc.strerror})") from None
    try:
        VideoReader(path).close()
    except InputError as exc:
        path.unlink(missing_ok=True)
        reason = str(exc).split(": ", 1)[-1]
        raise UploadError(f"{name}: {reason}") from None
    return path
