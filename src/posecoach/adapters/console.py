"""The command line's console: one-line messages on standard error and the exit statuses.

Exit statuses: 0 done, 2 the user's input (a file, an option), 3 the environment (a model,
the disk, a port).
"""

from __future__ import annotations

import sys

EXIT_OK, EXIT_INPUT, EXIT_ENV = 0, 2, 3


def say(msg: str) -> None:
    """One line on standard error; nothing when it is closed or gone (a hung-up terminal)."""
    if sys.stderr is None:
        return
    try:
        print(f"posecoach: {msg}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
