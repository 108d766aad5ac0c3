"""The session store: people, their profiles and their coached sessions in one SQLite file.

Everything stays on this machine, by default in ``$POSECOACH_DATA/posecoach.db``
(``POSECOACH_DATA`` defaults to ``~/.local/share/posecoach``). The file runs in WAL mode;
a live session is written as it goes, one transaction per second of frames, so a closed
tab or a crash loses at most the last second. The schema is versioned with
``PRAGMA user_version`` and upgraded by the ``MIGRATIONS`` list on opening; the file is marked
as posecoach's with ``PRAGMA application_id``. A file that is not posecoach's (another program's
SQLite file, or not SQLite at all), a damaged one, a read-only one or a path that is not UTF-8
is refused with ``StoreUnusable`` before anything is written to it: it stays byte for byte.

Landmarks are kept as a little-endian float32 blob of 33 x 4 values (normalised x, y, z,
visibility, as MediaPipe gives them); NULL where no person was found. Times: ``t_ms`` is
the frame's time from the session's start in milliseconds; ``started`` / ``ended`` are
ISO 8601 UTC timestamps.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import sqlite3
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from posecoach.core.coach import FrameResult

LANDMARKS_DTYPE = np.dtype("<f4")
LANDMARKS_SHAPE = (33, 4)

# Each migration is the list of statements that takes the file from version i to i + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL)""",
        """CREATE TABLE profiles (
            person INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            toml TEXT NOT NULL,
            PRIMARY KEY (person, name))""",
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            person INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            started TEXT NOT NULL,
            ended TEXT,
            exercise_arg TEXT,
            profile_name TEXT,
            profile_toml TEXT,
            model TEXT,
            model_sha256 TEXT,
            width INTEGER,
            height INTEGER,
            fps REAL,
            source TEXT,
            video_path TEXT)""",
        "CREATE INDEX sessions_by_person ON sessions(person, started)",
        """CREATE TABLE frames (
            session INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            t_ms REAL NOT NULL,
            landmarks BLOB,
            image_measures TEXT NOT NULL DEFAULT '{}',
            exercise TEXT,
            side TEXT,
            view TEXT,
            checks TEXT NOT NULL DEFAULT '{}',
            cue TEXT,
            PRIMARY KEY (session, t_ms)) WITHOUT ROWID""",
        """CREATE TABLE holds (
            session INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            exercise TEXT NOT NULL,
            side TEXT,
            good_form_s REAL NOT NULL,
            target_s REAL NOT NULL,
            complete INTEGER NOT NULL,
            reps INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX holds_by_session ON holds(session)",
    ),
    (  # 2: progress a physiotherapist reads: measurements, pain ratings, plans
        """CREATE TABLE measurements (
            session INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            exercise TEXT,
            side TEXT,
            value REAL NOT NULL,
            spread REAL,
            readings INTEGER NOT NULL DEFAULT 1)""",
        "CREATE INDEX measurements_by_session ON measurements(session)",
        """CREATE TABLE ratings (
            session INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            exercise TEXT NOT NULL,
            side TEXT,
            pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
            word TEXT NOT NULL DEFAULT '',
            stop INTEGER NOT NULL,
            rated TEXT NOT NULL)""",
        "CREATE INDEX ratings_by_session ON ratings(session)",
        """CREATE TABLE plans (
            person INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            toml TEXT NOT NULL,
            imported TEXT NOT NULL,
            PRIMARY KEY (person, name))""",
    ),
)
# What a measurement's ``kind`` may be, with its unit (see core.depth and core.thomas).
MEASUREMENT_KINDS = {
    "stretch_depth_deg": "degrees of back-hip extension held with good form (kneeling stretch)",
    "thomas_hip_deg": "degrees the hanging thigh lies below the surface (Thomas test)",
    "thomas_knee_deg": "degrees of knee bend of the hanging leg (Thomas test)",
}
SCHEMA_VERSION = len(MIGRATIONS)
APPLICATION_ID = int.from_bytes(b"PsCo", "big")  # PRAGMA application_id of a posecoach store
TABLES = frozenset({"people", "profiles", "sessions", "frames", "holds"})
SQLITE_MAGIC = b"SQLite format 3\x00"
KEPT = "posecoach leaves it as it is"
ELSEWHERE = "or set POSECOACH_DATA to another folder"


class StoreError(RuntimeError):
    """The store file cannot be used (newer schema, not a database, missing session)."""


