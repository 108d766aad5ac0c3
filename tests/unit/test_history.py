"""A person's history from a real store: sessions, progress, frequent faults, left-right balance, deleting."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from posecoach.adapters.store import Store
from posecoach.core.coach import FrameResult
from posecoach.core.holds import HoldSet, HoldStatus
from posecoach.exercises.catalogue import load_catalogue
from posecoach.services.history import (
    BALANCE_MIN_S,
    LAGGING_SHARE,
    RECENT_SESSIONS,
    frequent_faults,
    lagging_side,
    load_history,
    progress_per_day,
)

CATALOGUE = load_catalogue("beginner")
KNEE_CUE_HIGH = CATALOGUE["lunge"].check("front_knee_90").conditions[0].cue_high
KNEE_CUE_LOW = CATALOGUE["lunge"].check("front_knee_90").conditions[0].cue_low
TRUNK_CUE_HIGH = CATALOGUE["lunge"].check("trunk_upright").conditions[0].cue_high


def _frame(t_ms: float, exercise: str | None, side: str | None, checks: dict[str, str], cue: str | None = None) -> FrameResult:
    hold = HoldStatus(exercise, side, 0.0, 30.0, False, False, None)
    return FrameResult(t_ms, exercise is not None, exercise, 1.0, "right", side, "side", {}, checks,
                       [cue] if cue else [], hold, None, None, {})


def _hold(exercise: str, side: str | None, good_form_s: float, target_s: float = 30.0, reps: int = 0) -> HoldSet:
    return HoldSet(exercise, side, target_s, 0.0, good_form_s * 1000, good_form_s, reps)


def _session(store: Store, person: int, started: str, frames=(), holds=(), *, fps: float | None = 30.0,
             source: str = "webcam", video: Path | None = None) -> int:
    """Write a session through the store's writer, then date it ``started`` (ISO UTC)."""
    writer = store.start_session(person, exercise_arg="auto", profile_name="beginner", profile_toml=None, model="full",
                                 model_sha256="ab" * 32, width=640, height=480, fps=fps, source=source, video_path=video)
    for frame in frames:
        writer.add(frame, None, {})
    writer.close(holds)
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE sessions SET started = ? WHERE id = ?", (started, writer.id))
    return writer.id


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "posecoach.db")


def test_failed_seconds_last_until_the_next_frame_capped_at_half_a_second_the_last_a_typical_step(store):
    ada = store.add_person("Ada").id
    frames = [
        _frame(0, "lunge", "left", {"front_knee_90": "fail", "trunk_upright": "pass"}, KNEE_CUE_HIGH),  # 40 ms
        _frame(40, "lunge", "left", {"front_knee_90": "fail", "trunk_upright": "fail"}, KNEE_CUE_HIGH),  # 40 ms
        _frame(80, "lunge", "left", {"front_knee_90": "pass", "trunk_upright": "fail"}, TRUNK_CUE_HIGH),  # 1000 -> 500 ms
        _frame(1080, "lunge", "left", {"front_knee_90": "fail", "trunk_upright": "unknown"}, KNEE_CUE_LOW),  # 40 ms
        _frame(1120, "lunge", "left", {"front_knee_90": "fail"}, KNEE_CUE_LOW),  # last: mean step 1120 / 4 = 280 ms
    ]
    sid = _session(store, ada, "2026-03-02T10:00:00.000Z", frames)

    rows = store.failed_seconds(ada)

    failed = {r[1:4]: r[4] for r in rows}
    assert {r[0] for r in rows} == {sid} and len(rows) == len(failed) == 4
    assert failed == pytest.approx({
        ("lunge", "front_knee_90", KNEE_CUE_HIGH): 0.040 + 0.040,
        ("lunge", "front_knee_90", KNEE_CUE_LOW): 0.040 + 0.280,
        ("lunge", "trunk_upright", KNEE_CUE_HIGH): 0.040,
        ("lunge", "trunk_upright", TRUNK_CUE_HIGH): 0.500,
    })


