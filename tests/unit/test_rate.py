"""The adaptive analysis rate: fewer frames while still, every frame on movement or a change."""

from __future__ import annotations

import numpy as np
import pytest

from posecoach.core import landmarks as lm
from posecoach.core.rate import REVIEW_RATE, AdaptiveRate, FixedRate, RateParams, carried, joint_speed


def body(shift_px: float = 0.0) -> np.ndarray:
    """A standing body, trunk 100 px, moved right by ``shift_px``."""
    pts = np.zeros((33, 2))
    pts[:, 0] = 320 + shift_px
    pts[:, 1] = np.linspace(100, 400, 33)
    pts[[lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER], 1] = 150
    pts[[lm.LEFT_HIP, lm.RIGHT_HIP], 1] = 250
    return pts


VIS = np.ones(33)
STILL = ("lunge", ("front_knee_90", "pass"))


def drive(rate: AdaptiveRate, n_frames: int, shift_at=lambda i: 0.0, state_at=lambda i: STILL,
          every_ms: float | None = None) -> list[int]:
    """Frames analysed of ``n_frames`` at 30 fps; ``every_ms``: periodic engine work (recognition)."""
    analysed = []
    for i in range(n_frames):
        t_ms = i * 1000 / 30
        if rate.wants(i, t_ms):
            analysed.append(i)
            rate.update(i, t_ms, body(shift_at(i)), VIS, state_at(i), None if every_ms is None else t_ms + every_ms)
    return analysed


def test_a_still_body_is_analysed_every_nth_frame_after_settling():
    analysed = drive(AdaptiveRate(RateParams(max_stride=3, settle_ms=500)), 90)
    assert analysed[:15] == list(range(15))  # the first half second at the full rate
    gaps = np.diff(analysed[20:])
    assert set(gaps) == {3}
    assert len(analysed) < 0.5 * 90


def test_movement_brings_back_every_frame_at_once():
    moving = lambda i: 0.0 if i < 60 else (i - 60) * 20.0  # noqa: E731  # 20 px a frame: 6 trunk lengths a second
    analysed = drive(AdaptiveRate(RateParams(max_stride=3)), 120, moving)
    seen_moving = next(i for i in analysed if i > 60)  # at most two frames late
    assert seen_moving <= 63
    assert [i for i in analysed if i >= seen_moving] == list(range(seen_moving, 120))


def test_a_verdict_change_brings_back_every_frame():
    state = lambda i: STILL if i < 60 else ("lunge", ("front_knee_90", "fail"))  # noqa: E731
    analysed = drive(AdaptiveRate(RateParams(max_stride=4, settle_ms=500)), 120, state_at=state)
    first_after = next(i for i in analysed if i >= 60)
    assert first_after <= 63
    following = [i for i in analysed if first_after <= i < first_after + 15]
    assert following == list(range(first_after, first_after + 15))


def test_slow_drift_within_the_still_speed_keeps_the_low_rate():
    drift = lambda i: i * 0.5  # noqa: E731  # 15 px/s = 0.15 trunk lengths a second
    analysed = drive(AdaptiveRate(RateParams(max_stride=3, still_speed_trunk_lengths_per_s=0.5)), 90, drift)
    assert set(np.diff(analysed[20:])) == {3}


def test_unseen_joints_do_not_count_as_still():
    hidden = np.zeros(33)
    assert joint_speed(body(), body(), hidden, hidden, 1 / 30) == float("inf")
    assert joint_speed(body(), body(3.0), VIS, VIS, 1 / 30) == 0.9  # 3 px in 1/30 s over a 100 px trunk


def test_frames_where_recognition_is_due_are_analysed():
    analysed = drive(AdaptiveRate(RateParams(max_stride=6)), 120, every_ms=130)
    assert set(np.diff(analysed[30:])) == {4}  # recognition every 130 ms: the first frame from then on


def test_without_following_recognition_the_stride_is_the_rates_own():
    analysed = drive(AdaptiveRate(RateParams(max_stride=6, follow_recognition=False)), 120, every_ms=130)
    assert set(np.diff(analysed[12:])) == {6} and len(analysed) < 35


