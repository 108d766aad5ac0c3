"""A stored session judged again: the same results as live, faults with their times and cues,
time per check, timelines and exports, and the effect of a moved threshold."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from posecoach.adapters.landmarks_file import LandmarksRecorder, read_landmarks
from posecoach.core.checks import FAIL
from posecoach.core.coach import Coach
from posecoach.exercises.catalogue import load_catalogue
from posecoach.exercises.tuning import with_values
from posecoach.reports.review import frame_durations_s, observe, review, runs_of
from tests import stick as S

CAT = load_catalogue()
FPS = 30.0
BAD = (90, 135)  # frames with the front knee opened to about 120 degrees
AWAY = (135, 150)  # frames with nobody in view


def lunge_frames(n: int = 240) -> list[tuple[float, np.ndarray | None, dict]]:
    rng = np.random.default_rng(1)
    frames = []
    for i in range(n):
        lms = S.kneeling_lunge(far_shin=300 if BAD[0] <= i < BAD[1] else 270)
        lms[:, :2] += rng.normal(0, 0.001, (33, 2))
        frames.append((i * 1000.0 / FPS, None if AWAY[0] <= i < AWAY[1] else lms, {}))
    return frames


@pytest.fixture(scope="module")
def frames():
    return lunge_frames()


@pytest.fixture(scope="module")
def rv(frames):
    return review(observe(frames, 640, 480, CAT, "lunge"), CAT)


def test_judging_stored_poses_again_gives_what_the_live_coach_said(frames, rv):
    coach = Coach(CAT, "lunge")
    live = [coach.step(t, lms, 640, 480, im) for t, lms, im in frames]
    again = rv.frame_results()
    assert len(again) == len(live)
    for a, b in zip(live, again, strict=True):
        assert (a.checks, a.cues, a.side, a.view) == (b.checks, b.cues, b.side, b.view)
        assert a.angles == b.angles
        assert a.hold.good_form_s == pytest.approx(b.hold.good_form_s)
    assert [h.as_dict() for h in coach.holds.sets] == [h.as_dict() for h in rv.holds]


def test_frames_stand_for_the_time_to_the_next_one_and_gaps_are_capped():
    dur = frame_durations_s(np.array([0.0, 33.3, 66.7, 2066.7, 2100.0]))
    assert dur == pytest.approx([0.0333, 0.0334, 0.5, 0.0333, 0.0333], abs=1e-3)
    runs = runs_of(np.array([0, 1, 1, 0, 1, 0], bool), np.arange(6) / 10, np.full(6, 0.1), merge_gap_s=0.15)
    assert [(r.start_s, r.end_s) for r in runs] == [(pytest.approx(0.1), pytest.approx(0.5))]


def test_the_opened_knee_is_one_fault_with_its_time_cue_and_worst_value(rv):
    faults = [f for f in rv.faults() if f.check == "front_knee_90"]
    assert len(faults) == 1
    f = faults[0]
    assert BAD[0] / FPS <= f.start_s <= BAD[0] / FPS + 0.4  # the smoothing lags a few frames
    assert BAD[1] / FPS - 0.2 <= f.end_s <= BAD[1] / FPS + 0.4
    cond = CAT["lunge"].check("front_knee_90").conditions[0]
    assert f.cue == cond.cue_high and f.measure == "front_knee"
    assert 115 <= f.worst <= 125
    assert f.side in ("left", "right")


def test_time_per_check_adds_up_to_the_time_the_exercise_was_done(rv):
    on = rv.exercise_mask("lunge")
    total_s = float(rv.dur_s[on].sum())
    assert total_s == pytest.approx((240 - (AWAY[1] - AWAY[0])) / FPS, abs=0.05)
    times = {c.check: c for c in rv.check_times()}
    assert set(times) == {c.id for c in CAT["lunge"].checks}
    for c in times.values():
        assert c.pass_s + c.fail_s + c.unknown_s == pytest.approx(total_s, abs=0.05)
    knee = times["front_knee_90"]
    assert knee.fail_s == pytest.approx((BAD[1] - BAD[0]) / FPS, abs=0.35)
    assert knee.pass_share == pytest.approx(knee.pass_s / (knee.pass_s + knee.fail_s))


def test_timelines_carry_each_band_and_the_failing_stretches(rv):
    lines = {tl.measure: tl for tl in rv.timelines("lunge", max_points=100)}
    assert {"front_knee", "front_shin", "trunk_lean", "back_knee_height"} <= set(lines)
    knee = lines["front_knee"]
    assert len(knee.t_s) <= 100 and knee.unit == "deg"
    assert [(b.check, b.low, b.high) for b in knee.bands] == [("front_knee_90", 80, 100)]
    assert [c for c, _ in knee.fails] == ["front_knee_90"]
    assert np.isnan(knee.value[(knee.t_s >= AWAY[0] / FPS) & (knee.t_s < AWAY[1] / FPS)]).all()
    assert np.nanmax(knee.value) > 110
    assert lines["lumbar_curve"].unit == "trunk lengths" if "lumbar_curve" in lines else True


def test_holds_are_summed_per_side(rv):
    summary = rv.hold_summary()
    assert summary, "a good lunge of several seconds starts a hold"
    for h in summary:
        sets = [s for s in rv.holds if (s.exercise, s.side) == (h.exercise, h.side)]
        assert h.good_form_s == pytest.approx(sum(s.good_form_s for s in sets), abs=0.01)
        assert h.sets == len(sets)
    assert sum(h.good_form_s for h in summary) > 5.0


def test_the_csv_has_a_row_per_frame_with_angles_and_verdicts(rv):
    rows = list(csv.DictReader(io.StringIO(rv.csv_text())))
    assert len(rows) == 240
    assert {"t_s", "front_knee", "front_knee_90", "cue"} <= set(rows[0])
    mid = rows[(BAD[0] + BAD[1]) // 2]
    assert mid["front_knee_90"] == "fail" and 110 < float(mid["front_knee"]) < 130
    assert rows[AWAY[0] + 5]["pose"] == "0" and rows[AWAY[0] + 5]["front_knee"] == ""


def test_the_exported_report_is_the_one_posecoach_analyze_writes(frames, tmp_path, posecoach):
    """Both read the same stored poses (the file keeps them at its own precision)."""
    recorder = LandmarksRecorder(640, 480, FPS, "full", "abc")
    for t, lms, im in frames:
        recorder.add(t, lms, im)
    path = tmp_path / "session.landmarks.json"
    path.write_text(json.dumps(recorder.document()))
    res = posecoach("analyze", path, "--exercise", "lunge")
    assert res.code == 0, res.err
    doc = read_landmarks(path)
    stored = review(observe(doc.frames, doc.width, doc.height, CAT, "lunge"), CAT)
    ours = stored.report(path.name, 640, 480, FPS, "full", "abc", "lunge")
    assert ours == res.json()


def test_a_wider_band_removes_the_fault_and_the_counts_follow(frames):
    obs = observe(frames, 640, 480, CAT, "lunge")
    wider = with_values(CAT, {"lunge.front_knee_90.front_knee.high": 125})
    before, after = review(obs, CAT), review(obs, wider)
    assert not [f for f in after.faults() if f.check == "front_knee_90"]
    assert after.counts["front_knee_90"]["fail"] == 0 < before.counts["front_knee_90"]["fail"]
    assert after.counts["front_knee_90"]["pass"] > before.counts["front_knee_90"]["pass"]
    assert (after.rescored.verdicts["front_knee_90"] == FAIL).sum() == 0
