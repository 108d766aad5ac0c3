"""Routines: followed hands-free from the poses alone."""

import pytest

from posecoach.core.coach import Coach
from posecoach.core.routine import RoutineTracker
from posecoach.exercises.catalogue import ConfigError, load_catalogue, load_routine, with_routine_targets
from tests import stick as S


def test_the_seeds_routine_is_shipped_in_order():
    r = load_routine("seeds")
    assert [s.exercise for s in r.steps] == ["constructive_rest", "legs_on_chair", "knee_to_chest", "lunge", "cobra"]
    assert r.steps[2].sides == ("left", "right") and r.steps[3].sides == ("left", "right")
    assert [s.hold_s for s in r.steps] == [300, 300, 60, 30, 10]


def run(routine_file, poses_and_seconds):
    routine = load_routine(routine_file)
    catalogue = with_routine_targets(load_catalogue(), routine)
    coach, tracker = Coach(catalogue, None), RoutineTracker(routine)
    t, status, seen = 0.0, None, []
    for pose, seconds in poses_and_seconds:
        for _ in range(int(seconds * 15)):
            r = coach.step(t, pose, 640, 480)
            status = tracker.update(t, r.exercise, r.side, r.hold.good_form_s, r.hold.complete)
            if not seen or seen[-1] != (status.step, status.side):
                seen.append((status.step, status.side))
            t += 1000 / 15
    return status, seen


def test_routine_advances_when_the_hold_completes_and_the_person_moves_on(tmp_path):
    f = tmp_path / "short.toml"
    f.write_text('name = "short"\nsteps = [\n {exercise = "knee_to_chest", hold_s = 2, sides = ["left", "right"]},\n'
                 ' {exercise = "cobra", hold_s = 2},\n]\n')
    left, right = S.knee_to_chest(facing="right"), S.knee_to_chest(facing="left")  # bent leg: left, then right
    status, seen = run(f, [(left, 4), (right, 4), (S.cobra(), 4)])
    assert status.finished
    assert seen == [(0, "left"), (0, "right"), (1, None), (2, None)]


def test_routine_waits_on_the_current_hold(tmp_path):
    f = tmp_path / "short.toml"
    f.write_text('steps = [{exercise = "knee_to_chest", hold_s = 5, sides = ["left", "right"]}, {exercise = "cobra", hold_s = 2}]\n')
    # the right side before the left one is complete does not count as moving on
    status, _ = run(f, [(S.knee_to_chest(facing="right"), 2), (S.knee_to_chest(facing="left"), 3)])
    assert (status.step, status.side, status.finished) == (0, "left", False)
    assert "hold 5 s" in status.instruction


def test_bad_routine_file_names_the_key(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text('steps = [{exercise = "squat", hold_s = 5}]\n')
    with pytest.raises(ConfigError, match=r"bad.toml.*steps\[0\].exercise"):
        load_routine(f)
