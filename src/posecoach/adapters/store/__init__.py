"""The session store: people, their profiles and their coached sessions in one SQLite file.

Its parts: ``schema`` (the file, the migrations, the checks that refuse a file), ``records``
(what it holds), ``queries`` (the ``Store``) and ``writer`` (the ``SessionWriter``). Import
from here: ``from posecoach.adapters.store import Store``.

Everything stays on this machine, by default in ``$POSECOACH_DATA/posecoach.db``
(``POSECOACH_DATA`` defaults to ``~/.local/share/posecoach``). The file runs in WAL mode;
a live session is written as it goes, one transaction per second of frames, so a closed
tab or a crash loses at most the last second. The schema is versioned with
``PRAGMA user_version`` and upgraded by the ``MIGRATIONS`` list on opening; the file is marked
as posecoach's with ``PRAGMA application_id``. A file that is not posecoach's (another program's
SQLite file, or not SQLite at all), a damaged one, a read-only one or a path that is not UTF-8
is refused with ``StoreUnusable`` before anything is written to it: it stays byte for byte.

A session that held a breathing exercise (the rest positions, knee to chest) keeps its
breathing: the summary of the whole session in its ``breath_*`` columns and one row per segment
(a run of frames in one position and side) in ``breathing``.

Landmarks are kept as a little-endian float32 blob of 33 x 4 values (normalised x, y, z,
visibility, as MediaPipe gives them); NULL where no person was found. Times: ``t_ms`` is
the frame's time from the session's start in milliseconds; ``started`` / ``ended`` are
ISO 8601 UTC timestamps.
"""

from __future__ import annotations

from posecoach.adapters.store.breathing import (
    BreathingLog,
    StoredBreathing,
)
from posecoach.adapters.store.queries import (
    Store,
    session_cache_dir,
)
from posecoach.adapters.store.records import (
    HoldLike,
    Person,
    SessionInfo,
    StoredFrame,
    StoredHold,
    StoredMeasurement,
    StoredRating,
    StoredSession,
    finite_measures,
    landmarks_blob,
    landmarks_from_blob,
)
from posecoach.adapters.store.schema import (
    APPLICATION_ID,
    ELSEWHERE,
    KEPT,
    LANDMARKS_DTYPE,
    LANDMARKS_SHAPE,
    MEASUREMENT_KINDS,
    MIGRATIONS,
    SCHEMA_VERSION,
    SQLITE_MAGIC,
    TABLES,
    StoreError,
    StoreUnusable,
    check_identity,
    check_name,
    check_writable,
    connect,
    damaged,
    data_dir,
    default_path,
    migrate,
    now_iso,
    problem,
    read_only,
    shown,
    sqlite_why,
    transaction,
)
from posecoach.adapters.store.writer import (
    SessionWriter,
)

__all__ = [
    "APPLICATION_ID",
    "BreathingLog",
    "ELSEWHERE",
    "HoldLike",
    "KEPT",
    "LANDMARKS_DTYPE",
    "LANDMARKS_SHAPE",
    "MEASUREMENT_KINDS",
    "MIGRATIONS",
    "Person",
    "SCHEMA_VERSION",
    "SQLITE_MAGIC",
    "SessionInfo",
    "SessionWriter",
    "Store",
    "StoreError",
    "StoreUnusable",
    "StoredBreathing",
    "StoredFrame",
    "StoredHold",
    "StoredMeasurement",
    "StoredRating",
    "StoredSession",
    "TABLES",
    "check_identity",
    "check_name",
    "check_writable",
    "connect",
    "damaged",
    "data_dir",
    "default_path",
    "finite_measures",
    "landmarks_blob",
    "landmarks_from_blob",
    "migrate",
    "now_iso",
    "problem",
    "read_only",
    "session_cache_dir",
    "shown",
    "sqlite_why",
    "transaction",
]
