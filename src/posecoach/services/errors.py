"""The errors the services raise for the entry points to word and map to exit statuses."""

from __future__ import annotations


class BatchError(Exception):
    """The batch cannot start or go on: one line, and the exit status (2 the user's input, 3 the environment)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code