def test_a_one_frame_session_lasts_one_frame_at_its_fps_and_other_people_and_no_exercise_do_not_count(store):
    ada, bob = store.add_person("Ada").id, store.add_person("Bob").id
    one = _session(store, ada, "2026-03-02T10:00:00.000Z", [_frame(0, "cobra", None, {"hips_down": "fail"})], fps=25.0)
    _session(store, ada, "2026-03-03T10:00:00.000Z", [_frame(0, None, None, {}), _frame(100, None, None, {})])
    _session(store, bob, "2026-03-02T10:00:00.000Z", [_frame(0, "cobra", None, {"hips_down": "fail"}),
                                                     _frame(100, "cobra", None, {"hips_down": "fail"})])

    assert store.failed_seconds(ada) == [(one, "cobra", "hips_down", None, pytest.approx(0.040))]
    assert store.failed_seconds(ada, max_step_s=0.01) == [(one, "cobra", "hips_down", None, pytest.approx(0.010))]
    assert sum(r[4] for r in store.failed_seconds(bob)) == pytest.approx(0.200)


def test_frequent_faults_add_up_over_sessions_most_first_with_the_cue_shown_and_why(store):
    ada = store.add_person("Ada").id
    steps = np.arange(0, 1000, 100.0)  # ten frames of 100 ms
    first = [_frame(t, "lunge", "left", {"front_knee_90": "fail" if t < 600 else "pass", "trunk_upright": "fail"},
                    KNEE_CUE_LOW if t < 600 else TRUNK_CUE_HIGH) for t in steps]
    second = [_frame(t, "lunge", "right", {"front_knee_90": "fail" if t < 200 else "pass", "trunk_upright": "pass"},
                     KNEE_CUE_HIGH if t < 100 else KNEE_CUE_LOW if t < 200 else None) for t in steps]
    _session(store, ada, "2026-03-02T10:00:00.000Z", first)
    _session(store, ada, "2026-03-03T10:00:00.000Z", second)

    faults = frequent_faults(store.failed_seconds(ada), CATALOGUE)

    assert [(f.exercise, f.check, f.sessions) for f in faults] == [("lunge", "trunk_upright", 1), ("lunge", "front_knee_90", 2)]
    assert [f.failed_s for f in faults] == pytest.approx([1.0, 0.6 + 0.2])
    assert faults[1].cue == KNEE_CUE_LOW  # shown 0.7 s of the 0.8 s it failed
    # while the trunk failed the knee's cue was on screen longest (0.6 s): only the trunk's own cues count
    assert faults[0].cue == TRUNK_CUE_HIGH
    assert faults[0].why == CATALOGUE["lunge"].check("trunk_upright").why


def test_a_fault_whose_cue_was_never_shown_offers_the_checks_cues_and_an_old_check_none(store):
    ada = store.add_person("Ada").id
    _session(store, ada, "2026-03-02T10:00:00.000Z",
             [_frame(t, "lunge", "left", {"front_knee_90": "fail", "retired_check": "fail"}) for t in (0, 100, 200)])

    faults = {f.check: f for f in frequent_faults(store.failed_seconds(ada), CATALOGUE)}

    assert faults["front_knee_90"].cue == f"{KNEE_CUE_LOW} / {KNEE_CUE_HIGH}"
    assert faults["retired_check"].cue == "" and faults["retired_check"].failed_s == pytest.approx(0.3)


def test_sessions_add_up_sets_per_exercise_and_side_newest_first_in_local_time(store):
    ada = store.add_person("Ada").id
    older = _session(store, ada, "2026-03-02T10:00:00.000Z", [_frame(0, None, None, {}), _frame(61_500, None, None, {})],
                     holds=[_hold("lunge", "left", 12.0), _hold("lunge", "right", 20.0), _hold("lunge", "left", 31.0),
                            _hold("glute_bridge", None, 4.0, 10.0, reps=3), _hold("glute_bridge", None, 6.0, 10.0, reps=2)],
                     source="clip:lunge.mp4")
    newer = _session(store, ada, "2026-03-05T18:30:00.000Z", holds=[_hold("cobra", None, 10.0, 10.0)])

    history = load_history(store, ada, CATALOGUE)

    assert [s.id for s in history.sessions] == [newer, older]
    s = history.sessions[1]
    assert s.started == datetime(2026, 3, 2, 10, tzinfo=UTC).astimezone() and s.started.utcoffset() is not None
    assert (s.duration_s, s.source, s.finished, s.has_video) == (61.5, "clip:lunge.mp4", True, False)
    assert s.exercises == ("lunge", "glute_bridge")
    totals = {(h.exercise, h.side): h for h in s.holds}
    left = totals[("lunge", "left")]
    assert (left.good_form_s, left.best_set_s, left.sets, left.complete) == (43.0, 31.0, 2, True)
    assert totals[("lunge", "right")].complete is False
    bridge = totals[("glute_bridge", None)]
    assert (bridge.good_form_s, bridge.reps, bridge.complete) == (10.0, 5, False)
    assert (s.reps, s.good_form_s, s.complete) == (5, 73.0, False)
    assert history.sessions[0].complete is True