class StoreUnusable(StoreError):
    """The store file cannot be used at all: damaged, another program's, read-only or unreachable.
    The message says in one sentence what is wrong and what to do."""


def data_dir() -> Path:
    """Where posecoach keeps its data: ``$POSECOACH_DATA``, else ``~/.local/share/posecoach``."""
    env = os.environ.get("POSECOACH_DATA")
    return Path(env).expanduser() if env else Path.home() / ".local" / "share" / "posecoach"


def default_path() -> Path:
    return data_dir() / "posecoach.db"


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@contextlib.contextmanager
def _transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on an error (autocommit connections)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        if con.in_transaction:  # SQLite may have rolled back already (a full disk, an I/O error)
            con.execute("ROLLBACK")
        raise
    try:
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise


def _why(exc: sqlite3.Error) -> str:
    """A write failure in words for people, with SQLite's own message."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL"):
        return f"the disk is full ({exc})"
    if name.startswith("SQLITE_IOERR"):
        return f"the disk is full or failing ({exc})"
    if name.startswith("SQLITE_READONLY") or name.startswith("SQLITE_CANTOPEN"):
        return f"the file or its folder is read-only ({exc})"
    return str(exc)


def shown(path: str | Path) -> str:
    """A path as text that can be shown anywhere (bytes that are not UTF-8 as ``\\xNN``)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def problem(path: str | Path, exc: sqlite3.Error) -> str:
    """What is wrong with the store at ``path`` and what to do, from SQLite's error."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return damaged(path, str(exc))
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")):
        return read_only(path, f"the file or its folder is read-only ({exc})")
    return f"{shown(path)}: {_why(exc)}"


def damaged(path: str | Path, why: str) -> str:
    return (f"{shown(path)} is damaged ({why}); {KEPT}: move it elsewhere (or put back a copy you kept) "
            f"to start a new store, {ELSEWHERE}")


def read_only(path: str | Path, why: str) -> str:
    return (f"{shown(path)}: cannot write here: {why}; make it writable, "
            "or set POSECOACH_DATA to a folder posecoach may write to")


def check_name(path: Path) -> None:
    """Refuse a store path that is not UTF-8 text (SQLite and the page take only that), before
    anything is made there."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise StoreUnusable(f"{shown(path)}: the folder's name is not UTF-8 text, which posecoach cannot store; "
                            "set POSECOACH_DATA to a folder with a plain (UTF-8) name") from None


def check_writable(path: Path) -> None:
    """Refuse a read-only store file, or a read-only folder (WAL mode writes beside the file)."""
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreUnusable(read_only(path, "the file is read-only"))
    if not os.access(path.parent, os.W_OK):
        raise StoreUnusable(read_only(path, "the folder is read-only"))


