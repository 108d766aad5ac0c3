"""Real faults for tests: a tiny full filesystem and a read-only folder.

As root (CI, and the developers' machines) these are real mounts: a tmpfs of a few
kilobytes that fills up (ENOSPC) and a read-only tmpfs (EROFS). Where mounting is not
allowed, a full disk is simulated in a subprocess with ``RLIMIT_FSIZE`` (writes past the
limit fail with EFBIG, as writes to a full disk fail with ENOSPC) and a read-only folder
is ``chmod 555`` (which binds everyone but root).
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _mount_tmpfs(where: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    return proc.returncode == 0


def _unmount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@contextlib.contextmanager
def full_disk(where: Path, size_kb: int) -> Iterator[bool]:
    """A folder on a tmpfs of ``size_kb``; yields False (and a plain folder) when mounting is not allowed."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = _mount_tmpfs(where, f"size={size_kb}k,mode=777")
    try:
        yield mounted
    finally:
        if mounted:
            _unmount(where)


@contextlib.contextmanager
def read_only_folder(where: Path) -> Iterator[str]:
    """A folder nobody may write to; yields how: "ro-mount" (root) or "chmod" (anyone else)."""
    where.mkdir(parents=True, exist_ok=True)
    if _mount_tmpfs(where, "size=64k,ro"):
        try:
            yield "ro-mount"
        finally:
            _unmount(where)
        return
    if os.geteuid() == 0:
        pytest.skip("running as root where mounting is not allowed: chmod does not bind root")
    where.chmod(0o555)
    try:
        yield "chmod"
    finally:
        where.chmod(0o755)


def file_size_limit(limit_bytes: int):
    """A ``preexec_fn`` that limits the size of any file the child writes (RLIMIT_FSIZE).
    Python ignores SIGXFSZ, so a write past the limit fails with EFBIG instead of killing it."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return limit