def test_progress_per_session_and_per_day_oldest_first(store):
    ada = store.add_person("Ada").id
    a = _session(store, ada, "2026-03-02T10:00:00.000Z", holds=[_hold("lunge", "left", 10.0), _hold("lunge", "right", 8.0)])
    b = _session(store, ada, "2026-03-02T11:00:00.000Z", holds=[_hold("lunge", "left", 15.0)])
    c = _session(store, ada, "2026-03-09T10:00:00.000Z", holds=[_hold("lunge", "left", 30.0, 45.0)])

    progress = load_history(store, ada, CATALOGUE).progress

    assert [(p.session, p.side, p.good_form_s) for p in progress] == [
        (a, "left", 10.0), (a, "right", 8.0), (b, "left", 15.0), (c, "left", 30.0)]
    days = progress_per_day(progress)
    day_a, day_c = progress[0].day, progress[-1].day
    assert [(p.day, p.side, p.good_form_s, p.target_s) for p in days] == [
        (day_a, "left", 25.0, 30.0), (day_a, "right", 8.0, 30.0), (day_c, "left", 30.0, 45.0)]
    assert day_c - day_a == date(2026, 3, 9) - date(2026, 3, 2)


def test_balance_flags_a_lagging_side_and_not_an_even_one(store):
    ada = store.add_person("Ada").id
    _session(store, ada, "2026-03-02T08:00:00.000Z", holds=[
        _hold("lunge", "left", 30.0), _hold("lunge", "right", 27.0),
        _hold("knee_to_chest", "left", 60.0, 60.0), _hold("knee_to_chest", "right", 25.0, 60.0),
        _hold("pigeon", "left", 12.0, 10.0), _hold("cobra", None, 10.0, 10.0)])
    _session(store, ada, "2026-03-03T08:00:00.000Z", holds=[
        _hold("lunge", "left", 20.0), _hold("lunge", "right", 24.0), _hold("knee_to_chest", "left", 50.0, 60.0)])

    balance = {b.exercise: b for b in load_history(store, ada, CATALOGUE).balance}

    assert set(balance) == {"lunge", "knee_to_chest", "pigeon"}  # cobra is not done per side
    lunge = balance["lunge"]
    assert (lunge.left_s, lunge.right_s, lunge.recent_sessions) == (50.0, 51.0, 2)
    assert lunge.left_share == pytest.approx(50 / 101) and lunge.lagging_side is None
    knee = balance["knee_to_chest"]
    assert (knee.recent_left_s, knee.recent_right_s) == (110.0, 25.0) and knee.lagging_side == "right"
    assert balance["pigeon"].lagging_side == "right" and balance["pigeon"].recent_right_s == 0.0


