"""A session's breathing in the store: an older store file opens and gains the breathing columns
and table with its sessions kept, and a coached session's breathing (the real meter reading a
constructed breath) comes back for the whole session and per segment, in a real SQLite file."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import numpy as np
import pytest

from posecoach.adapters.store import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    BreathingLog,
    Store,
    connect,
    migrate,
)
from posecoach.core.breathing import ARMS_OVER_TRUNK, BreathingMeter, BreathingParams
from posecoach.core.coach import Coach
from posecoach.exercises.catalogue import load_catalogue
from tests.poses import kneeling_lunge_facing_right, make_landmarks

PARAMS = BreathingParams()
STEP_MS = 100.0


def _breath(t_ms: np.ndarray, rate_bpm: float, belly_mm: float, chest_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """Belly and chest thickness (trunk lengths of 500 mm) of a trunk 0.45 thick breathing at ``rate_bpm``."""
    wave = 0.5 - 0.5 * np.cos(2 * np.pi * (t_ms / 1000.0) * rate_bpm / 60.0)
    return 0.45 + belly_mm * wave / 500.0, 0.45 + chest_mm * wave / 500.0


def _frames(seconds: float, exercise: str, rate_bpm: float, start_ms: float = 0.0, arms_over: bool = False):
    """Frames of ``exercise`` held for ``seconds``, each with the real meter's breathing reading."""
    coach = Coach(load_catalogue("beginner"), "lunge")
    pose = make_landmarks(kneeling_lunge_facing_right())
    meter = BreathingMeter(PARAMS)
    t = start_ms + np.arange(0.0, seconds * 1000.0, STEP_MS)
    belly, chest = _breath(t - start_ms, rate_bpm, 12.0, 2.0)
    out = []
    for i, t_ms in enumerate(t):
        result = coach.step(float(t_ms), pose, 640, 480)
        reading = (meter.update(float(t_ms), None, None, ARMS_OVER_TRUNK) if arms_over
                   else meter.update(float(t_ms), float(belly[i]), float(chest[i])))
        out.append(replace(result, exercise=exercise, side=None, breathing=reading))
    return out


def _start(store: Store, person: int):
    return store.start_session(person, exercise_arg="auto", profile_name="beginner", profile_toml=None, model="full",
                               model_sha256="ab" * 32, width=640, height=480, fps=10.0, source="webcam",
                               belly_share_min=PARAMS.belly_share_min)