def test_fixed_rate_counts_from_the_first_frame():
    rate = FixedRate(3)
    assert [i for i in range(10) if rate.wants(i, i * 33.3)] == [0, 3, 6, 9]


def test_the_review_rate_bounds_the_gap_in_time_whatever_the_frame_rate():
    assert REVIEW_RATE.max_gap_ms == 400.0
    assert [REVIEW_RATE.params(fps).max_stride for fps in (30.0, 29.97, 60.0, 25.0, 10.0)] == [12, 12, 24, 10, 4]
    assert REVIEW_RATE.params(None).max_stride == 12  # no stated rate: 30 fps
    assert not REVIEW_RATE.params(30.0).follow_recognition  # recognition runs on the frames analysed


def test_through_a_still_hold_the_gaps_grow_to_the_bound_and_never_past_it():
    analysed = drive(AdaptiveRate(REVIEW_RATE.params(30.0)), 300)
    gaps = list(np.diff(analysed))
    assert gaps[:30] == [1] * 30  # the first second at every frame: the exercise (and person) just seen
    assert gaps[30:34] == [2, 4, 8, 12]  # then doubling up to 400 ms
    assert set(gaps[34:]) == {12}
    assert len(analysed) < 0.2 * 300


def test_a_fault_appearing_in_a_hold_is_seen_within_the_bound():
    params = REVIEW_RATE.params(30.0)
    for start in range(150, 175):  # every phase of the gaps
        fault = lambda i, s=start: STILL if i < s else ("lunge", ("front_knee_90", "fail"))  # noqa: E731
        analysed = drive(AdaptiveRate(params), 240, state_at=fault)
        seen = next(i for i in analysed if i >= start)
        assert (seen - start) * 1000 / 30 < REVIEW_RATE.max_gap_ms
        after = [i for i in analysed if seen <= i < seen + 9]
        assert after == list(range(seen, seen + 9))  # then every frame again


def test_a_skipped_frame_carries_the_observation_before_it_to_its_own_time():
    from posecoach.core.coach import Observation

    obs = Observation(1000.0, True, "lunge", 0.9, "left", "left", "side", {"front_knee": 91.0}, True, True)
    later = carried(obs, 1133.3)
    assert later.t_ms == 1133.3 and later.measures == obs.measures and later.exercise == "lunge"
    assert obs.t_ms == 1000.0  # the analysed frame's own observation is untouched


def test_a_change_of_exercise_brings_every_frame_back_for_a_second():
    rate = AdaptiveRate(REVIEW_RATE.params(30.0))
    analysed = []
    for i in range(240):
        t_ms = i * 1000 / 30
        if rate.wants(i, t_ms):
            analysed.append(i)
            label = (True, "lunge" if i < 150 else "cobra")  # the label flips; the body and verdicts do not
            rate.update(i, t_ms, body(), VIS, STILL, None, label)
    seen = next(i for i in analysed if i >= 150)
    assert seen - 150 < 12
    assert [i for i in analysed if seen <= i < seen + 30] == list(range(seen, seen + 30))
    assert len([i for i in analysed if i >= seen + 30]) < 20


def test_at_a_variable_frame_rate_the_gap_stays_within_the_bound_in_time():
    rng = np.random.default_rng(3)
    times = np.cumsum(rng.choice([1000 / 30, 2000 / 30, 3000 / 30], size=400))  # a phone dropping frames
    rate = AdaptiveRate(REVIEW_RATE.params(30.0))
    analysed = []
    for i, t_ms in enumerate(times):
        if rate.wants(i, t_ms):
            analysed.append(t_ms)
            rate.update(i, t_ms, body(), VIS, STILL)
    gaps = np.diff(analysed)
    # the next frame's time is not known ahead: past the bound by one uneven step at most
    assert gaps.max() <= REVIEW_RATE.max_gap_ms + 100 and np.mean(gaps > REVIEW_RATE.max_gap_ms + 0.5) < 0.1
    assert len(analysed) < 0.4 * len(times)


