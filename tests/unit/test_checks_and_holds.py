import numpy as np
import pytest

from posecoach.core.checks import FAIL, PASS, UNKNOWN, CheckSpec, Condition, evaluate, judge_one
from posecoach.core.holds import HoldTracker
from posecoach.core.smoothing import OneEuroFilter

KNEE = CheckSpec("front_knee_90", (Condition("front_knee", 80, 100, 4, "open", "bend"),), ("side",), True, 0, "")


def verdicts(values, views=None, prev=UNKNOWN):
    values = np.asarray(values, float)
    views = np.array(views or ["side"] * len(values), dtype=object)
    return evaluate(KNEE, {"front_knee": values}, views, prev).tolist()


def test_plain_band_decides_without_history():
    assert verdicts([90]) == [PASS]
    assert verdicts([102]) == [FAIL]  # between the band and its margin: plain band says fail
    assert verdicts([79]) == [FAIL]


def test_hysteresis_holds_a_pass_until_the_wide_band_is_left():
    assert verdicts([95, 99, 101, 103, 104, 105, 103, 101, 99]) == [PASS] * 5 + [FAIL, FAIL, FAIL, PASS]


def test_a_value_hovering_at_the_threshold_does_not_flicker():
    t = np.arange(300)
    hover = 100 + 2.5 * np.sin(t / 5.0)
    out = np.array(verdicts(np.r_[90, hover]))
    assert (out == PASS).all()


@pytest.mark.parametrize("view", ["side", "front"])
def test_streaming_one_frame_at_a_time_equals_the_vectorised_result(view):
    values = [90, 99, 101, 104.5, 103, 99.5, np.nan, 102, 98, 106, 101, 79, 77, 80.5, 85]
    whole = verdicts(values, views=[view] * len(values))
    state, one, via_arrays = UNKNOWN, [], []
    for v in values:
        state = judge_one(KNEE, {"front_knee": v}, view, state)
        one.append(state)
        via_arrays.append(verdicts([v], views=[view], prev=via_arrays[-1] if via_arrays else UNKNOWN)[0])
    assert one == whole == via_arrays


def test_unknown_when_measure_missing_or_view_wrong():
    assert verdicts([np.nan]) == [UNKNOWN]
    assert verdicts([90], views=["front"]) == [UNKNOWN]
    assert verdicts([90], views=[None]) == [UNKNOWN]


def test_after_unknown_the_plain_band_decides_again():
    assert verdicts([90, 101, np.nan, 101]) == [PASS, PASS, UNKNOWN, FAIL]


def test_optional_condition_does_not_block_a_pass_but_can_fail_it():
    spec = CheckSpec("no_lumbar_arch", (
        Condition("trunk_lean", -5, None, 3),
        Condition("lumbar_curve", None, 0.08, 0.01, optional=True),
    ), ("side",), True, 0, "")
    views = np.array(["side"] * 3, dtype=object)
    out = evaluate(spec, {"trunk_lean": np.array([0.0, 0.0, np.nan]), "lumbar_curve": np.array([np.nan, 0.2, 0.2])}, views)
    assert out.tolist() == [PASS, FAIL, FAIL]


def hold_run(tracker, start_ms, seconds, good, side="left", fps=30, exercise="lunge"):
    status = None
    for i in range(int(seconds * fps)):
        status = tracker.update(start_ms + i * 1000 / fps, exercise, side, True, 30.0, good)
    return status, start_ms + seconds * 1000


def test_hold_pauses_on_bad_form_and_does_not_reset():
    tr = HoldTracker()
    s, t = hold_run(tr, 0, 10, True)
    assert s.good_form_s == pytest.approx(10, abs=0.1)
    s, t = hold_run(tr, t, 3, False)
    assert s.good_form_s == pytest.approx(10, abs=0.1) and not s.counting
    s, t = hold_run(tr, t, 21, True)
    assert s.complete and s.next_side == "right"
    assert len(tr.sets) == 1


def test_switching_side_starts_the_next_set_and_leaving_ends_it():
    tr = HoldTracker(grace_s=5)
    _, t = hold_run(tr, 0, 31, True)
    s, t = hold_run(tr, t, 5, True, side="right")
    assert [x.side for x in tr.sets] == ["left", "right"]
    assert tr.sets[0].complete and not tr.sets[1].complete
    # out of the pose for longer than the grace period, then back: a new set
    for i in range(int(6 * 30)):
        tr.update(t + i * 33.3, None, None, True, 30.0, False)
    t += 6000
    hold_run(tr, t, 2, True, side="right")
    assert len(tr.sets) == 3


def test_a_long_gap_between_frames_counts_only_a_short_step():
    tr = HoldTracker(max_step_s=0.25)
    tr.update(0, "lunge", "left", True, 30, True)
    s = tr.update(4000, "lunge", "left", True, 30, True)
    assert s.good_form_s == pytest.approx(0.25)


def test_one_euro_smooths_jitter_and_follows_a_step():
    f = OneEuroFilter()
    rng = np.random.default_rng(0)
    # Units as the coach feeds it: image sizes (a 2-pixel jitter on a 640-pixel frame).
    raw = 0.5 + rng.normal(0, 2 / 640, 60)
    smooth = [f(np.array([v]), i * 33.3)[0] for i, v in enumerate(raw)]
    assert np.std(smooth[20:]) < 0.5 * np.std(raw[20:])
    moved = [f(np.array([0.7]), (60 + i) * 33.3)[0] for i in range(15)]
    assert moved[-1] == pytest.approx(0.7, abs=0.005)


def test_one_euro_restarts_after_a_gap_or_nan():
    f = OneEuroFilter()
    f(np.array([0.0]), 0)
    assert f(np.array([50.0]), 5000)[0] == 50.0
    out = f(np.array([np.nan]), 5033)
    assert np.isnan(out[0])


def test_a_moment_read_as_the_other_side_pauses_the_hold_and_it_goes_on_after():
    tr = HoldTracker(grace_s=5)
    _, t = hold_run(tr, 0, 12, True)
    _, t = hold_run(tr, t, 1, True, side="right")  # a turn or a landmark swap, for a second
    s, t = hold_run(tr, t, 10, True)
    assert s.side == "left" and s.good_form_s == pytest.approx(22, abs=0.2)  # not 10: the set went on
    assert [x.side for x in tr.sets] == ["left", "right"]
    # The other side held for longer than the grace period: back on the first side, a new set.
    _, t = hold_run(tr, t, 6, True, side="right")
    s, t = hold_run(tr, t, 2, True)
    assert s.good_form_s == pytest.approx(2, abs=0.2) and [x.side for x in tr.sets] == ["left", "right", "right", "left"]
