"""Native libraries (MediaPipe, libpng, libjpeg) write warnings straight to file descriptor 2;
a user's terminal should show posecoach's own one-line messages only."""

from __future__ import annotations

import contextlib
import os


@contextlib.contextmanager
def quiet_native_stderr():
    """Silence the native library's writes to file descriptor 2 for the block."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