def test_balance_is_judged_on_the_recent_sessions_and_totals_keep_the_old_ones(store):
    ada = store.add_person("Ada").id
    for day in range(1, 4):  # early on the right lagged badly
        _session(store, ada, f"2026-03-0{day}T08:00:00.000Z", holds=[_hold("lunge", "left", 30.0), _hold("lunge", "right", 5.0)])
    for day in range(4, 4 + RECENT_SESSIONS):  # lately it keeps up
        _session(store, ada, f"2026-03-{day:02d}T08:00:00.000Z", holds=[_hold("lunge", "left", 30.0), _hold("lunge", "right", 29.0)])

    [lunge] = load_history(store, ada, CATALOGUE).balance

    assert lunge.recent_sessions == RECENT_SESSIONS
    assert (lunge.recent_left_s, lunge.recent_right_s) == (30.0 * RECENT_SESSIONS, 29.0 * RECENT_SESSIONS)
    assert (lunge.left_s, lunge.right_s) == (30.0 * (3 + RECENT_SESSIONS), 5.0 * 3 + 29.0 * RECENT_SESSIONS)
    assert lunge.lagging_side is None
    assert lagging_side(lunge.left_s, lunge.right_s) == "right"  # the totals alone would still flag it


@pytest.mark.parametrize(("left_s", "right_s", "lagging"), [
    (40.0, 40.0 * LAGGING_SHARE, None),  # exactly at the threshold: even enough
    (40.0, 40.0 * LAGGING_SHARE - 0.1, "right"),
    (0.0, 12.0, "left"),
    (BALANCE_MIN_S - 0.1, 0.0, None),  # too little on the stronger side to call it a pattern
    (0.0, 0.0, None),
])
def test_lagging_side_threshold(left_s, right_s, lagging):
    assert lagging_side(left_s, right_s) == lagging


def _count(store: Store, sql: str, *args) -> int:
    with sqlite3.connect(store.path) as con:
        return con.execute(sql, args).fetchone()[0]


def test_deleting_a_session_removes_its_rows_and_video_and_it_leaves_the_history(store, tmp_path):
    ada = store.add_person("Ada").id
    video = tmp_path / "videos" / "session.mp4"
    video.parent.mkdir()
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    frames = [_frame(t, "lunge", "left", {"front_knee_90": "fail"}, KNEE_CUE_LOW) for t in (0, 100, 200)]
    kept = _session(store, ada, "2026-03-02T08:00:00.000Z", frames, holds=[_hold("lunge", "left", 10.0)])
    gone = _session(store, ada, "2026-03-03T08:00:00.000Z", frames, holds=[_hold("lunge", "right", 10.0)], video=video)
    assert load_history(store, ada, CATALOGUE).sessions[0].has_video

    store.delete_session(gone)

    history = load_history(store, ada, CATALOGUE)
    assert [s.id for s in history.sessions] == [kept]
    assert history.faults[0].sessions == 1 and history.faults[0].failed_s == pytest.approx(0.3)
    assert _count(store, "SELECT COUNT(*) FROM frames WHERE session = ?", gone) == 0
    assert _count(store, "SELECT COUNT(*) FROM holds WHERE session = ?", gone) == 0
    assert _count(store, "SELECT COUNT(*) FROM frames WHERE session = ?", kept) == 3
    assert not video.exists()


def test_deleting_a_person_removes_all_their_sessions_and_videos_and_keeps_the_others(store, tmp_path):
    ada, bob = store.add_person("Ada").id, store.add_person("Bob").id
    videos = [tmp_path / f"ada-{i}.mp4" for i in range(2)]
    for i, video in enumerate(videos):
        video.write_bytes(b"video")
        _session(store, ada, f"2026-03-0{i + 1}T08:00:00.000Z", [_frame(0, "cobra", None, {"hips_down": "fail"})],
                 holds=[_hold("cobra", None, 5.0, 10.0)], video=video)
    bobs = _session(store, bob, "2026-03-02T08:00:00.000Z", [_frame(0, "cobra", None, {"hips_down": "fail"})],
                    holds=[_hold("cobra", None, 5.0, 10.0)])

    store.delete_person(ada)

    empty = load_history(store, ada, CATALOGUE)
    assert (empty.sessions, empty.progress, empty.faults, empty.balance) == ((), (), (), ())
    assert [s.id for s in load_history(store, bob, CATALOGUE).sessions] == [bobs]
    assert _count(store, "SELECT COUNT(*) FROM sessions") == 1 and _count(store, "SELECT COUNT(*) FROM holds") == 1
    assert _count(store, "SELECT COUNT(DISTINCT session) FROM frames") == 1
    assert not any(v.exists() for v in videos)
