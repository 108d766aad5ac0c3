"""Breathing from the trunk's thickness (core/breathing.py), on constructed signals and masks:
a known rate read within 1 breath a minute from irregular samples, through noise and a person
settling, belly told from chest, a held breath and a short signal never given a rate, and the
soft mask's thickness following a wall that moves a fraction of a pixel."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posecoach.core.breathing import (
    ARMS_OVER_TRUNK,
    BELLY,
    CHEST,
    KNOWN,
    MEASURING,
    NO_BREATHING_SEEN,
    OUTLINE_HIDDEN,
    SUMMARY_KEYS,
    UNKNOWN,
    BreathingMeter,
    BreathingParams,
    breathing_summary,
    over_trunk,
    trunk_thickness,
)

PARAMS = BreathingParams()
TRUNK_MM = 500.0  # a trunk (hip to shoulder) of 500 mm: a 10 mm rise is 0.02 trunk lengths


def breath_wave(t_s: np.ndarray, inhale_s: float, exhale_s: float) -> np.ndarray:
    """0 at the end of each exhale, 1 at the end of each inhale: a half cosine up over the inhale,
    down over the exhale."""
    period = inhale_s + exhale_s
    phase = np.mod(t_s, period)
    up = 0.5 - 0.5 * np.cos(np.pi * phase / inhale_s)
    down = 0.5 + 0.5 * np.cos(np.pi * (phase - inhale_s) / exhale_s)
    return np.where(phase < inhale_s, up, down)


def irregular_times_ms(seconds: float, rng: np.random.Generator, gaps_ms=(33.0, 400.0)) -> np.ndarray:
    """Frame times with gaps drawn between ``gaps_ms`` (a review's frames through a still hold)."""
    gaps = rng.uniform(*gaps_ms, size=int(seconds * 1000 / gaps_ms[0]) + 10)
    t = np.concatenate([[0.0], np.cumsum(gaps)])
    return t[t <= seconds * 1000.0]


def signals(t_ms, rate_bpm, inhale_share=0.4, belly_mm=12.0, chest_mm=3.0, noise_mm=0.0, drift_mm=0.0,
            rng=None):
    """Belly and chest thickness (trunk lengths) over ``t_ms``: a rest's trunk 0.45 thick, the
    walls rising by ``belly_mm`` and ``chest_mm`` at ``rate_bpm``, with mask noise and a settling drift."""
    rng = rng or np.random.default_rng(0)
    period = 60.0 / rate_bpm if rate_bpm else 1.0
    t_s = np.asarray(t_ms) / 1000.0
    wave = breath_wave(t_s + 0.3 * period, inhale_share * period, (1 - inhale_share) * period) if rate_bpm else 0 * t_s
    settle = drift_mm * (1 - np.exp(-t_s / 20.0))
    belly = 0.45 + (belly_mm * wave + settle + rng.normal(0, noise_mm, len(t_s))) / TRUNK_MM
    chest = 0.42 + (chest_mm * wave - 0.5 * settle + rng.normal(0, noise_mm, len(t_s))) / TRUNK_MM
    return belly, chest


def run(t_ms, belly, chest):
    meter = BreathingMeter(PARAMS)
    return [meter.update(t, b, c) for t, b, c in zip(t_ms, belly, chest, strict=True)]


@pytest.mark.parametrize("rate_bpm", [5.0, 6.0, 8.0, 10.0, 12.0, 14.0, 18.0, 24.0])
def test_the_rate_is_read_within_one_breath_a_minute_from_irregular_frames(rate_bpm):
    rng = np.random.default_rng(int(rate_bpm))
    t = irregular_times_ms(60.0, rng)
    last = run(t, *signals(t, rate_bpm, noise_mm=0.5, rng=rng))[-1]
    assert last.state == KNOWN
    assert abs(last.rate_bpm - rate_bpm) <= 1.0
    assert last.window_s == pytest.approx(30.0, abs=0.5)


def test_inhale_and_exhale_lengths_are_read():
    t = np.arange(0, 60_000, 100.0)
    last = run(t, *signals(t, 6.0, inhale_share=0.4, noise_mm=0.2))[-1]
    assert last.inhale_s == pytest.approx(4.0, abs=0.5)
    assert last.exhale_s == pytest.approx(6.0, abs=0.5)


def test_a_person_settling_and_noise_of_a_fifth_of_the_breath_still_read_right():
    rng = np.random.default_rng(3)
    t = irregular_times_ms(90.0, rng)
    readings = run(t, *signals(t, 8.0, belly_mm=10.0, chest_mm=2.0, noise_mm=2.0, drift_mm=25.0, rng=rng))
    late = [r for tt, r in zip(t, readings, strict=True) if tt > 40_000]
    assert all(r.state == KNOWN for r in late)
    assert max(abs(r.rate_bpm - 8.0) for r in late) <= 1.0
    assert all(r.pattern == BELLY for r in late)


@pytest.mark.parametrize(("belly_mm", "chest_mm", "pattern"), [(12.0, 3.0, BELLY), (3.0, 10.0, CHEST), (1.0, 8.0, CHEST),
                                                               (8.0, -2.0, BELLY), (-2.0, 8.0, CHEST)])
def test_belly_is_told_from_chest_breathing(belly_mm, chest_mm, pattern):
    rng = np.random.default_rng(5)
    t = irregular_times_ms(45.0, rng)
    last = run(t, *signals(t, 12.0, belly_mm=belly_mm, chest_mm=chest_mm, noise_mm=0.5, rng=rng))[-1]
    assert last.state == KNOWN
    assert last.pattern == pattern
    expected = abs(belly_mm) / (abs(belly_mm) + abs(chest_mm))
    assert last.belly_share == pytest.approx(expected, abs=0.08)


def test_a_held_breath_is_no_breathing_seen_not_a_rate():
    rng = np.random.default_rng(7)
    t = irregular_times_ms(60.0, rng)
    readings = run(t, *signals(t, 0.0, noise_mm=0.5, drift_mm=5.0, rng=rng))
    assert all(r.rate_bpm is None for r in readings)
    assert readings[-1].state == UNKNOWN
    assert readings[-1].reason == NO_BREATHING_SEEN


def test_breathing_that_stops_turns_into_no_breathing_seen_within_a_window():
    t = np.arange(0, 90_000, 200.0)
    belly, chest = signals(t, 10.0, noise_mm=0.3)
    still = t > 40_000
    belly[still], chest[still] = 0.45, 0.42
    readings = run(t, belly, chest)
    assert readings[int(39_000 / 200)].state == KNOWN
    assert readings[-1].state == UNKNOWN and readings[-1].reason == NO_BREATHING_SEEN


def test_a_short_signal_is_measuring_without_a_rate():
    t = np.arange(0, 10_000, 100.0)
    readings = run(t, *signals(t, 12.0))
    assert {r.state for r in readings} == {MEASURING}
    assert all(r.rate_bpm is None and r.pattern is None for r in readings)


def test_a_gap_in_the_frames_starts_the_signal_afresh():
    t = np.concatenate([np.arange(0, 40_000, 100.0), np.arange(45_000, 50_000, 100.0)])
    readings = run(t, *signals(t, 12.0))
    assert readings[399].state == KNOWN
    assert readings[-1].state == MEASURING


def test_an_unreadable_outline_is_unknown_with_the_reason_given_after_a_grace():
    meter = BreathingMeter(PARAMS)
    t = np.arange(0, 30_000, 100.0)
    belly, chest = signals(t, 12.0)
    for tt, b, c in zip(t, belly, chest, strict=True):
        meter.update(tt, b, c)
    assert meter.update(30_100, None, None, ARMS_OVER_TRUNK).state == KNOWN  # a hand passing: the reading stands
    gone = meter.update(30_100 + PARAMS.unreadable_s * 1000, float("nan"), None, ARMS_OVER_TRUNK)
    assert (gone.state, gone.reason, gone.rate_bpm) == (UNKNOWN, ARMS_OVER_TRUNK, None)
    hidden = BreathingMeter(PARAMS)
    readings = [hidden.update(tt, None, None) for tt in t]
    assert readings[-1].reason == OUTLINE_HIDDEN


def test_the_summary_takes_the_medians_and_counts_the_seconds_known():
    t = np.arange(0, 60_000, 100.0)
    readings = run(t, *signals(t, 9.0, noise_mm=0.3))
    summary = breathing_summary(zip(t, readings, strict=True), PARAMS.belly_share_min)
    assert set(summary) == set(SUMMARY_KEYS)
    assert summary["rate_bpm"] == pytest.approx(9.0, abs=1.0)
    assert summary["pattern"] == BELLY
    known_from = next(tt for tt, r in zip(t, readings, strict=True) if r.state == KNOWN)
    assert summary["measured_s"] == pytest.approx((t[-1] - known_from) / 1000.0, abs=0.2)
    assert summary["unknown_reason"] is None
    held = run(t, *signals(t, 0.0))
    none = breathing_summary(zip(t, held, strict=True))
    assert none["rate_bpm"] is None and none["pattern"] is None and none["unknown_reason"] == NO_BREATHING_SEEN
    assert breathing_summary([])["measured_s"] == 0.0


def lying_trunk_mask(belly_px: float, chest_px: float, width=640, height=360, floor_y=300.0, blur_px=2.0):
    """A soft mask of a trunk lying on a floor at ``floor_y``, hips at x=150, shoulders at x=450,
    its top edge at ``floor_y - belly_px`` over the belly and ``- chest_px`` over the chest, with a
    soft edge ``blur_px`` wide (as the model's mask, upsampled)."""
    x = np.arange(width)[None, :]
    y = np.arange(height)[:, None]
    along = np.clip((x - 150) / 300.0, 0, 1)
    top = floor_y - (belly_px + (chest_px - belly_px) * np.clip((along - 0.47) / 0.13, 0, 1))
    inside_x = (x >= 120) & (x <= 480)
    soft = 1 / (1 + np.exp(-(y - top) / (blur_px / 4)))
    return np.where(inside_x & (y <= floor_y), soft, 0.0).astype(np.float32)


def test_the_soft_mask_thickness_follows_a_wall_moving_a_fraction_of_a_pixel():
    hip, shoulder = np.array([150.0, 240.0]), np.array([450.0, 240.0])
    readings = [trunk_thickness(lying_trunk_mask(120 + d, 110), hip, shoulder, PARAMS) for d in np.arange(0, 1.01, 0.25)]
    belly = np.array([b for b, _ in readings])
    chest = np.array([c for _, c in readings])
    assert belly[0] == pytest.approx(120 / 300.0, abs=0.01)
    # a quarter pixel is a quarter pixel of thickness over a 300 px trunk
    assert np.diff(belly) == pytest.approx(np.full(4, 0.25 / 300.0), abs=0.05 / 300.0)
    assert np.ptp(chest) < 0.05 / 300.0


def test_the_thickness_is_unknown_off_the_person_or_on_a_tiny_trunk():
    mask = lying_trunk_mask(120, 110)
    assert all(math.isnan(v) for v in trunk_thickness(mask, np.array([150.0, 20.0]), np.array([450.0, 20.0]), PARAMS))
    assert all(math.isnan(v) for v in trunk_thickness(mask, np.array([150.0, 240.0]), np.array([160.0, 240.0]), PARAMS))


def test_arms_resting_on_the_belly_are_told_from_arms_on_the_floor():
    hip, shoulder, belly_up = np.array([150.0, 240.0]), np.array([450.0, 240.0]), np.array([0.0, -1.0])
    on_floor = np.array([[300.0, 290.0], [400.0, 285.0]])  # wrist and elbow beside the trunk, on the floor
    on_belly = np.array([[250.0, 170.0], [380.0, 200.0]])  # a hand on the belly, 70 px (0.23 trunk) above the line
    assert not over_trunk(hip, shoulder, belly_up, on_floor, PARAMS)
    assert over_trunk(hip, shoulder, belly_up, on_belly, PARAMS)
    assert not over_trunk(hip, shoulder, belly_up, np.full((2, 2), np.nan), PARAMS)


# --- through the coach: the reading on every frame, the checks and their cues ----------------

BREATHING_EXERCISES = ("constructive_rest", "legs_on_chair", "knees_together_rest", "figure_four_rest", "knee_to_chest")


def coach_stream(exercise, rate_bpm, belly_mm=12.0, chest_mm=3.0, seconds=60.0, pose=None):
    """A still stick pose of ``exercise`` judged at 10 frames a second, with its trunk's thickness
    breathing at ``rate_bpm``; returns the coach's frame results."""
    from posecoach.core.coach import Coach
    from posecoach.exercises.catalogue import load_catalogue
    from tests import stick as S

    catalogue = load_catalogue()
    # knee to chest with its knee drawn over the belly hides it (a test below): here the knee is held above the hip
    lms = pose if pose is not None else {
        "legs_on_chair": S.legs_on_chair, "knee_to_chest": lambda: S.knee_to_chest(far_thigh=95)}.get(exercise, S.constructive_rest)()
    coach = Coach(catalogue, exercise)
    t = np.arange(0, seconds * 1000, 100.0)
    belly, chest = signals(t, rate_bpm, belly_mm=belly_mm, chest_mm=chest_mm, noise_mm=0.3)
    return [coach.step(tt, lms, 640, 480, {"belly_rise": b, "chest_rise": c}) for tt, b, c in zip(t, belly, chest, strict=True)]


@pytest.mark.parametrize("exercise", BREATHING_EXERCISES)
def test_every_breathing_exercise_carries_the_reading_on_its_frames(exercise):
    results = coach_stream(exercise, 8.0)
    assert all(r.exercise == exercise and r.breathing is not None for r in results)
    last = results[-1]
    assert last.breathing.state == KNOWN and abs(last.breathing.rate_bpm - 8.0) <= 1.0
    assert last.checks["breathing_slow"] == "pass"
    assert last.angles["breath_rate_bpm"] == pytest.approx(last.breathing.rate_bpm, abs=0.05)
    assert results[0].checks["breathing_slow"] == "unknown"  # measuring: no verdict yet


def test_an_exercise_without_breathing_has_no_reading():
    from posecoach.core.coach import Coach
    from posecoach.exercises.catalogue import load_catalogue
    from tests import stick as S

    coach = Coach(load_catalogue(), "lunge")
    assert coach.step(0.0, S.kneeling_lunge(), 640, 480, {"belly_rise": 0.4, "chest_rise": 0.4}).breathing is None


def test_fast_breathing_gets_the_gentle_cue_once_the_form_is_right():
    results = coach_stream("constructive_rest", 26.0, seconds=40.0)
    last = results[-1]
    assert last.checks["breathing_slow"] == "fail"
    assert last.checks["knees_bent"] == "pass"
    assert last.cues == ["Let your breathing slow down: a long, easy breath out"]
    assert last.hold.good_form_s > 30  # not required: the hold counts on


def test_chest_breathing_gets_the_belly_cue_and_belly_breathing_passes():
    chest = coach_stream("constructive_rest", 10.0, belly_mm=2.0, chest_mm=10.0, seconds=40.0)[-1]
    assert chest.breathing.pattern == CHEST
    assert chest.checks["breathing_belly"] == "fail"
    assert chest.cues == ["As you breathe in, let your belly rise"]
    belly = coach_stream("legs_on_chair", 10.0, seconds=40.0)[-1]
    assert (belly.breathing.pattern, belly.checks["breathing_belly"], belly.cues) == (BELLY, "pass", [])


def test_arms_resting_on_the_belly_make_the_reading_unknown_with_its_reason():
    from tests import stick as S

    on_belly = S.constructive_rest(upper_arm=35, forearm=-20)
    last = coach_stream("constructive_rest", 10.0, seconds=20.0, pose=on_belly)[-1]
    assert (last.breathing.state, last.breathing.reason) == (UNKNOWN, ARMS_OVER_TRUNK)
    assert last.checks["breathing_slow"] == "unknown"


def test_a_knee_drawn_over_the_belly_makes_the_reading_unknown_with_its_reason():
    from tests import stick as S

    last = coach_stream("knee_to_chest", 10.0, seconds=20.0, pose=S.knee_to_chest())[-1]  # thigh at 120: over the belly
    assert (last.breathing.state, last.breathing.reason) == (UNKNOWN, "knee_over_trunk")
    rest = coach_stream("constructive_rest", 10.0, seconds=20.0)[-1]  # knees up, but beyond the hips
    assert rest.breathing.state == KNOWN


def test_a_front_view_makes_the_reading_unknown_with_its_reason():
    from tests.poses import front_view

    last = coach_stream("knees_together_rest", 10.0, seconds=20.0, pose=front_view())[-1]
    assert (last.breathing.state, last.breathing.reason) == (UNKNOWN, "not_side_view")


def test_the_lines_stay_put_when_the_model_jumps_on_one_frame_in_three():
    from posecoach.core.breathing import SteadyTrunk

    steady = SteadyTrunk(PARAMS.trunk_window_s)
    hip, shoulder = np.array([347.4, 283.8]), np.array([459.5, 291.4])
    jumped = np.array([351.6, 281.0])  # as the model placed the hip on a rendered rest's review
    for i in range(30):
        got = steady.update(400.0 * i, jumped if i % 3 == 2 else hip, shoulder, (480, 640))
    assert got[0] == pytest.approx(hip) and got[1] == pytest.approx(shoulder)
    moved = [steady.update(12_000 + 400.0 * i, hip + [0, 20], shoulder + [0, 20], (480, 640)) for i in range(10)]
    assert moved[-1][0] == pytest.approx(hip + [0, 20])  # a person who shifts is followed within the window
    assert steady.update(20_000, hip, shoulder, (240, 320))[0] == pytest.approx(hip)  # another size starts afresh


def test_observations_made_in_two_segments_read_on_across_the_cut_as_one_run():
    from posecoach.core.coach import BreathingRelay, Coach
    from posecoach.exercises.catalogue import load_catalogue
    from tests import stick as S

    catalogue = load_catalogue()
    t = np.arange(0, 60_000, 200.0)
    belly, chest = signals(t, 9.0, noise_mm=0.3)
    frames = list(zip(t, belly, chest, strict=True))

    def observe(part):
        coach = Coach(catalogue, "constructive_rest")
        out = []
        for tt, b, c in part:
            coach.step(tt, S.constructive_rest(), 640, 480, {"belly_rise": b, "chest_rise": c})
            out.append(coach.last_observation)
        return out

    whole = observe(frames)
    apart = observe(frames[:150]) + observe(frames[150:])  # the second segment's meter starts afresh at 30 s
    assert apart[160].breathing.state == MEASURING
    relay = BreathingRelay(catalogue)
    relayed = [relay(o) for o in apart]
    assert [o.breathing for o in relayed] == [o.breathing for o in whole]
    assert relayed[160].measures["breath_rate_bpm"] == whole[160].measures["breath_rate_bpm"]


def test_one_rest_position_named_as_another_reads_on_and_leaving_the_rests_starts_afresh():
    from posecoach.core.coach import Coach
    from posecoach.exercises.catalogue import load_catalogue
    from tests import stick as S

    coach = Coach(load_catalogue(), "constructive_rest")
    t = np.arange(0, 60_000, 200.0)
    belly, chest = signals(t, 9.0, noise_mm=0.3)
    readings = []
    for i, (tt, b, c) in enumerate(zip(t, belly, chest, strict=True)):
        if i == 150:
            coach.observer.forced = "knees_together_rest"  # the same body, named another rest position
        readings.append(coach.step(tt, S.constructive_rest(), 640, 480, {"belly_rise": b, "chest_rise": c}).breathing)
    assert readings[151].state == KNOWN and readings[151].window_s > 25
    coach.observer.forced = "lunge"
    assert coach.step(60_000, S.kneeling_lunge(), 640, 480, {}).breathing is None
    coach.observer.forced = "constructive_rest"
    assert coach.step(60_200, S.constructive_rest(), 640, 480, {"belly_rise": 0.45, "chest_rise": 0.42}).breathing.state == MEASURING


def test_a_thickness_jumping_more_than_breathing_can_is_unsteady():
    from posecoach.core.breathing import UNSTEADY

    t = np.arange(0, 40_000, 100.0)
    belly, chest = signals(t, 10.0, noise_mm=0.3)
    moved = t > 25_000
    belly[moved] += 0.2  # the person shifts, or a blanket is pulled up: 0.2 trunk lengths at once
    readings = run(t, belly, chest)
    assert readings[240].state == KNOWN
    assert (readings[-1].state, readings[-1].reason, readings[-1].rate_bpm) == (UNKNOWN, UNSTEADY, None)
