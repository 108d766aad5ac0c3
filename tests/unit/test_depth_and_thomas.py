"""Stretch depth held with good form, and the guided Thomas test's readings (pure core)."""

from __future__ import annotations

import pytest

from posecoach.core.depth import DepthTracker
from posecoach.core.thomas import BACK_NOT_FLAT, DONE, RELAX, SETTLE, UNSEEN, ThomasTest, thomas_angles


def test_depth_counts_once_held_with_good_form_and_keeps_the_best_per_side():
    d = DepthTracker(sustain_ms=1000)
    # 0.5 s at 20 degrees is too short; a fault resets the run
    assert [d.update(t, "lunge", "left", True, 20.0) for t in range(0, 500, 100)] == [None] * 5
    assert d.update(500, "lunge", "left", False, 25.0) is None
    # 1.5 s of good form deepening from 10 to 24: the depth held over the last second
    held = [d.update(t, "lunge", "left", True, 10.0 + (t - 600) / 100) for t in range(600, 2100, 100)]
    assert held[:10] == [None] * 10 and held[10] == pytest.approx(10.0 + 0.0)  # first full second
    assert held[-1] == pytest.approx(10.0 + 4.0)  # the least over the last second, not the peak
    # one wild frame cannot set a record
    d.update(2100, "lunge", "left", True, 60.0)
    assert d.best[("lunge", "left")] == pytest.approx(15.0)
    # the other side is its own record; changing side restarts the run
    assert d.update(2200, "lunge", "right", True, 30.0) is None
    for t in range(2300, 3400, 100):
        d.update(t, "lunge", "right", True, 30.0)
    assert d.best == {("lunge", "left"): pytest.approx(15.0), ("lunge", "right"): 30.0}
    # an unknown depth (the back knee off the floor) is no depth
    assert d.update(3500, "lunge", "right", True, float("nan")) is None


def feed(test, side, hip, knee, t0, seconds, back_flat=True, step_ms=100):
    states = []
    for t in range(t0, t0 + int(seconds * 1000), step_ms):
        states.append(test.update(t, side, hip, knee, back_flat))
    return states


def test_thomas_takes_three_steady_readings_per_side_only_with_the_back_flat():
    test = ThomasTest()
    # moving: no reading
    states = [test.update(t, "left", 5.0 + (t % 700) / 50, 70.0, True) for t in range(0, 3000, 100)]
    assert set(states) == {SETTLE} and not test.readings
    # steady 2 s but the back arches: no reading, and the person is told
    assert feed(test, "left", 5.0, 70.0, 3000, 2.5, back_flat=False)[-1] == BACK_NOT_FLAT
    assert not test.readings
    # steady with the back flat: one reading, then the leg must move before the next
    states = feed(test, "left", 5.0, 70.0, 6000, 2.5)
    assert RELAX in states and len(test.readings) == 1
    assert set(feed(test, "left", 5.0, 70.0, 9000, 3.0)) == {RELAX}  # still the same spell
    feed(test, "left", 30.0, 20.0, 12000, 0.5)  # sits up a little: the leg moves
    feed(test, "left", 7.0, 74.0, 13000, 2.5)
    feed(test, "left", 25.0, 30.0, 16000, 0.3)
    assert feed(test, "left", 6.0, 72.0, 17000, 2.5)[-1] == DONE
    r = test.result("left")
    assert (r.hip_deg, r.knee_deg, r.readings) == (6.0, 72.0, 3)
    assert r.hip_spread_deg == pytest.approx(1.0) and r.knee_spread_deg == pytest.approx(2.0)
    assert test.result("right") is None
    # the other side starts afresh; an unseen leg is said so
    assert test.update(21000, "right", None, 60.0, True) == UNSEEN
    assert feed(test, "right", -8.0, 50.0, 22000, 2.5)[-1] == RELAX
    assert test.of_side("right")[0].hip_deg == -8.0


def test_thomas_angles_from_the_edge_hang_measures():
    assert thomas_angles(190.0, 100.0) == (10.0, 80.0)  # thigh 10 below the bed, knee bent 80
    assert thomas_angles(float("nan"), 100.0) == (None, 80.0)


def test_a_pain_rating_follows_the_seeds_stop_rule_and_bad_ratings_are_one_line():
    from posecoach.core.pain import RatingError, rate

    assert not rate(3, "a deep stretch").stop  # intensity is expected
    sharp = rate("2", "Sharp, down the leg")
    assert sharp.stop and sharp.reasons == ("sharp pain",) and sharp.pain == 2
    assert rate(8).stop and rate(8).reasons == ("pain 8 of 10",)
    assert rate(6, "pulsing, pain at night").reasons == ("pulsating pain", "night pain")
    assert not rate(2, "burning stretch, good night").stop
    for bad in (11, -1, 2.5, "lots", True, float("nan")):
        with pytest.raises(RatingError) as err:
            rate(bad)
        assert "\n" not in str(err.value) and "0 to 10" in str(err.value)
    with pytest.raises(RatingError, match="keep it under"):
        rate(1, "x" * 500)


def test_a_silhouette_read_sparsely_through_a_still_hold_is_still_steady():
    """A review judges a still hold's frames up to 400 ms apart: three agreeing readings decide,
    as they would a second apart; one reading alone does not."""
    from posecoach.core.silhouette import SteadyReading

    sparse = SteadyReading()
    got = [sparse.update(t, 0.05)[0] for t in (0, 400, 800, 1200)]
    assert got[:2] == [pytest.approx(float("nan"), nan_ok=True)] * 2 and got[2:] == [0.05, 0.05]
    far = SteadyReading()
    assert [far.update(t, 0.05)[0] == 0.05 for t in (0, 3000, 6000)] == [False, False, False]  # too far apart
