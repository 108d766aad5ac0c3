"""Thresholds as settings: every band edge has a slider, moved values change only that edge,
and the profile written from them loads back to exactly the tuned catalogue."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posecoach.exercises.catalogue import ConfigError, load_catalogue
from posecoach.exercises.tuning import describe, differences, problems, profile_toml, thresholds, with_values

BEGINNER = load_catalogue("beginner")
ADVANCED = load_catalogue("advanced")


def test_every_band_edge_and_the_hold_target_has_a_slider_around_its_value():
    for spec in BEGINNER.exercises.values():
        items = thresholds(spec)
        assert items[0].key == f"{spec.id}.hold_s" and items[0].value == spec.hold_s
        edges = [(c.id, cond.measure, b) for c in spec.checks for cond in c.conditions for b in ("low", "high")
                 if getattr(cond, b) is not None]
        assert [(t.check, t.measure, t.bound) for t in items[1:]] == edges
        assert len({t.key for t in items}) == len(items)
        for t in items:
            assert t.min_value <= t.value <= t.max_value and t.step > 0
            assert t.unit in ("deg", "trunk lengths", "front-knee heights", "s", "breaths a minute", "share")
    curve = next(t for t in thresholds(BEGINNER["edge_hang"]) if t.measure == "lumbar_curve")
    assert curve.unit == "trunk lengths" and curve.step < 0.01


def test_a_moved_value_changes_that_edge_only():
    tuned = with_values(BEGINNER, {"lunge.front_knee_90.front_knee.low": 85, "lunge.hold_s": 45})
    assert tuned["lunge"].hold_s == 45
    assert tuned["lunge"].check("front_knee_90").conditions[0].low == 85
    assert tuned["lunge"].check("front_knee_90").conditions[0].high == 100
    rest = [d.path for d in differences(BEGINNER, tuned)]
    assert rest == ["hold_s", "front_knee_90.front_knee.band"]
    assert with_values(BEGINNER, {}) is BEGINNER
    with pytest.raises(KeyError):
        with_values(BEGINNER, {"lunge.front_knee_90.elbow.low": 3})
    with pytest.raises(KeyError):
        with_values(BEGINNER, {"no_such.hold_s": 3})


def test_a_band_turned_inside_out_is_named():
    wrong = problems(BEGINNER, {"lunge.front_knee_90.front_knee.low": 120})
    assert wrong == ["lunge front_knee_90: front_knee low 120 is above high 100"]
    assert problems(BEGINNER, {"lunge.front_knee_90.front_knee.low": 95}) == []


def test_differences_from_the_beginner_default_of_the_advanced_profile_are_listed():
    diffs = differences(BEGINNER, ADVANCED)
    assert {(d.exercise, d.path) for d in diffs} >= {("cobra", "elbow_bend.elbow.band"),
                                                   ("edge_hang", "thigh_below_surface.hang_hip.band")}
    assert "cobra elbow_bend.elbow.band:" in describe(next(d for d in diffs if d.exercise == "cobra"))
    assert differences(ADVANCED, ADVANCED) == []


def _round_trip(tmp_path, base_name, tuned):
    path = tmp_path / "tuned.toml"
    path.write_text(profile_toml("Sam's \"gentle\" ünïcode", base_name, load_catalogue(base_name), tuned), encoding="utf-8")
    return load_catalogue(path)


def test_a_saved_profile_loads_back_to_the_tuned_catalogue_with_cues_and_required_flags(tmp_path):
    tuned = with_values(ADVANCED, {"lunge.no_lumbar_arch.trunk_lean.low": -14, "lunge.no_lumbar_arch.kneeling_back_hip.high": 205,
                                   "cobra.hold_s": 25, "pigeon.hips_square.hip_level.high": 12})
    spec = tuned["lunge"]
    check = spec.check("back_knee_down")
    cond = replace(check.conditions[0], cue_high='Say "knee down" — gently\\now', margin=7)
    spec = replace(spec, checks=tuple(replace(c, conditions=(cond,), required=True) if c.id == check.id else c
                                      for c in spec.checks))
    tuned = replace(tuned, exercises={**tuned.exercises, "lunge": spec})
    loaded = _round_trip(tmp_path, "advanced", tuned)
    assert loaded.exercises == tuned.exercises
    assert loaded.profile == "Sam's \"gentle\" ünïcode"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_tuned_values_round_trip_through_the_profile_file(tmp_path, data):
    exercise = data.draw(st.sampled_from(sorted(BEGINNER.exercises)))
    items = thresholds(BEGINNER[exercise])
    chosen = data.draw(st.lists(st.sampled_from(items), unique_by=lambda t: t.key, max_size=len(items)))
    values = {t.key: data.draw(st.floats(t.min_value, t.max_value, allow_nan=False).map(lambda v, s=t.step: round(v / s) * s))
              for t in chosen}
    values = {k: (max(v, 5.0) if k.endswith("hold_s") else v) for k, v in values.items()}
    tuned = with_values(BEGINNER, values)
    if problems(BEGINNER, values):
        with pytest.raises(ConfigError, match="is above high"):
            _round_trip(tmp_path, "beginner", tuned)
        return
    assert _round_trip(tmp_path, "beginner", tuned).exercises == tuned.exercises
