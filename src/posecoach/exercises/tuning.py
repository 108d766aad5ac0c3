"""Thresholds as settings a physiotherapist can move: list them, apply new values, show how a
catalogue differs from its base profile, and write the difference as a profile TOML.

A threshold's ``key`` is ``exercise.check.measure.low|high`` for a band edge and
``exercise.hold_s`` for the hold target. Values carry the measure's unit: degrees, trunk
lengths and other ratios (``core.units``) or seconds.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace

from posecoach.core.checks import CheckSpec, Condition
from posecoach.core.units import is_ratio, unit_of
from posecoach.exercises.catalogue import PACING_KEYS, Catalogue, ExerciseSpec, Pacing

DEG_SPAN = 60.0  # a slider reaches this many degrees either side of the base value
DEG_LIMITS = (-180.0, 360.0)  # no angle of the contract lies outside these
HOLD_RANGE_S = (5.0, 300.0)


@dataclass(frozen=True)
class Threshold:
    """One slider: a band edge or a hold target, its base value, range and step."""

    key: str
    exercise: str
    check: str | None
    measure: str | None
    bound: str  # "low", "high" or "hold_s"
    value: float
    unit: str  # "deg", "trunk lengths" or "s"
    min_value: float
    max_value: float
    step: float
    label: str


def _range(measure: str, value: float) -> tuple[float, float, float]:
    """Slider range around the base value; it depends on the base only, so it stays put."""
    unit = unit_of(measure)
    if unit == "breaths a minute":
        return 0.0, max(40.0, 2.0 * abs(value)), 0.5  # breaths a minute: resting rates run 4 to 30
    if unit == "share":
        return 0.0, 1.0, 0.05
    if is_ratio(measure):
        return 0.0, round(max(0.5, 2.0 * abs(value)), 3), 0.005
    low = max(DEG_LIMITS[0], 5.0 * math.floor((value - DEG_SPAN) / 5.0))
    high = min(DEG_LIMITS[1], 5.0 * math.ceil((value + DEG_SPAN) / 5.0))
    return low, high, 1.0


def thresholds(spec: ExerciseSpec) -> list[Threshold]:
    """Every threshold of an exercise, in catalogue order, the hold target first."""
    out = [Threshold(f"{spec.id}.hold_s", spec.id, None, None, "hold_s", spec.hold_s, "s", *HOLD_RANGE_S, 5.0,
                     "hold target")]
    for check in spec.checks:
        for cond in check.conditions:
            for bound in ("low", "high"):
                value = getattr(cond, bound)
                if value is None:
                    continue
                lo, hi, step = _range(cond.measure, value)
                label = f"{check.id}: {cond.measure} {'at least' if bound == 'low' else 'at most'}"
                out.append(Threshold(f"{spec.id}.{check.id}.{cond.measure}.{bound}", spec.id, check.id, cond.measure,
                                     bound, value, unit_of(cond.measure), min(lo, value), max(hi, value), step, label))
    return out


def problems(catalogue: Catalogue, values: dict[str, float]) -> list[str]:
    """What is wrong with a set of values: a band whose low edge is above its high edge."""
    tuned = with_values(catalogue, values)
    out = []
    for spec in tuned.exercises.values():
        for check in spec.checks:
            for c in check.conditions:
                if c.low is not None and c.high is not None and c.low > c.high:
                    out.append(f"{spec.id} {check.id}: {c.measure} low {c.low:g} is above high {c.high:g}")
    return out


def with_values(catalogue: Catalogue, values: dict[str, float]) -> Catalogue:
    """The catalogue with some thresholds set (keys as in ``Threshold.key``); others unchanged."""
    if not values:
        return catalogue
    exercises = dict(catalogue.exercises)
    by_exercise: dict[str, dict[str, float]] = {}
    for key, value in values.items():
        eid, _, rest = key.partition(".")
        if eid not in exercises:
            raise KeyError(f"unknown exercise in {key!r}")
        by_exercise.setdefault(eid, {})[rest] = float(value)
    for eid, changes in by_exercise.items():
        spec = exercises[eid]
        if "hold_s" in changes:
            spec = replace(spec, hold_s=changes.pop("hold_s"))
        checks = []
        for check in spec.checks:
            conds = []
            for c in check.conditions:
                for bound in ("low", "high"):
                    k = f"{check.id}.{c.measure}.{bound}"
                    if k in changes:
                        c = replace(c, **{bound: changes.pop(k)})
                conds.append(c)
            checks.append(replace(check, conditions=tuple(conds)))
        if changes:
            raise KeyError(f"unknown thresholds of {eid}: {', '.join(sorted(changes))}")
        exercises[eid] = replace(spec, checks=tuple(checks))
    return replace(catalogue, exercises=exercises)


@dataclass(frozen=True)
class Difference:
    """One setting that differs from the base: ``path`` like ``front_knee_90.front_knee.band``."""

    exercise: str
    path: str
    base: object
    now: object


def _band(c: Condition) -> tuple[float | None, float | None]:
    return (c.low, c.high)


def _condition_diffs(eid: str, where: str, a: Condition, b: Condition) -> list[Difference]:
    out = []
    if _band(a) != _band(b):
        out.append(Difference(eid, f"{where}.band", _band(a), _band(b)))
    for name in ("margin", "cue_low", "cue_high"):
        if getattr(a, name) != getattr(b, name):
            out.append(Difference(eid, f"{where}.{name}", getattr(a, name), getattr(b, name)))
    return out


def _check_diffs(eid: str, a: CheckSpec, b: CheckSpec) -> list[Difference]:
    out = []
    if a.required != b.required:
        out.append(Difference(eid, f"{a.id}.required", a.required, b.required))
    for ca, cb in zip(a.conditions, b.conditions, strict=True):
        out.extend(_condition_diffs(eid, f"{a.id}.{ca.measure}", ca, cb))
    return out


def differences(base: Catalogue, tuned: Catalogue) -> list[Difference]:
    """Every setting of ``tuned`` that differs from ``base`` (the same catalogue, another profile)."""
    out = []
    for eid, a in base.exercises.items():
        b = tuned.exercises[eid]
        if a.hold_s != b.hold_s:
            out.append(Difference(eid, "hold_s", a.hold_s, b.hold_s))
        for ca, cb in zip(a.checks, b.checks, strict=True):
            out.extend(_check_diffs(eid, ca, cb))
    return out


def _toml_value(value: object) -> str:
    if value is None:
        return '"none"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{float(value):g}" if float(value).is_integer() else repr(float(value))
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string


def profile_toml(name: str, base_name: str, base: Catalogue, tuned: Catalogue, note: str = "") -> str:
    """A profile file holding exactly how ``tuned`` differs from the built-in ``base_name``.

    Single-condition checks take ``band`` / ``margin`` / cues directly; checks with several
    measures take them per measure, as ``apply_overrides`` expects.
    """
    lines = [f"# {note}" if note else "# Thresholds tuned in posecoach.", f"name = {_toml_value(name)}",
             f"base = {_toml_value(base_name)}"]
    lines += pacing_lines(base.pacing, tuned.pacing)
    by_exercise: dict[str, list[Difference]] = {}
    for d in differences(base, tuned):
        by_exercise.setdefault(d.exercise, []).append(d)
    for eid, diffs in by_exercise.items():
        lines += ["", f"[{eid}]"]
        for d in diffs:
            parts = d.path.split(".")
            if len(parts) == 1:  # hold_s
                lines.append(f"{parts[0]} = {_toml_value(d.now)}")
                continue
            check = base[eid].check(parts[0])
            if len(parts) == 2:  # required
                lines.append(f"{parts[0]}.{parts[1]} = {_toml_value(d.now)}")
            elif len(check.conditions) == 1:
                lines.append(f"{parts[0]}.{parts[2]} = {_toml_value(d.now)}")
            else:
                lines.append(f"{parts[0]}.{parts[1]}.{parts[2]} = {_toml_value(d.now)}")
    return "\n".join(lines) + "\n"


def pacing_lines(base: Pacing, tuned: Pacing) -> list[str]:
    """The profile file's top-level lines for the pacing guide where ``tuned`` differs from ``base``
    (seconds for the breaths in and out, true or false for the guide)."""
    return [f"{key} = {_toml_value(getattr(tuned, key))}" for key in PACING_KEYS
            if getattr(tuned, key) != getattr(base, key)]


def describe(d: Difference, unit: str = "") -> str:
    """One line for the page: ``lunge front_knee_90.front_knee.band: [80, 100] -> [85, 100] deg``."""

    def show(v: object) -> str:
        if isinstance(v, tuple):
            return "[" + ", ".join("none" if x is None else f"{x:g}" for x in v) + "]"
        return f"{v:g}" if isinstance(v, float) else str(v)

    return f"{d.exercise} {d.path}: {show(d.base)} → {show(d.now)}" + (f" {unit}" if unit else "")