def test_an_older_store_opens_gains_the_breathing_columns_and_keeps_its_sessions(tmp_path):
    path = tmp_path / "before_breathing.db"
    con = connect(path)  # a store as posecoach wrote it before breathing: schema 2
    migrate(con, MIGRATIONS[:2])
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute("INSERT INTO people (id, name, created) VALUES (1, 'Ada', '2026-11-01T10:00:00.000Z')")
    con.execute("INSERT INTO sessions (id, person, started, ended, exercise_arg, profile_name, model)"
                " VALUES (7, 1, '2026-11-01T10:00:00.000Z', '2026-11-01T10:05:00.000Z', 'auto', 'beginner', 'full')")
    con.execute("INSERT INTO holds (session, exercise, side, good_form_s, target_s, complete, reps)"
                " VALUES (7, 'constructive_rest', NULL, 300, 300, 1, 0)")
    con.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 2

    store = Store(path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    columns = {r[1] for r in con.execute("PRAGMA table_info(sessions)")}
    assert {"breath_rate_bpm", "breath_inhale_s", "breath_exhale_s", "breath_pattern", "breath_belly_share",
            "breath_measured_s", "breath_unknown_reason"} <= columns
    assert {r[1] for r in con.execute("PRAGMA table_info(breathing)")} >= {"session", "exercise", "start_ms", "rate_bpm"}
    [info] = store.sessions(1)
    assert info.id == 7 and store.load_session(7).holds[0].good_form_s == 300
    assert store.breathing(7) == (None, [])  # an old session: no breathing, nothing made up
    assert store.person_breathing(1) == []
    assert store.integrity_ok()


def test_a_coached_rest_keeps_its_breathing_for_the_session_and_each_segment(tmp_path):
    store = Store(tmp_path / "pc.db")
    ada = store.add_person("Ada").id
    writer = _start(store, ada)
    frames = _frames(60.0, "constructive_rest", 7.0) + _frames(30.0, "legs_on_chair", 10.0, start_ms=70_000.0,
                                                              arms_over=True)
    for result in frames:
        writer.add(result, None, None)
    writer.close()

    [info] = store.sessions(ada)
    whole, segments = store.breathing(info.id)
    assert [(s.exercise, s.start_ms, s.end_ms) for s in segments] == [
        ("constructive_rest", 0.0, 59_900.0), ("legs_on_chair", 70_000.0, 99_900.0)]
    rest, chair = segments
    assert rest.known and abs(rest.rate_bpm - 7.0) <= 1.0 and rest.pattern == "belly" and rest.belly_share > 0.5
    assert rest.inhale_s is not None and rest.exhale_s is not None and 30.0 <= rest.measured_s <= 60.0
    assert not chair.known and chair.unknown_reason == ARMS_OVER_TRUNK and chair.measured_s == 0.0
    assert whole is not None and abs(whole.rate_bpm - 7.0) <= 1.0 and whole.pattern == "belly"
    assert whole.measured_s == pytest.approx(rest.measured_s, abs=0.2)  # the arms' half measured nothing
    assert store.person_breathing(ada) == [(info.id, info.started, whole)]


def test_a_session_without_a_rest_position_has_no_breathing(tmp_path):
    store = Store(tmp_path / "pc.db")
    ada = store.add_person("Ada").id
    writer = _start(store, ada)
    for result in _frames(5.0, "lunge", 7.0):
        writer.add(replace(result, breathing=None), None, None)
    writer.close()
    [info] = store.sessions(ada)
    assert store.breathing(info.id) == (None, [])
    assert store.person_breathing(ada) == []


def test_a_session_cut_short_keeps_the_breathing_saved_before(tmp_path):
    store = Store(tmp_path / "pc.db")
    ada = store.add_person("Ada").id
    writer = _start(store, ada)
    for result in _frames(45.0, "constructive_rest", 7.0):
        writer.add(result, None, None)
    writer.flush()  # the tab is closed here: the writer never closes
    [info] = store.sessions(ada)
    whole, [segment] = store.breathing(info.id)
    assert info.ended is None and whole is not None and segment.exercise == "constructive_rest"
    assert whole.measured_s > 0  # the summary saved at 30 s of session time


def test_a_short_pause_in_the_same_position_continues_its_segment():
    log = BreathingLog(PARAMS.belly_share_min)
    frames = _frames(40.0, "constructive_rest", 7.0)
    for result in frames[:200] + frames[220:]:  # 2 s without a reading (the person was lost)
        log.add(result.t_ms, result.exercise, result.side, result.breathing)
    _, segments = log.summaries()
    assert len(segments) == 1
    log.add(50_000.0, "constructive_rest", None, frames[-1].breathing)  # 10 s later: a new segment
    assert len(log.summaries()[1]) == 2


def test_recognition_wavering_between_rests_on_a_still_body_stays_one_segment():
    log = BreathingLog(PARAMS.belly_share_min)
    frames = _frames(60.0, "constructive_rest", 7.0)
    for i, result in enumerate(frames):  # named knees together for 0.3 s in every 5 s, and at the very start
        exercise = "knees_together_rest" if i % 50 < 3 else result.exercise
        log.add(result.t_ms, exercise, result.side, result.breathing)
    whole, segments = log.summaries()
    assert [(s.exercise, s.start_ms, s.end_ms) for s in segments] == [("constructive_rest", 0.0, 59_900.0)]
    assert segments[0].summary() == whole.summary()
    for result in _frames(20.0, "knees_together_rest", 7.0, start_ms=60_000.0):  # then a real change of position
        log.add(result.t_ms, result.exercise, result.side, result.breathing)
    assert [s.exercise for s in log.summaries()[1]] == ["constructive_rest", "knees_together_rest"]
