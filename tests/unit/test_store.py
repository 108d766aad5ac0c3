"""The session store keeps people, profiles and live sessions in a real SQLite file."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from posecoach.adapters.landmarks_file import landmarks_document, parse_landmarks
from posecoach.adapters.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Store,
    StoreError,
    connect,
    migrate,
)
from posecoach.core.coach import Coach
from posecoach.exercises.catalogue import load_catalogue
from tests.poses import kneeling_lunge_facing_right, make_landmarks

ROOT = Path(__file__).resolve().parents[2]


def _coached_frames(n: int, step_ms: float = 40.0):
    """Judge ``n`` frames of a kneeling lunge (every 5th without a person) with the real coach."""
    coach = Coach(load_catalogue("beginner"), "lunge")
    pose = make_landmarks(kneeling_lunge_facing_right())
    out = []
    for i in range(n):
        landmarks = None if i % 5 == 4 else pose + np.random.default_rng(i).normal(0, 1e-3, pose.shape) * [1, 1, 0, 0]
        result = coach.step(i * step_ms, landmarks, 640, 480)
        out.append((result, landmarks))
    return coach, out


def _start(store: Store, person: int, **kw):
    args = dict(exercise_arg="lunge", profile_name="beginner", profile_toml=None, model="full",
                model_sha256="ab" * 32, width=640, height=480, fps=25.0, source="webcam")
    args.update(kw)
    return store.start_session(person, **args)


def test_a_session_round_trips_frames_landmarks_verdicts_and_holds(tmp_path):
    store = Store(tmp_path / "pc.db")
    ada = store.add_person("Ada")
    coach, frames = _coached_frames(60)
    writer = _start(store, ada.id)
    for result, landmarks in frames:
        writer.add(result, landmarks, {"lumbar_curve": 0.05, "bad": float("nan")})
    writer.close(coach.holds.sets)

    [info] = store.sessions(ada.id)
    assert info.ended is not None and info.n_frames == 60
    assert (info.model, info.width, info.height, info.exercise_arg, info.source) == ("full", 640, 480, "lunge", "webcam")
    stored = store.load_session(info.id)
    assert [f.t_ms for f in stored.frames] == [r.t_ms for r, _ in frames]
    for f, (result, landmarks) in zip(stored.frames, frames, strict=True):
        if landmarks is None:
            assert f.landmarks is None
        else:
            assert f.landmarks.shape == (33, 4)
            np.testing.assert_allclose(f.landmarks, landmarks, atol=1e-6)
        assert f.checks == result.checks
        assert f.cue == (result.cues[0] if result.cues else None)
        assert (f.exercise, f.side, f.view) == (result.exercise, result.side, result.view)
        assert f.image_measures == {"lumbar_curve": 0.05}
    assert [(h.exercise, h.side, h.complete) for h in stored.holds] == [
        (s.exercise, s.side, s.complete) for s in coach.holds.sets]
    assert stored.holds and stored.holds[0].good_form_s == pytest.approx(coach.holds.sets[0].good_form_s)


def test_the_store_runs_in_wal_mode_at_the_latest_schema(tmp_path):
    path = tmp_path / "pc.db"
    Store(path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)


def test_an_empty_version_0_file_is_migrated_and_reopening_keeps_the_data(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # a file at user_version 0, no tables
    store = Store(path)
    store.add_person("Grace")
    again = Store(path)
    assert [p.name for p in again.people()] == ["Grace"]
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"people", "profiles", "sessions", "frames", "holds"} <= tables


def test_migrations_run_only_the_missing_steps_each_in_its_transaction(tmp_path):
    con = connect(tmp_path / "m.db")
    steps = [("CREATE TABLE a (x INTEGER)",), ("ALTER TABLE a ADD COLUMN y TEXT",)]
    assert migrate(con, steps[:1]) == 1
    con.execute("INSERT INTO a (x) VALUES (7)")
    assert migrate(con, steps) == 2
    assert con.execute("SELECT x, y FROM a").fetchall() == [(7, None)]
    broken = [*steps, ("CREATE TABLE b (z)", "THIS IS NOT SQL")]
    with pytest.raises(sqlite3.OperationalError):
        migrate(con, broken)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 2
    assert con.execute("SELECT name FROM sqlite_master WHERE name = 'b'").fetchone() is None


def test_a_store_from_a_newer_posecoach_is_refused(tmp_path):
    path = tmp_path / "new.db"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(StoreError, match="newer posecoach"):
        Store(path)


def test_a_file_that_is_not_a_database_is_refused_with_its_name(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database " * 100)
    with pytest.raises(StoreError, match="notes.db"):
        Store(path)


def test_deleting_a_person_removes_their_profiles_sessions_frames_holds_and_videos(tmp_path):
    store = Store(tmp_path / "pc.db")
    ada, bob = store.add_person("Ada"), store.add_person("Bob")
    store.save_profile(ada.id, "gentle", "base = \"beginner\"\n")
    coach, frames = _coached_frames(10)
    video = tmp_path / "ada.mp4"
    video.write_bytes(b"not really a video")
    for person, video_path in ((ada.id, video), (bob.id, None)):
        writer = _start(store, person, video_path=video_path)
        for result, landmarks in frames:
            writer.add(result, landmarks, {})
        writer.close(coach.holds.sets)

    store.delete_person(ada.id)

    assert [p.name for p in store.people()] == ["Bob"]
    assert store.profiles(ada.id) == {} and store.sessions(ada.id) == []
    con = sqlite3.connect(store.path)
    assert con.execute("SELECT COUNT(DISTINCT session) FROM frames").fetchone()[0] == 1
    assert con.execute("SELECT COUNT(DISTINCT session) FROM holds").fetchone()[0] == 1
    assert not video.exists()
    assert len(store.sessions(bob.id)) == 1 and store.integrity_ok()


def test_deleting_a_session_keeps_the_person_and_other_sessions(tmp_path):
    store = Store(tmp_path / "pc.db")
    ada = store.add_person("Ada")
    coach, frames = _coached_frames(5)
    ids = []
    for _ in range(2):
        writer = _start(store, ada.id)
        for result, landmarks in frames:
            writer.add(result, landmarks, {})
        writer.close(coach.holds.sets)
        ids.append(writer.id)
    store.delete_session(ids[0])
    assert [s.id for s in store.sessions(ada.id)] == [ids[1]]
    with pytest.raises(StoreError):
        store.load_session(ids[0])


def test_people_have_unique_names_and_their_own_profiles(tmp_path):
    store = Store(tmp_path / "pc.db")
    ada = store.add_person("Ada")
    with pytest.raises(ValueError, match="already"):
        store.add_person("Ada")
    with pytest.raises(ValueError):
        store.add_person("   ")
    store.save_profile(ada.id, "mine", "base = \"advanced\"\n")
    store.save_profile(ada.id, "mine", "base = \"beginner\"\n")
    assert store.profiles(ada.id) == {"mine": "base = \"beginner\"\n"}


def test_a_stored_session_exports_as_a_valid_landmarks_file(tmp_path):
    store = Store(tmp_path / "pc.db")
    ada = store.add_person("Ada")
    coach, frames = _coached_frames(20)
    writer = _start(store, ada.id)
    for result, landmarks in frames:
        writer.add(result, landmarks, {"lumbar_curve": 0.03})
    writer.close(coach.holds.sets)

    doc = landmarks_document(store.load_session(writer.id))

    assert (doc["kind"], doc["schema"], doc["width"], doc["height"], doc["model"]) == ("landmarks", 1, 640, 480, "full")
    parsed = parse_landmarks("export.json", json.dumps(doc))
    assert len(parsed.frames) == 20
    assert parsed.frames[4][1] is None and parsed.frames[0][1].shape == (33, 4)
    assert parsed.frames[0][2] == {"lumbar_curve": 0.03}


def test_an_empty_session_cannot_be_exported(tmp_path):
    store = Store(tmp_path / "pc.db")
    ada = store.add_person("Ada")
    writer = _start(store, ada.id)
    writer.close()
    with pytest.raises(StoreError, match="no frames"):
        landmarks_document(store.load_session(writer.id))


CHILD = textwrap.dedent("""
    import sys, time
    import numpy as np
    from posecoach.adapters.store import Store
    from posecoach.core.coach import Coach
    from posecoach.exercises.catalogue import load_catalogue
    from tests.poses import kneeling_lunge_facing_right, make_landmarks

    store = Store(sys.argv[1])
    person = store.add_person("Crash")
    writer = store.start_session(person.id, exercise_arg="lunge", profile_name="beginner", profile_toml=None,
                                 model="full", model_sha256="00", width=640, height=480, fps=25.0,
                                 source="webcam", flush_every_s=0.05)
    coach = Coach(load_catalogue(), "lunge")
    pose = make_landmarks(kneeling_lunge_facing_right())
    i = 0
    while True:
        result = coach.step(i * 40.0, pose, 640, 480)
        writer.add(result, pose, {})
        writer.save_holds(coach.holds.sets)
        i += 1
        if not writer._rows:
            print(f"flushed {i}", flush=True)
        time.sleep(0.002)
""")


def test_a_writer_killed_mid_session_leaves_earlier_frames_and_an_intact_file(tmp_path):
    path = tmp_path / "pc.db"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        committed = 0
        for line in proc.stdout:
            committed = int(line.split()[1])
            if committed >= 100:
                break
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL and committed >= 100

    store = Store(path)
    assert store.integrity_ok()
    [person] = store.people()
    [info] = store.sessions(person.id)
    assert info.ended is None  # interrupted, and says so
    assert info.n_frames >= committed
    stored = store.load_session(info.id)
    assert stored.frames[0].landmarks is not None
    assert stored.holds and stored.holds[0].exercise == "lunge"
