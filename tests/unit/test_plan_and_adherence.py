"""A physiotherapist's plan file (validated like a profile) and adherence to it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from posecoach.core.adherence import adherence, monday
from posecoach.exercises.catalogue import ConfigError, load_catalogue
from posecoach.exercises.plan import load_plan

CAT = load_catalogue()

GOOD = """\
schema = 1
name = "Hip flexors, weeks 1-4"
person = "Sam"
profile = "beginner"
days_per_week = 4
starts = 2026-12-07
weeks = 4

[[steps]]
exercise = "knee_to_chest"
hold_s = 60
sets = 2
rest_s = 30

[[steps]]
exercise = "lunge"
hold_s = 30
sides = ["left"]

[[steps]]
exercise = "cobra"
hold_s = 10

[targets]
stretch_depth_deg = 15
thomas_hip_deg = 0
"""


def write(tmp_path, text, name="plan.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_a_plan_file_reads_into_steps_sets_sides_and_targets(tmp_path):
    plan = load_plan(write(tmp_path, GOOD), CAT)
    assert plan.name == "Hip flexors, weeks 1-4" and plan.person == "Sam" and plan.days_per_week == 4
    assert plan.starts == date(2026, 12, 7) and plan.weeks == 4
    k2c, lunge, cobra = plan.steps
    assert (k2c.sets, k2c.rest_s, k2c.sides) == (2, 30.0, ("left", "right"))  # per side by the catalogue
    assert lunge.sides == ("left",) and cobra.sides == ()
    assert plan.targets == {"stretch_depth_deg": 15.0, "thomas_hip_deg": 0.0}
    routine = plan.routine()  # each set is a step the coach follows
    assert [s.exercise for s in routine.steps] == ["knee_to_chest", "knee_to_chest", "lunge", "cobra"]
    assert len(routine.slots()) == 2 + 2 + 1 + 1


@pytest.mark.parametrize("change, key, problem", [
    (("days_per_week = 4", "days_per_week = 9"), "days_per_week", "from 1 to 7"),
    (('exercise = "cobra"', 'exercise = "cobbra"'), "steps[2].exercise", "unknown exercise 'cobbra'"),
    (("hold_s = 30", "hold_s = -30"), "steps[1].hold_s", "must be positive"),
    (("sets = 2", "sets = 0"), "steps[0].sets", "at least 1"),
    (('sides = ["left"]', 'sides = ["middle"]'), "steps[1].sides", "unknown side"),
    (("stretch_depth_deg = 15", "stretch_deg = 15"), "targets.stretch_deg", "unknown target"),
    (('profile = "beginner"', 'profile = "expert"'), "profile", "unknown profile"),
    (("weeks = 4", "weeks = 0"), "weeks", "at least 1"),
    (("rest_s = 30", "rest_s = \"half a minute\""), "steps[0].rest_s", "must be a number"),
    (("schema = 1", "schema = 2"), "schema", "not supported"),
])
def test_a_bad_plan_is_refused_with_file_line_and_key(tmp_path, change, key, problem):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as err:
        load_plan(path, CAT)
    msg = str(err.value)
    assert str(path) in msg and f": {key}: " in msg and problem in msg, msg
    line = GOOD.replace(*change).splitlines()[err.value.line - 1]
    assert key.split(".")[-1].split("[")[0] in line, (line, msg)  # the line named is the key's


def test_a_plan_that_is_not_toml_or_is_missing_keys_is_one_clear_line(tmp_path):
    with pytest.raises(ConfigError, match=r"not valid TOML"):
        load_plan(write(tmp_path, "name = \n"), CAT)
    with pytest.raises(ConfigError, match=r": steps: missing"):
        load_plan(write(tmp_path, 'name = "x"\ndays_per_week = 3\n'), CAT)
    with pytest.raises(ConfigError, match=r"is a directory"):
        load_plan(tmp_path, CAT)


def test_a_plan_may_name_a_profile_file_beside_it_and_a_bad_one_is_refused_there(tmp_path):
    write(tmp_path, 'base = "beginner"\nname = "Sam"\n', "sam.toml")
    plan = load_plan(write(tmp_path, GOOD.replace('profile = "beginner"', 'profile = "sam.toml"')), CAT)
    assert plan.profile == "sam.toml"
    bad = write(tmp_path, 'base = "beginner"\n[lunge.front_knee_90.front_knee]\nband = [100, 80]\n', "bad.toml")
    with pytest.raises(ConfigError) as err:
        load_plan(write(tmp_path, GOOD.replace('profile = "beginner"', 'profile = "bad.toml"')), CAT)
    assert str(bad) in str(err.value)


START = date(2026, 12, 7)  # a Monday


def test_adherence_counts_days_done_against_planned_week_by_week_and_the_streak():
    # three days each of the first two weeks (plan: 3 a week), one in the third; today Monday of week 4
    done = [START + timedelta(days=d) for d in (0, 2, 4, 7, 8, 9, 15)]
    a = adherence(done, 3, START, START + timedelta(days=21))
    assert [(w.done_days, w.planned_days, w.met) for w in a.weeks] == [(3, 3, True), (3, 3, True), (1, 3, False),
                                                                       (0, 3, False)]
    assert a.done_days == 7 and a.planned_days == 9 and a.streak_weeks == 0  # week 3 is over and missed
    assert a.share == pytest.approx(7 / 9)
    # the same on Wednesday of week 3: the week is not over, so the streak stands
    mid = adherence(done, 3, START, START + timedelta(days=16))
    assert mid.streak_weeks == 2 and mid.weeks[-1].in_progress
    assert mid.planned_days == 3 + 3 + 1  # Wednesday: one day done, and 3 still fit in Thu-Sun
    # two sessions on one day are one day; days before the start do not count
    again = adherence(done + [START, START - timedelta(days=1)], 3, START, START + timedelta(days=21))
    assert again.done_days == 7


def test_adherence_of_a_plan_starting_mid_week_asks_only_for_the_days_left():
    thursday = START + timedelta(days=3)
    a = adherence([thursday, thursday + timedelta(days=1)], 5, thursday, thursday + timedelta(days=3))
    assert a.weeks[0].planned_days == 4 and a.weeks[0].starts == monday(thursday)
    assert a.share == pytest.approx(2 / 4)


def test_adherence_stops_at_the_plans_last_week():
    a = adherence([START], 2, START, START + timedelta(days=60), weeks=2)
    assert len(a.weeks) == 2 and a.planned_days == 4 and a.streak_weeks == 0
