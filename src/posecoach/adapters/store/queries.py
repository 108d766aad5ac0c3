"""The ``Store``: people, profiles, sessions, measurements, ratings and plans, read and written
through short connections (thread-safe)."""

from __future__ import annotations

import contextlib
import json
import math
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from posecoach.adapters.store.breathing import StoredBreathing
from posecoach.adapters.store.records import (
    Person,
    SessionInfo,
    StoredFrame,
    StoredHold,
    StoredMeasurement,
    StoredRating,
    StoredSession,
    landmarks_from_blob,
)
from posecoach.adapters.store.schema import (
    APPLICATION_ID,
    BREATHING_FIELDS,
    ELSEWHERE,
    MEASUREMENT_KINDS,
    StoreError,
    StoreUnusable,
    check_identity,
    check_name,
    check_writable,
    connect,
    damaged,
    default_path,
    migrate,
    now_iso,
    problem,
    shown,
    transaction,
)
from posecoach.adapters.store.writer import SessionWriter

_SESSION_COLUMNS = (
    "s.id, s.person, s.started, s.ended, s.exercise_arg, s.profile_name, s.profile_toml, s.model, "
    "s.model_sha256, s.width, s.height, s.fps, s.source, s.video_path, "
    "(SELECT COUNT(*) FROM frames f WHERE f.session = s.id), "
    "(SELECT MAX(t_ms) FROM frames f WHERE f.session = s.id)"
)