def check_identity(path: Path) -> None:
    """Refuse a file that is not a posecoach store, reading it only (it stays byte for byte).

    A store has posecoach's ``application_id``, or (written before that was set) posecoach's
    tables; an empty file, or an SQLite file with no tables, becomes a new store."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb") as f:
        if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise StoreUnusable(f"{shown(path)} is not a posecoach store (not an SQLite file: another program's, "
                                f"or damaged); {KEPT}: move it elsewhere, {ELSEWHERE}")
    uri = "file:" + urllib.parse.quote(str(path.absolute())) + "?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=10.0)) as con:
        app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    ours = app_id == APPLICATION_ID or (app_id == 0 and (TABLES <= tables or not tables))
    if ours and version > len(MIGRATIONS):
        raise StoreUnusable(f"{path}: the store was written by a newer posecoach (schema {version}, "
                            f"this one knows {len(MIGRATIONS)}); use that posecoach, {ELSEWHERE}")
    if not ours:
        listed = ", ".join(sorted(tables)[:5]) or "none"
        raise StoreUnusable(f"{path} is not posecoach's store but another program's SQLite file (its tables: "
                            f"{listed}); {KEPT}: move it elsewhere, {ELSEWHERE}")


def connect(path: str | Path) -> sqlite3.Connection:
    """An autocommit connection with foreign keys on; safe to hand to one other thread."""
    con = sqlite3.connect(str(path), isolation_level=None, timeout=10.0, check_same_thread=False)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable at each checkpoint, never corrupt
    return con


def migrate(con: sqlite3.Connection, migrations: Sequence[Sequence[str]] = MIGRATIONS) -> int:
    """Bring the file to ``len(migrations)``, one transaction per step; return the version.

    Each step reads the version inside its write transaction, so two processes opening a new
    file at once (two tabs) never run the same step twice.
    """
    while True:
        with _transaction(con):
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            if version > len(migrations):
                raise StoreError(f"the store was written by a newer posecoach (schema {version}, "
                                 f"this one knows {len(migrations)})")
            if version == len(migrations):
                return version
            for statement in migrations[version]:
                con.execute(statement)
            con.execute(f"PRAGMA user_version = {version + 1}")


def landmarks_blob(landmarks: np.ndarray | None) -> bytes | None:
    """(33, 4) landmarks as the stored float32 blob, or None."""
    if landmarks is None:
        return None
    arr = np.asarray(landmarks, dtype=LANDMARKS_DTYPE)
    if arr.shape != LANDMARKS_SHAPE:
        raise ValueError(f"landmarks must be {LANDMARKS_SHAPE}, not {arr.shape}")
    return arr.tobytes()


def landmarks_from_blob(blob: bytes | None) -> np.ndarray | None:
    """The stored blob back as a float (33, 4) array, or None."""
    if blob is None:
        return None
    return np.frombuffer(blob, dtype=LANDMARKS_DTYPE).reshape(LANDMARKS_SHAPE).astype(float)


def _finite_measures(measures: dict[str, float] | None) -> dict[str, float]:
    return {k: float(v) for k, v in (measures or {}).items() if v is not None and math.isfinite(v)}


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    created: str


@dataclass(frozen=True)
class SessionInfo:
    """One stored session's header. ``ended`` is None when it was interrupted (tab closed, crash)."""

    id: int
    person: int
    started: str
    ended: str | None
    exercise_arg: str | None
    profile_name: str | None
    profile_toml: str | None
    model: str | None
    model_sha256: str | None
    width: int | None
    height: int | None
    fps: float | None
    source: str | None
    video_path: str | None
    n_frames: int
    last_t_ms: float | None

    @property
    def duration_s(self) -> float:
        """Seconds from the first to the last stored frame."""
        return 0.0 if self.last_t_ms is None else self.last_t_ms / 1000.0


@dataclass(frozen=True)
class StoredFrame:
    """One stored frame: ``landmarks`` (33, 4) normalised or None; verdicts as judged live."""

    t_ms: float
    landmarks: np.ndarray | None
    image_measures: dict[str, float]
    exercise: str | None
    side: str | None
    view: str | None
    checks: dict[str, str]
    cue: str | None


@dataclass(frozen=True)
class StoredHold:
    exercise: str
    side: str | None
    good_form_s: float
    target_s: float
    complete: bool
    reps: int


@dataclass(frozen=True)
class StoredMeasurement:
    """One measurement of a session: ``value`` (and ``spread``, half the range of its readings)
    in the unit its ``kind`` names; ``started`` is the session's start (ISO 8601 UTC)."""

    session: int
    started: str
    kind: str
    exercise: str | None
    side: str | None
    value: float
    spread: float | None
    readings: int


@dataclass(frozen=True)
class StoredRating:
    session: int
    rated: str  # ISO 8601 UTC
    exercise: str
    side: str | None
    pain: int  # 0-10
    word: str
    stop: bool  # the seeds' rule said stop and seek care


@dataclass(frozen=True)
class StoredSession:
    info: SessionInfo
    frames: list[StoredFrame]
    holds: list[StoredHold]


