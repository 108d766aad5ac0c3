"""The ``SessionWriter``: one session's frames written as they come, a transaction about every
second, so a closed tab or a crash loses at most the last second."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from posecoach.adapters.store.records import HoldLike, finite_measures, landmarks_blob
from posecoach.adapters.store.schema import StoreError, connect, now_iso, sqlite_why, transaction
from posecoach.core.coach import FrameResult


class SessionWriter:
    """Writes one session's frames as they come, committing about every ``flush_every_s``.

    Owns one connection; use it from one thread at a time.
    """

    def __init__(self, path: Path, session_id: int, flush_every_s: float = 1.0) -> None:
        self.path = Path(path)
        self.id = session_id
        self.flush_every_s = flush_every_s
        self._con: sqlite3.Connection | None = connect(path)
        self._rows: list[tuple[Any, ...]] = []
        self._holds: list[tuple[Any, ...]] | None = None
        self._last_flush_s = time.monotonic()

    def add(self, result: FrameResult, landmarks: np.ndarray | None, image_measures: dict[str, float] | None) -> None:
        """Queue one judged frame; commits when a second has passed since the last commit."""
        cue = result.cues[0] if result.cues else None
        self._rows.append((
            self.id, float(result.t_ms), landmarks_blob(landmarks), json.dumps(finite_measures(image_measures)),
            result.exercise, result.side, result.view, json.dumps(result.checks), cue,
        ))
        if time.monotonic() - self._last_flush_s >= self.flush_every_s:
            self.flush()

    def save_holds(self, holds: Iterable[HoldLike]) -> None:
        """Replace the session's holds at the next commit (so a crash keeps recent ones)."""
        self._holds = [(self.id, h.exercise, h.side, float(h.good_form_s), float(h.target_s), int(bool(h.complete)),
                        int(h.reps)) for h in holds]

    def update(self, **columns: Any) -> None:
        """Set session columns known only later (``width``, ``height``, ``fps``, ``model``, ``model_sha256``)."""
        allowed = {"width", "height", "fps", "model", "model_sha256", "video_path"}
        unknown = set(columns) - allowed
        if unknown:
            raise ValueError(f"cannot update {', '.join(sorted(unknown))}")
        con = self._open()
        sets = ", ".join(f"{name} = ?" for name in columns)
        with transaction(con):
            con.execute(f"UPDATE sessions SET {sets} WHERE id = ?", (*columns.values(), self.id))

    def flush(self) -> None:
        """Commit the queued frames (and holds) in one transaction. When that fails (a full disk,
        a read-only file) a ``StoreError`` says so; what was committed before stays, and the
        queued frames stay queued for the next try."""
        try:
            self._commit_queued()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot save the session: {sqlite_why(exc)}; "
                             "everything saved before is kept") from None

    def _commit_queued(self) -> None:
        con = self._open()
        with transaction(con):
            if self._rows:
                con.executemany(
                    "INSERT OR REPLACE INTO frames (session, t_ms, landmarks, image_measures, exercise, side, view, checks, cue)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    self._rows,
                )
            if self._holds is not None:
                con.execute("DELETE FROM holds WHERE session = ?", (self.id,))
                con.executemany(
                    "INSERT INTO holds (session, exercise, side, good_form_s, target_s, complete, reps)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    self._holds,
                )
        self._rows.clear()
        self._holds = None
        self._last_flush_s = time.monotonic()

    def close(self, holds: Iterable[HoldLike] = ()) -> None:
        """Write what is left and the final holds, mark the session ended. Idempotent."""
        if self._con is None:
            return
        try:
            self.save_holds(holds)
            self.flush()
            with transaction(self._con):
                self._con.execute("UPDATE sessions SET ended = ? WHERE id = ?", (now_iso(), self.id))
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot save the session's end: {sqlite_why(exc)}; "
                             "everything saved before is kept") from None
        finally:
            self._con.close()
            self._con = None

    @property
    def closed(self) -> bool:
        return self._con is None

    def _open(self) -> sqlite3.Connection:
        if self._con is None:
            raise StoreError(f"session {self.id} is closed")
        return self._con