class Store:
    """The SQLite store. Thread-safe: each call opens its own short connection."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        check_name(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            check_writable(self.path)
            check_identity(self.path)
            self._open_wal_and_migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreUnusable(problem(self.path, exc)) from None
        except OSError as exc:
            raise StoreUnusable(f"{shown(self.path)}: cannot be created or read ({exc.strerror}); "
                                f"{ELSEWHERE}") from None

    def _open_wal_and_migrate(self, attempts: int = 40, wait_s: float = 0.25) -> None:
        """Switch to WAL and bring the schema up to date. Two processes opening a new file at
        once may see "database is locked" without SQLite's busy wait (a lock upgrade it
        refuses rather than deadlock); that is retried for up to ``attempts * wait_s`` seconds."""
        for attempt in range(attempts):
            try:
                with contextlib.closing(connect(self.path)) as con:
                    mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    if str(mode).lower() != "wal":
                        raise StoreError(f"{self.path}: cannot switch to WAL mode (got {mode})")
                    new = int(con.execute("PRAGMA user_version").fetchone()[0]) == 0
                    migrate(con)
                    if new:  # marked as posecoach's (an existing store is not written to on opening)
                        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or attempt == attempts - 1:
                    raise
                time.sleep(wait_s)

    @contextlib.contextmanager
    def _con(self) -> Iterator[sqlite3.Connection]:
        """A short connection; any SQLite failure comes out as ``StoreUnusable`` (one sentence)."""
        try:
            con = connect(self.path)
        except sqlite3.DatabaseError as exc:
            raise StoreUnusable(problem(self.path, exc)) from None
        try:
            yield con
        except sqlite3.DatabaseError as exc:
            raise StoreUnusable(problem(self.path, exc)) from None
        finally:
            con.close()

    def check_intact(self) -> None:
        """Raise ``StoreUnusable`` when SQLite's quick check finds the file damaged (it reads
        every page once: about a second for a few hundred MB)."""
        with self._con() as con:
            rows = con.execute("PRAGMA quick_check(1)").fetchall()
        if rows != [("ok",)]:
            found = str(rows[0][0]).replace("*** in database main ***", "") if rows else "no answer"
            raise StoreUnusable(damaged(self.path, f"SQLite's check found: {' '.join(found.split())}"))

    # People and their profiles
    def add_person(self, name: str) -> Person:
        name = name.strip()
        if not name:
            raise ValueError("a person needs a name")
        created = now_iso()
        with self._con() as con, transaction(con):
            try:
                cur = con.execute("INSERT INTO people (name, created) VALUES (?, ?)", (name, created))
            except sqlite3.IntegrityError:
                raise ValueError(f"there is already someone called {name!r}") from None
        return Person(int(cur.lastrowid), name, created)

    def people(self) -> list[Person]:
        with self._con() as con:
            rows = con.execute("SELECT id, name, created FROM people ORDER BY name COLLATE NOCASE").fetchall()
        return [Person(*row) for row in rows]

    def save_profile(self, person: int, name: str, toml_text: str) -> None:
        """Create or replace one of a person's profiles (TOML text, see the catalogue's profiles)."""
        with self._con() as con, transaction(con):
            con.execute("INSERT OR REPLACE INTO profiles (person, name, toml) VALUES (?, ?, ?)", (person, name, toml_text))

    def profiles(self, person: int) -> dict[str, str]:
        """A person's saved profiles: name -> TOML text."""
        with self._con() as con:
            rows = con.execute("SELECT name, toml FROM profiles WHERE person = ? ORDER BY name", (person,)).fetchall()
        return dict(rows)

    def delete_profile(self, person: int, name: str) -> None:
        with self._con() as con, transaction(con):
            con.execute("DELETE FROM profiles WHERE person = ? AND name = ?", (person, name))

    # Sessions
    def start_session(
        self, person: int, *, exercise_arg: str | None, profile_name: str, profile_toml: str | None,
        model: str, model_sha256: str, width: int | None = None, height: int | None = None,
        fps: float | None = None, source: str | None = None, video_path: str | Path | None = None,
        flush_every_s: float = 1.0, belly_share_min: float | None = None,
    ) -> SessionWriter:
        """Open a session row now and return its writer (frames are written about once a second;
        ``belly_share_min`` tells belly from chest breathing in the session's breathing)."""
        with self._con() as con, transaction(con):
            cur = con.execute(
                "INSERT INTO sessions (person, started, exercise_arg, profile_name, profile_toml, model, model_sha256,"
                " width, height, fps, source, video_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (person, now_iso(), exercise_arg, profile_name, profile_toml, model, model_sha256, width, height, fps,
                 source, None if video_path is None else str(video_path)),
            )
        return SessionWriter(self.path, int(cur.lastrowid), flush_every_s, belly_share_min)

    def sessions(self, person: int) -> list[SessionInfo]:
        """A person's sessions, newest first."""
        with self._con() as con:
            rows = con.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE s.person = ? ORDER BY s.started DESC, s.id DESC",
                (person,),
            ).fetchall()
        return [SessionInfo(*row) for row in rows]

    def session(self, session_id: int) -> SessionInfo:
        with self._con() as con:
            row = con.execute(f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE s.id = ?", (session_id,)).fetchone()
        if row is None:
            raise StoreError(f"no session {session_id}")
        return SessionInfo(*row)

    def load_session(self, session_id: int) -> StoredSession:
        """A session with all its frames (in time order) and holds."""
        info = self.session(session_id)
        with self._con() as con:
            rows = con.execute(
                "SELECT t_ms, landmarks, image_measures, exercise, side, view, checks, cue FROM frames"
                " WHERE session = ? ORDER BY t_ms",
                (session_id,),
            ).fetchall()
            hold_rows = con.execute(
                "SELECT exercise, side, good_form_s, target_s, complete, reps FROM holds WHERE session = ? ORDER BY rowid",
                (session_id,),
            ).fetchall()
        frames = [
            StoredFrame(t, landmarks_from_blob(blob), json.loads(measures), exercise, side, view, json.loads(checks), cue)
            for t, blob, measures, exercise, side, view, checks, cue in rows
        ]
        holds = [StoredHold(e, s, g, t, bool(c), r) for e, s, g, t, c, r in hold_rows]
        return StoredSession(info, frames, holds)

    def delete_session(self, session_id: int) -> None:
        """Remove a session, its frames, holds, recorded video and the files made from it."""
        with self._con() as con, transaction(con):
            row = con.execute("SELECT video_path FROM sessions WHERE id = ?", (session_id,)).fetchone()
            con.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        if row is not None:
            _remove_file(row[0])
        shutil.rmtree(session_cache_dir(self.path, session_id), ignore_errors=True)

    def delete_person(self, person: int) -> None:
        """Remove a person with their profiles, sessions, frames, holds and recorded videos."""
        with self._con() as con, transaction(con):
            rows = con.execute("SELECT id, video_path FROM sessions WHERE person = ?", (person,)).fetchall()
            con.execute("DELETE FROM people WHERE id = ?", (person,))
        for session_id, video in rows:
            _remove_file(video)
            shutil.rmtree(session_cache_dir(self.path, session_id), ignore_errors=True)

    def integrity_ok(self) -> bool:
        """SQLite's own ``PRAGMA integrity_check`` and the foreign keys both pass."""
        with self._con() as con:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            return ok and not con.execute("PRAGMA foreign_key_check").fetchall()

    # History: read-only aggregates over one person's sessions
    def person_holds(self, person: int) -> list[tuple[int, StoredHold]]:
        """All hold sets of a person's sessions as ``(session id, hold)``, oldest session first."""
        with self._con() as con:
            rows = con.execute(
                "SELECT h.session, h.exercise, h.side, h.good_form_s, h.target_s, h.complete, h.reps"
                " FROM holds h JOIN sessions s ON s.id = h.session WHERE s.person = ?"
                " ORDER BY s.started, s.id, h.rowid",
                (person,),
            ).fetchall()
        return [(sid, StoredHold(e, side, g, t, bool(c), r)) for sid, e, side, g, t, c, r in rows]

    # Breathing in the rest positions
    def breathing(self, session_id: int) -> tuple[StoredBreathing | None, list[StoredBreathing]]:
        """A session's breathing (None when it held no breathing exercise) and each segment's, in time order."""
        names = ", ".join(f"breath_{n}" for n in BREATHING_FIELDS)
        with self._con() as con:
            row = con.execute(f"SELECT {names} FROM sessions WHERE id = ?", (session_id,)).fetchone()
            rows = con.execute(f"SELECT {', '.join(BREATHING_FIELDS)}, exercise, side, start_ms, end_ms FROM breathing"
                               " WHERE session = ? ORDER BY start_ms, rowid", (session_id,)).fetchall()
        if row is None:
            raise StoreError(f"no session {session_id}")
        whole = None if row[5] is None else StoredBreathing(*row)
        return whole, [StoredBreathing(*r) for r in rows]

    def person_breathing(self, person: int) -> list[tuple[int, str, StoredBreathing]]:
        """``(session id, started, breathing)`` of a person's sessions that held a breathing
        exercise, oldest first."""
        names = ", ".join(f"s.breath_{n}" for n in BREATHING_FIELDS)
        with self._con() as con:
            rows = con.execute(f"SELECT s.id, s.started, {names} FROM sessions s WHERE s.person = ?"
                               " AND s.breath_measured_s IS NOT NULL ORDER BY s.started, s.id", (person,)).fetchall()
        return [(int(r[0]), str(r[1]), StoredBreathing(*r[2:])) for r in rows]

    # Progress: measurements, pain ratings, plans
    def save_measurement(self, session: int, kind: str, value: float, *, exercise: str | None = None,
                         side: str | None = None, spread: float | None = None, readings: int = 1) -> None:
        """Store one measurement of a session (``kind`` from MEASUREMENT_KINDS, in its unit)."""
        if kind not in MEASUREMENT_KINDS:
            raise ValueError(f"unknown measurement {kind!r}")
        if not math.isfinite(value) or (spread is not None and not math.isfinite(spread)):
            raise ValueError(f"a {kind} must be a finite number")
        with self._con() as con, transaction(con):
            con.execute("INSERT INTO measurements (session, kind, exercise, side, value, spread, readings)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)", (session, kind, exercise, side, float(value), spread, int(readings)))

    def measurements(self, person: int) -> list[StoredMeasurement]:
        """A person's measurements, oldest session first."""
        with self._con() as con:
            rows = con.execute(
                "SELECT m.session, s.started, m.kind, m.exercise, m.side, m.value, m.spread, m.readings"
                " FROM measurements m JOIN sessions s ON s.id = m.session WHERE s.person = ?"
                " ORDER BY s.started, s.id, m.rowid", (person,)).fetchall()
        return [StoredMeasurement(*row) for row in rows]

    def save_rating(self, session: int, exercise: str, side: str | None, pain: int, word: str, stop: bool) -> None:
        """Store a pain rating of one exercise (and side) of a session; ``stop``: the seeds' rule said stop.
        Validate it first with ``core.pain.rate``; a pain outside 0-10 is refused here too."""
        if isinstance(pain, bool) or int(pain) != pain or not 0 <= pain <= 10:
            raise ValueError(f"pain must be a whole number from 0 to 10, not {pain!r}")
        with self._con() as con, transaction(con):
            con.execute("INSERT INTO ratings (session, exercise, side, pain, word, stop, rated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (session, exercise, side, int(pain), word, int(bool(stop)), now_iso()))

    def ratings(self, person: int) -> list[StoredRating]:
        """A person's pain ratings, oldest first."""
        with self._con() as con:
            rows = con.execute(
                "SELECT r.session, r.rated, r.exercise, r.side, r.pain, r.word, r.stop FROM ratings r"
                " JOIN sessions s ON s.id = r.session WHERE s.person = ? ORDER BY r.rated, r.rowid", (person,)).fetchall()
        return [StoredRating(sid, rated, ex, side, pain, word, bool(stop)) for sid, rated, ex, side, pain, word, stop in rows]

    def save_plan(self, person: int, name: str, toml_text: str) -> None:
        """Create or replace one of a person's plans (the file's text, validated by the caller)."""
        with self._con() as con, transaction(con):
            con.execute("INSERT OR REPLACE INTO plans (person, name, toml, imported) VALUES (?, ?, ?, ?)",
                        (person, name, toml_text, now_iso()))

    def plans(self, person: int) -> list[tuple[str, str, str]]:
        """A person's plans as ``(name, toml text, imported)``, the latest imported first."""
        with self._con() as con:
            return [tuple(r) for r in con.execute(
                "SELECT name, toml, imported FROM plans WHERE person = ? ORDER BY imported DESC, rowid DESC",
                (person,)).fetchall()]

    def failed_seconds(self, person: int, max_step_s: float = 0.5) -> list[tuple[int, str, str, str | None, float]]:
        """Seconds each check was judged "fail", as rows ``(session, exercise, check, cue shown, failed_s)``.

        A frame lasts until the next stored frame of its session (``LEAD(t_ms)``), at most
        ``max_step_s`` so a gap in the stream is not counted; the last frame lasts one typical
        step of its session (the mean step, else ``1 / fps``), capped alike. Rows are split by
        the cue on screen at the time, which tells which way a two-sided check failed.
        """
        sql = """
            WITH timed AS (
                SELECT f.session, f.exercise, f.checks, f.cue,
                       LEAD(f.t_ms) OVER (PARTITION BY f.session ORDER BY f.t_ms) - f.t_ms AS step_ms
                FROM frames f JOIN sessions s ON s.id = f.session
                WHERE s.person = :person
            ), typical AS (
                SELECT s.id AS session,
                       COALESCE((MAX(f.t_ms) - MIN(f.t_ms)) / NULLIF(COUNT(*) - 1, 0), 1000.0 / NULLIF(s.fps, 0), 0.0)
                           AS step_ms
                FROM sessions s JOIN frames f ON f.session = s.id
                WHERE s.person = :person
                GROUP BY s.id
            )
            SELECT t.session, t.exercise, j.key, t.cue,
                   SUM(MIN(COALESCE(t.step_ms, ty.step_ms), :max_step_ms)) / 1000.0
            FROM timed t JOIN typical ty ON ty.session = t.session, json_each(t.checks) j
            WHERE t.exercise IS NOT NULL AND j.value = 'fail'
            GROUP BY t.session, t.exercise, j.key, t.cue
            ORDER BY t.session, t.exercise, j.key, t.cue
        """
        with self._con() as con:
            rows = con.execute(sql, {"person": person, "max_step_ms": max_step_s * 1000.0}).fetchall()
        return [(int(s), str(e), str(c), cue, float(sec)) for s, e, c, cue, sec in rows]


def session_cache_dir(db_path: Path, session_id: int) -> Path:
    """Where files made from a session are kept (replayed poses, annotated videos)."""
    return Path(db_path).parent / "cache" / f"session-{int(session_id)}"


def _remove_file(path: str | None) -> None:
    if path:
        with contextlib.suppress(FileNotFoundError):
            Path(path).unlink()