def test_the_frame_on_which_a_waiting_position_is_recognised_is_analysed():
    """A rest is recognised once it has lasted 3 s: nothing moves then, so the review's gaps are
    at their widest; the frame at which the wait ends is analysed, so the rest starts on time."""
    from posecoach.core.recognize import ENTER_AFTER_MS, Recognition, RecognitionSmoother

    smoother = RecognitionSmoother()
    smoother.update(0.0, Recognition("constructive_rest", 0.7))
    assert smoother.entry_due_ms == ENTER_AFTER_MS["constructive_rest"]
    rate = AdaptiveRate(REVIEW_RATE.params(30.0))
    entry_ms = 5000.0
    analysed = []
    for i in range(240):
        t_ms = i * 1000 / 30
        if rate.wants(i, t_ms):
            analysed.append(i)
            rate.update(i, t_ms, body(), VIS, STILL, None, "rest", entry_ms if t_ms < entry_ms else None)
    first = next(i for i in analysed if i * 1000 / 30 >= entry_ms)
    assert first == 150  # 5000 ms at 30 fps, though the still hold's gaps are 12 frames
    assert any(b - a == 12 for a, b in zip(analysed, analysed[1:], strict=False))
    for t in (100.0, 200.0, 3000.0):
        smoother.update(t, Recognition("constructive_rest", 0.7))
    assert smoother.entry_due_ms is None  # entered: nothing waits


def test_while_the_breathing_is_read_a_still_hold_is_analysed_at_least_every_200_ms():
    """The joints of a rest position are still, but its breathing changes within a breath: the
    review's gaps stay within the breathing bound while the engine reads it, and widen again
    to the still bound once it stops (a frame without a breathing exercise)."""
    rate = AdaptiveRate(REVIEW_RATE.params(30.0))
    analysed = []
    for i in range(600):
        t_ms = i * 1000 / 30
        if rate.wants(i, t_ms):
            analysed.append(t_ms)
            rate.update(i, t_ms, body(), VIS, STILL, None, (True, "constructive_rest"), None, breathing=t_ms < 10000)
    gaps = np.diff(analysed)
    breathing = gaps[(np.array(analysed[1:]) > 2000) & (np.array(analysed[1:]) < 10000)]
    after = gaps[np.array(analysed[1:]) > 12000]
    assert breathing.max() <= REVIEW_RATE.breathing_max_gap_ms + 0.5
    assert breathing.max() >= REVIEW_RATE.breathing_max_gap_ms - 1000 / 30  # not every frame: only closer
    assert after.max() > REVIEW_RATE.breathing_max_gap_ms and after.max() <= REVIEW_RATE.max_gap_ms + 0.5


@pytest.mark.parametrize("stride, fps", [(15, 30.0), (30, 30.0), (15, 25.0), (4, 30.0)])
def test_a_stride_given_in_frames_keeps_the_breathings_bound(stride, fps):
    """`posecoach analyze --stride N` bounds a still hold's gaps in frames; while a rest
    position's breathing is read they stay within the breathing's bound as by default (a
    stride already within it is kept), and widen to N frames again once it stops."""
    from posecoach.services.analyse_file import AnalyseRequest, analysis_plan

    plan = analysis_plan(AnalyseRequest(input="clip.mp4", rate="adaptive", stride=stride)).for_fps(fps)
    assert plan.for_fps(fps) == plan  # resolved once
    rate = AdaptiveRate(plan.rate_params)
    analysed = []
    for i in range(int(20 * fps)):
        t_ms = i * 1000 / fps
        if rate.wants(i, t_ms):
            analysed.append(i)
            rate.update(i, t_ms, body(), VIS, STILL, None, (True, "constructive_rest"), None, breathing=t_ms < 10000)
    frames = np.array(analysed)
    gaps = np.diff(frames)
    breathing, after = gaps[(frames[1:] > 2 * fps) & (frames[1:] < 10 * fps)], gaps[frames[1:] > 12 * fps]
    bound = min(stride, int(REVIEW_RATE.breathing_max_gap_ms * fps / 1000.0 + 0.05))
    assert breathing.max() == bound
    assert after.max() == stride
    assert plan.analysis(1, None)["breathing_max_gap_ms"] == REVIEW_RATE.breathing_max_gap_ms