class HoldLike(Protocol):
    """What a hold set must offer to be stored (``posecoach.core.holds.HoldSet`` does)."""

    exercise: str
    side: str | None
    good_form_s: float
    target_s: float
    reps: int

    @property
    def complete(self) -> bool: ...


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
        created = _now_iso()
        with self._con() as con, _transaction(con):
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
        with self._con() as con, _transaction(con):
            con.execute("INSERT OR REPLACE INTO profiles (person, name, toml) VALUES (?, ?, ?)", (person, name, toml_text))

    def profiles(self, person: int) -> dict[str, str]:
        """A person's saved profiles: name -> TOML text."""
        with self._con() as con:
            rows = con.execute("SELECT name, toml FROM profiles WHERE person = ? ORDER BY name", (person,)).fetchall()
        return dict(rows)

    def delete_profile(self, person: int, name: str) -> None:
        with self._con() as con, _transaction(con):
            con.execute("DELETE FROM profiles WHERE person = ? AND name = ?", (person, name))

    # Sessions
    def start_session(
        self, person: int, *, exercise_arg: str | None, profile_name: str, profile_toml: str | None,
        model: str, model_sha256: str, width: int | None = None, height: int | None = None,
        fps: float | None = None, source: str | None = None, video_path: str | Path | None = None,
        flush_every_s: float = 1.0,
    ) -> SessionWriter:
        """Open a session row now and return its writer (frames are written about once a second)."""
        with self._con() as con, _transaction(con):
            cur = con.execute(
                "INSERT INTO sessions (person, started, exercise_arg, profile_name, profile_toml, model, model_sha256,"
                " width, height, fps, source, video_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (person, _now_iso(), exercise_arg, profile_name, profile_toml, model, model_sha256, width, height, fps,
                 source, None if video_path is None else str(video_path)),
            )
        return SessionWriter(self.path, int(cur.lastrowid), flush_every_s)

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
        with self._con() as con, _transaction(con):
            row = con.execute("SELECT video_path FROM sessions WHERE id = ?", (session_id,)).fetchone()
            con.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        if row is not None:
            _remove_file(row[0])
        shutil.rmtree(session_cache_dir(self.path, session_id), ignore_errors=True)

    def delete_person(self, person: int) -> None:
        """Remove a person with their profiles, sessions, frames, holds and recorded videos."""
        with self._con() as con, _transaction(con):
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

    # Progress: measurements, pain ratings, plans
    def save_measurement(self, session: int, kind: str, value: float, *, exercise: str | None = None,
                         side: str | None = None, spread: float | None = None, readings: int = 1) -> None:
        """Store one measurement of a session (``kind`` from MEASUREMENT_KINDS, in its unit)."""
        if kind not in MEASUREMENT_KINDS:
            raise ValueError(f"unknown measurement {kind!r}")
        if not math.isfinite(value) or (spread is not None and not math.isfinite(spread)):
            raise ValueError(f"a {kind} must be a finite number")
        with self._con() as con, _transaction(con):
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
        with self._con() as con, _transaction(con):
            con.execute("INSERT INTO ratings (session, exercise, side, pain, word, stop, rated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (session, exercise, side, int(pain), word, int(bool(stop)), _now_iso()))

    def ratings(self, person: int) -> list[StoredRating]:
        """A person's pain ratings, oldest first."""
        with self._con() as con:
            rows = con.execute(
                "SELECT r.session, r.rated, r.exercise, r.side, r.pain, r.word, r.stop FROM ratings r"
                " JOIN sessions s ON s.id = r.session WHERE s.person = ? ORDER BY r.rated, r.rowid", (person,)).fetchall()
        return [StoredRating(sid, rated, ex, side, pain, word, bool(stop)) for sid, rated, ex, side, pain, word, stop in rows]

    def save_plan(self, person: int, name: str, toml_text: str) -> None:
        """Create or replace one of a person's plans (the file's text, validated by the caller)."""
        with self._con() as con, _transaction(con):
            con.execute("INSERT OR REPLACE INTO plans (person, name, toml, imported) VALUES (?, ?, ?, ?)",
                        (person, name, toml_text, _now_iso()))

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
            self.id, float(result.t_ms), landmarks_blob(landmarks), json.dumps(_finite_measures(image_measures)),
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
        with _transaction(con):
            con.execute(f"UPDATE sessions SET {sets} WHERE id = ?", (*columns.values(), self.id))

    def flush(self) -> None:
        """Commit the queued frames (and holds) in one transaction. When that fails (a full disk,
        a read-only file) a ``StoreError`` says so; what was committed before stays, and the
        queued frames stay queued for the next try."""
        try:
            self._commit_queued()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot save the session: {_why(exc)}; everything saved before is kept") from None

    def _commit_queued(self) -> None:
        con = self._open()
        with _transaction(con):
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
            with _transaction(self._con):
                self._con.execute("UPDATE sessions SET ended = ? WHERE id = ?", (_now_iso(), self.id))
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot save the session's end: {_why(exc)}; "
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


def landmarks_document(stored: StoredSession) -> dict:
    """A stored session as the contract's landmarks file (``kind: "landmarks"``, schema 1)."""
    from posecoach.adapters.landmarks_file import LandmarksRecorder

    info = stored.info
    if not stored.frames or not info.width or not info.height:
        raise StoreError(f"session {info.id} holds no frames to export")
    recorder = LandmarksRecorder(info.width, info.height, info.fps, info.model or "unknown", info.model_sha256 or "")
    for frame in stored.frames:
        recorder.add(frame.t_ms, frame.landmarks, frame.image_measures)
    return recorder.document()
