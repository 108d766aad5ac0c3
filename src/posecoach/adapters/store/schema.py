"""The store's file: where it lives, the schema and its migrations, the checks that refuse a
file that is not a usable posecoach store, and the errors that say so."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

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
    (  # 3: breathing in the rest positions (issue 18): the session's, and each segment's
        *(f"ALTER TABLE sessions ADD COLUMN breath_{name} {kind}" for name, kind in (
            ("rate_bpm", "REAL"), ("inhale_s", "REAL"), ("exhale_s", "REAL"), ("pattern", "TEXT"),
            ("belly_share", "REAL"), ("measured_s", "REAL"), ("unknown_reason", "TEXT"))),
        """CREATE TABLE breathing (
            session INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            exercise TEXT,
            side TEXT,
            start_ms REAL NOT NULL,
            end_ms REAL NOT NULL,
            rate_bpm REAL,
            inhale_s REAL,
            exhale_s REAL,
            pattern TEXT,
            belly_share REAL,
            measured_s REAL NOT NULL DEFAULT 0,
            unknown_reason TEXT)""",
        "CREATE INDEX breathing_by_session ON breathing(session)",
    ),
)
# The breathing columns (migration 3), in sessions as ``breath_<name>`` and in the breathing
# table as ``<name>``: breaths a minute, seconds, "belly" | "chest", 0..1, seconds, a reason id.
BREATHING_FIELDS = ("rate_bpm", "inhale_s", "exhale_s", "pattern", "belly_share", "measured_s", "unknown_reason")
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


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@contextlib.contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
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


def sqlite_why(exc: sqlite3.Error) -> str:
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
    return f"{shown(path)}: {sqlite_why(exc)}"


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
        with transaction(con):
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            if version > len(migrations):
                raise StoreError(f"the store was written by a newer posecoach (schema {version}, "
                                 f"this one knows {len(migrations)})")
            if version == len(migrations):
                return version
            for statement in migrations[version]:
                con.execute(statement)
            con.execute(f"PRAGMA user_version = {version + 1}")
