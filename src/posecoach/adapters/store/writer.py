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

from posecoach.adapters.store.breathing import BreathingLog, StoredBreathing
from posecoach.adapters.store.records import HoldLike, finite_measures, landmarks_blob
from posecoach.adapters.store.schema import BREATHING_FIELDS, StoreError, connect, now_iso, sqlite_why, transaction
from posecoach.core.coach import FrameResult

BREATHING_SAVE_EVERY_S = 30.0  # the session's breathing is summed up and saved this often (seconds of session time)


class SessionWriter:
    """Writes one session's frames as they come, committing about every ``flush_every_s``.

    Owns one connection; use it from one thread at a time. The frames' breathing readings are
    gathered as they come and the session's breathing (whole and per segment) is saved about
    every ``BREATHING_SAVE_EVERY_S`` of session time and at the end; ``belly_share_min`` tells
    belly from chest breathing (see ``core.breathing.breathing_summary``).
    """

    def __init__(self, path: Path, session_id: int, flush_every_s: float = 1.0,
                 belly_share_min: float | None = None) -> None:
        self.path = Path(path)
        self.id = session_id
        self.flush_every_s = flush_every_s
        self._con: sqlite3.Connection | None = connect(path)
        self._rows: list[tuple[Any, ...]] = []
        self._holds: list[tuple[Any, ...]] | None = None
        self._last_flush_s = time.monotonic()
        self._breathing = BreathingLog(belly_share_min)
        self._breathing_due = False
        self._breathing_saved_ms = 0.0

    def add(self, result: FrameResult, landmarks: np.ndarray | None, image_measures: dict[str, float] | None) -> None:
        """Queue one judged frame; commits when a second has passed since the last commit."""
        cue = result.cues[0] if result.cues else None
        self._rows.append((
            self.id, float(result.t_ms), landmarks_blob(landmarks), json.dumps(finite_measures(image_measures)),
            result.exercise, result.side, result.view, json.dumps(result.checks), cue,
        ))
        reading = result.breathing
        if reading is not None:
            self._breathing.add(result.t_ms, result.exercise, result.side, reading)
            if result.t_ms - self._breathing_saved_ms >= BREATHING_SAVE_EVERY_S * 1000.0:
                self._breathing_due, self._breathing_saved_ms = True, result.t_ms
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
            if self._breathing_due:
                _write_breathing(con, self.id, *self._breathing.summaries())
        self._rows.clear()
        self._holds = None
        self._breathing_due = False
        self._last_flush_s = time.monotonic()

    def close(self, holds: Iterable[HoldLike] = ()) -> None:
        """Write what is left and the final holds, mark the session ended. Idempotent."""
        if self._con is None:
            return
        try:
            self.save_holds(holds)
            self._breathing_due = bool(self._breathing)
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


def _write_breathing(con: sqlite3.Connection, session_id: int, whole: StoredBreathing | None,
                     segments: list[StoredBreathing]) -> None:
    """Replace the session's breathing: its summary in the session's row, a row per segment."""
    sets = ", ".join(f"breath_{name} = ?" for name in BREATHING_FIELDS)
    values = [None if whole is None else getattr(whole, name) for name in BREATHING_FIELDS]
    con.execute(f"UPDATE sessions SET {sets} WHERE id = ?", (*values, session_id))
    con.execute("DELETE FROM breathing WHERE session = ?", (session_id,))
    columns = ("exercise", "side", "start_ms", "end_ms", *BREATHING_FIELDS)
    con.executemany(f"INSERT INTO breathing (session, {', '.join(columns)}) VALUES (?{', ?' * len(columns)})",
                    [(session_id, *(getattr(s, c) for c in columns)) for s in segments])
