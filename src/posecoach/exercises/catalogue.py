"""Load the catalogue (TOML) into typed, frozen specs, apply a profile and user overrides.

Malformed files are rejected with a ``ConfigError`` naming the file, line and key. Only a
regular file of a sane size is read, nesting too deep for the parser and numbers out of any
sane range are refused the same way.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from posecoach.adapters import safe_read
from posecoach.core.breathing import BreathingParams
from posecoach.core.checks import CheckSpec, Condition
from posecoach.core.measures import BREATHING_MEASURES, IMAGE_MEASURES, LEG_RULES, MEASURES

VIEWS = ("side", "front", "back", "oblique")
SIDE_RULES = ("facing", *LEG_RULES)
MAX_NUMBER = 1e6  # no band, margin or hold of the contract comes near (degrees, trunk lengths, seconds)
MAX_HOLD_S = 86_400.0  # a day


class ConfigError(ValueError):
    """A catalogue, profile or routine file that cannot be used."""

    def __init__(self, path: str | Path, key: str, problem: str, line: int | None = None) -> None:
        where = f"{path}" + (f", line {line}" if line else "")
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")
        self.path, self.key, self.problem, self.line = str(path), key, problem, line


@dataclass(frozen=True)
class ExerciseSpec:
    """One catalogue entry: what to measure, how to judge it, how long to hold it."""

    id: str
    name: str
    seed: str
    view: str
    each_side: bool
    side_rule: str
    hold_s: float
    measures: tuple[str, ...]
    checks: tuple[CheckSpec, ...]
    front_leg_rule: str = "ahead"  # "ahead" in the facing direction, or "bent_knee"
    reps_check: str | None = None  # a check whose pass-then-fail counts one rep
    depth_measure: str | None = None  # the stretch's depth: this measure minus depth_zero, held with good form
    depth_zero: float = 0.0  # the measure's value at no depth (degrees)
    breathing: bool = False  # a rest position held for minutes: the breathing is measured (core/breathing.py)

    def check(self, check_id: str) -> CheckSpec:
        for c in self.checks:
            if c.id == check_id:
                return c
        raise KeyError(check_id)


# The breathing pacing guide of the rest positions (issue 18): how long each breath in and out
# lasts on the guide, and whether the Coach page shows it. The defaults are a slow, calm rhythm
# of 6 breaths a minute with a longer out-breath (4 s in, 6 s out), in the range slow-breathing
# guides use; a phase shorter than 1 s cannot be followed and one longer than 15 s is a held
# breath rather than a breath.
BREATH_PHASE_RANGE_S = (1.0, 15.0)  # seconds, the bounds of breathe_in_s and breathe_out_s
PACING_KEYS = ("breathe_in_s", "breathe_out_s", "pacing_guide")  # a profile's top-level keys for it


@dataclass(frozen=True)
class Pacing:
    """The pacing guide a profile sets: breathe in for ``breathe_in_s`` seconds, out for
    ``breathe_out_s`` seconds; ``pacing_guide`` shows the guide on the Coach page."""

    breathe_in_s: float = 4.0
    breathe_out_s: float = 6.0
    pacing_guide: bool = False

    @property
    def breaths_per_min(self) -> float:
        """The rhythm the guide paces, breaths a minute."""
        return 60.0 / (self.breathe_in_s + self.breathe_out_s)


@dataclass(frozen=True)
class Catalogue:
    exercises: dict[str, ExerciseSpec]
    profile: str
    pacing: Pacing = Pacing()  # the breathing pacing guide the profile sets
    breathing: BreathingParams = field(default_factory=BreathingParams)  # the breathing meter's settings

    def __getitem__(self, exercise_id: str) -> ExerciseSpec:
        return self.exercises[exercise_id]


def _line_of(text: str, key: str) -> int | None:
    """Best-effort line number of the first line mentioning ``key``."""
    last = key.split(".")[-1]
    for i, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(("#",)):
            continue
        starts = stripped.startswith((f"{last} ", f"{last}="))
        if starts or f"[{key}" in stripped or f".{last}]" in stripped or f'= "{last}"' in stripped:
            return i
    return None


class _Reader:
    """Typed access to parsed TOML that reports bad keys with file and line."""

    def __init__(self, path: str | Path, text: str) -> None:
        self.path, self.text = path, text

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, key, problem, _line_of(self.text, key))

    def get(self, table: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...], default: Any = ...,
            high: float = MAX_NUMBER) -> Any:
        """``table[key]`` of type ``kind``; a number comes back as a finite float of size ``high`` at most."""
        full = f"{where}.{key}" if where else key
        if key not in table:
            if default is ...:
                raise self.fail(full, "missing")
            return default
        value = table[key]
        if kind in (float, (int, float)) and isinstance(value, bool):
            raise self.fail(full, f"must be a number, not {value!r}")
        if not isinstance(value, kind):
            raise self.fail(full, f"must be {_kind_name(kind)}, not {type(value).__name__}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return self.number(value, full, high)
        return value

    def number(self, value: int | float, key: str, high: float = MAX_NUMBER) -> float:
        """A finite number of sane size as a float (a huge TOML integer is refused, not overflowed)."""
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(key, "must be a finite number")
        if abs(value) > high:
            raise self.fail(key, f"is too large (its size may be {high:g} at most)")
        return float(value)

    def bound(self, value: Any, key: str) -> float | None:
        if value == "none":
            return None
        finite = isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
        if isinstance(value, bool) or not finite:
            raise self.fail(key, f"band bounds must be numbers or \"none\", not {_shown(value)}")
        return self.number(value, key)

    def hold_s(self, table: dict[str, Any], where: str, default: Any = ...) -> float:
        """A hold target in seconds: positive, at most a day."""
        hold_s = self.get(table, "hold_s", where, (int, float), default, high=MAX_HOLD_S)
        if hold_s <= 0:
            raise self.fail(f"{where}.hold_s", "must be positive")
        return float(hold_s)

    def band(self, table: dict[str, Any], where: str) -> tuple[float | None, float | None]:
        raw = self.get(table, "band", where, list)
        if len(raw) != 2:
            raise self.fail(f"{where}.band", "must be [low, high]")
        low, high = self.bound(raw[0], f"{where}.band"), self.bound(raw[1], f"{where}.band")
        if low is not None and high is not None and low > high:
            raise self.fail(f"{where}.band", f"low {low} is above high {high}")
        return low, high


def read_pacing(r: _Reader, table: dict[str, Any], where: str, base: Pacing) -> Pacing:
    """The pacing keys of a profile table on top of ``base`` (seconds within BREATH_PHASE_RANGE_S)."""
    low, high = BREATH_PHASE_RANGE_S
    values: dict[str, Any] = {}
    for key in ("breathe_in_s", "breathe_out_s"):
        if key in table:
            seconds = r.get(table, key, where, (int, float))
            if not low <= seconds <= high:
                raise r.fail(f"{where}.{key}" if where else key,
                             f"must be between {low:g} and {high:g} seconds, not {seconds:g}")
            values[key] = seconds
    if "pacing_guide" in table:
        values["pacing_guide"] = r.get(table, "pacing_guide", where, bool)
    return replace(base, **values)


def _shown(value: Any) -> str:
    """A value as it goes in a one-line message: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false", list: "a list", dict: "a table",
             date: "a date (2026-12-07)"}
    if isinstance(kind, tuple) and set(kind) == {int, float}:
        return "a number"
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _condition(r: _Reader, raw: dict[str, Any], where: str) -> Condition:
    measure = r.get(raw, "measure", where, str)
    if measure not in MEASURES and measure not in IMAGE_MEASURES and measure not in BREATHING_MEASURES:
        raise r.fail(f"{where}.measure", f"unknown measure {measure!r}")
    low, high = r.band(raw, where)
    margin = r.get(raw, "margin", where, (int, float), 0.0)
    if margin < 0:
        raise r.fail(f"{where}.margin", "must not be negative")
    return Condition(
        measure=measure, low=low, high=high, margin=margin,
        cue_low=r.get(raw, "cue_low", where, str, ""), cue_high=r.get(raw, "cue_high", where, str, ""),
        optional=r.get(raw, "optional", where, bool, False),
    )


def _check(r: _Reader, raw: dict[str, Any], where: str, priority: int) -> CheckSpec:
    cid = r.get(raw, "id", where, str)
    where = f"{where}.{cid}"
    views = tuple(r.get(raw, "views", where, list))
    for v in views:
        if v not in VIEWS:
            raise r.fail(f"{where}.views", f"unknown view {v!r} (use {', '.join(VIEWS)})")
    conds = r.get(raw, "conditions", where, list)
    if not conds:
        raise r.fail(f"{where}.conditions", "needs at least one condition")
    return CheckSpec(
        id=cid,
        conditions=tuple(_condition(r, c, f"{where}.conditions") for c in conds),
        views=views,
        required=r.get(raw, "required", where, bool),
        priority=priority,
        why=r.get(raw, "why", where, str, ""),
    )


def _exercise(r: _Reader, eid: str, raw: dict[str, Any]) -> ExerciseSpec:
    where = f"exercises.{eid}"
    view = r.get(raw, "view", where, str)
    if view not in VIEWS and view != "any":
        raise r.fail(f"{where}.view", f"unknown view {view!r}")
    side_rule = r.get(raw, "side_rule", where, str, "facing")
    if side_rule not in SIDE_RULES:
        raise r.fail(f"{where}.side_rule", f"unknown rule {side_rule!r} (use {', '.join(SIDE_RULES)})")
    hold_s = r.hold_s(raw, where)
    checks = tuple(_check(r, c, f"{where}.checks", i) for i, c in enumerate(r.get(raw, "checks", where, list, [])))
    front_rule = r.get(raw, "front_leg_rule", where, str, "ahead")
    if front_rule not in ("ahead", "bent_knee"):
        raise r.fail(f"{where}.front_leg_rule", f"unknown rule {front_rule!r} (use ahead or bent_knee)")
    reps_check = r.get(raw, "reps_check", where, str, None)
    if reps_check is not None and reps_check not in [c.id for c in checks]:
        raise r.fail(f"{where}.reps_check", f"no check {reps_check!r} in {eid}")
    measures = tuple(r.get(raw, "measures", where, list))
    for m in measures:
        if m not in MEASURES and m not in IMAGE_MEASURES and m not in BREATHING_MEASURES:
            raise r.fail(f"{where}.measures", f"unknown measure {m!r}")
    depth_measure = r.get(raw, "depth_measure", where, str, None)
    if depth_measure is not None and depth_measure not in measures:
        raise r.fail(f"{where}.depth_measure", f"{depth_measure!r} is not one of {eid}'s measures")
    depth_zero = r.get(raw, "depth_zero", where, (int, float), 0.0)
    return ExerciseSpec(
        id=eid, name=r.get(raw, "name", where, str), seed=r.get(raw, "seed", where, str, ""),
        view=view, each_side=r.get(raw, "each_side", where, bool), side_rule=side_rule, hold_s=hold_s,
        measures=measures, checks=checks, front_leg_rule=front_rule, reps_check=reps_check,
        depth_measure=depth_measure, depth_zero=float(depth_zero),
        breathing=r.get(raw, "breathing", where, bool, False),
    )


def parse_toml(path: str | Path, text: str) -> dict[str, Any]:
    """Parse TOML, turning syntax errors, nesting too deep to parse and integers of thousands
    of digits into a ConfigError (with the line where the parser gives one)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "", f"not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(path, "", safe_read.NESTED_TOO_DEEPLY) from None
    except ValueError as exc:  # int() refuses a literal of thousands of digits
        problem = "a number has too many digits" if "digits" in str(exc) else str(exc)
        raise ConfigError(path, "", f"not valid TOML ({problem})") from None


def read_text(path: str | Path) -> str:
    """A profile, routine or catalogue file: a regular UTF-8 file of at most MAX_CONFIG_BYTES."""
    try:
        return safe_read.read_text(path, safe_read.MAX_CONFIG_BYTES)
    except safe_read.UnreadableFile as exc:
        problem = "is a directory, not a TOML file" if exc.problem.startswith("is a directory") else exc.problem
        raise ConfigError(path, "", problem) from None


def _builtin_text(name: str) -> tuple[str, str]:
    res = resources.files("posecoach.exercises").joinpath(name)
    return str(res), res.read_text(encoding="utf-8")


def load_base(path: str | Path | None = None) -> dict[str, ExerciseSpec]:
    """The catalogue's exercises with their default (beginner) thresholds."""
    where, text = _builtin_text("catalogue.toml") if path is None else (str(path), read_text(path))
    data = parse_toml(where, text)
    r = _Reader(where, text)
    if data.get("schema") != 1:
        raise r.fail("schema", f"unsupported schema {data.get('schema')!r} (expected 1)")
    exercises = r.get(data, "exercises", "", dict)
    return {eid: _exercise(r, eid, raw) for eid, raw in exercises.items()}


def apply_overrides(
    exercises: dict[str, ExerciseSpec], overrides: dict[str, Any], r: _Reader
) -> dict[str, ExerciseSpec]:
    """Apply a profile's per-exercise overrides.

    ``overrides[exercise]`` may set ``hold_s`` and, per check id, ``band`` / ``margin`` /
    ``required`` (single-condition checks) or per measure of a multi-condition check.
    """
    out = dict(exercises)
    for eid, table in overrides.items():
        if eid not in out:
            raise r.fail(eid, f"unknown exercise {eid!r}")
        if not isinstance(table, dict):
            raise r.fail(eid, "must be a table")
        spec = out[eid]
        if "hold_s" in table:
            spec = replace(spec, hold_s=r.hold_s(table, eid))
        checks = list(spec.checks)
        for key, value in table.items():
            if key == "hold_s":
                continue
            ids = [c.id for c in checks]
            if key not in ids:
                raise r.fail(f"{eid}.{key}", f"unknown check {key!r} of {eid} (checks: {', '.join(ids)})")
            if not isinstance(value, dict):
                raise r.fail(f"{eid}.{key}", "must be a table")
            i = ids.index(key)
            checks[i] = _override_check(checks[i], value, f"{eid}.{key}", r)
        out[eid] = replace(spec, checks=tuple(checks))
    return out


def _override_check(check: CheckSpec, table: dict[str, Any], where: str, r: _Reader) -> CheckSpec:
    conds = list(check.conditions)
    if "required" in table:
        check = replace(check, required=r.get(table, "required", where, bool))
    for key, value in table.items():
        if key == "required":
            continue
        if key in ("band", "margin", "cue_low", "cue_high"):
            if len(conds) != 1:
                names = ", ".join(c.measure for c in conds)
                raise r.fail(f"{where}.{key}", f"check has several measures: set it per measure ({names})")
            band_keys = {k: v for k, v in table.items() if k != "required"}
            conds[0] = _override_condition(conds[0], band_keys, where, r)
            continue
        measures = [c.measure for c in conds]
        if key not in measures:
            raise r.fail(f"{where}.{key}", f"unknown key {key!r} (use band, margin, required or one of {', '.join(measures)})")
        if not isinstance(value, dict):
            raise r.fail(f"{where}.{key}", "must be a table")
        j = measures.index(key)
        conds[j] = _override_condition(conds[j], value, f"{where}.{key}", r)
    return replace(check, conditions=tuple(conds))


def _override_condition(c: Condition, table: dict[str, Any], where: str, r: _Reader) -> Condition:
    for key in table:
        if key not in ("band", "margin", "cue_low", "cue_high"):
            raise r.fail(f"{where}.{key}", f"unknown key {key!r} (use band, margin, cue_low or cue_high)")
    for key in ("cue_low", "cue_high"):
        if key in table:
            c = replace(c, **{key: r.get(table, key, where, str)})
    if "band" in table:
        low, high = r.band(table, where)
        c = replace(c, low=low, high=high)
    if "margin" in table:
        margin = r.get(table, "margin", where, (int, float))
        if margin < 0:
            raise r.fail(f"{where}.margin", "must not be negative")
        c = replace(c, margin=margin)
    return c


BUILTIN_PROFILES = ("beginner", "advanced")


def load_catalogue(profile: str | Path | None = None) -> Catalogue:
    """The catalogue with a built-in profile (``beginner``/``advanced``) or a profile file.

    A profile file is TOML: optional ``base = "beginner"|"advanced"``, ``name``, and
    per-exercise tables of overrides (see ``apply_overrides``).
    """
    exercises = load_base()
    name = "beginner" if profile is None else str(profile)
    where, text = _builtin_text("profiles.toml")
    builtin = parse_toml(where, text)
    rb = _Reader(where, text)
    if name in BUILTIN_PROFILES:
        table = builtin.get(name, {})
        pacing = read_pacing(rb, table, name, Pacing())
        return Catalogue(apply_overrides(exercises, _without_pacing(table), rb), name, pacing)
    path = Path(name)
    if path.suffix != ".toml" and not path.exists():
        raise ConfigError(path, "", f"unknown profile (use {', '.join(BUILTIN_PROFILES)} or a .toml file)")
    text = read_text(path)
    data = parse_toml(path, text)
    r = _Reader(path, text)
    base = r.get(data, "base", "", str, "beginner")
    if base not in BUILTIN_PROFILES:
        raise r.fail("base", f"unknown base profile {base!r} (use {', '.join(BUILTIN_PROFILES)})")
    table = builtin.get(base, {})
    exercises = apply_overrides(exercises, _without_pacing(table), rb)
    pacing = read_pacing(r, data, "", read_pacing(rb, table, base, Pacing()))
    overrides = {k: v for k, v in _without_pacing(data).items() if k not in ("base", "name", "schema")}
    label = r.get(data, "name", "", str, path.stem)
    return Catalogue(apply_overrides(exercises, overrides, r), label, pacing)


def _without_pacing(table: dict[str, Any]) -> dict[str, Any]:
    """A profile table without its pacing keys (the rest are per-exercise overrides)."""
    return {k: v for k, v in table.items() if k not in PACING_KEYS}


def load_routine(name: str | Path, catalogue: Catalogue | None = None):
    """A built-in routine by id (``seeds``, ``quick``) or a routine TOML file.

    A file holds ``name`` and ``steps = [{exercise, hold_s, sides}]`` (or ``[routines.ID]``
    tables as the built-in file does, the first one being used).
    """
    from posecoach.core.routine import Routine, RoutineStep

    catalogue = catalogue or load_catalogue()
    where, text = _builtin_text("routines.toml")
    builtin = parse_toml(where, text)
    r = _Reader(where, text)
    if str(name) in builtin.get("routines", {}):
        rid, raw = str(name), builtin["routines"][str(name)]
    else:
        path = Path(name)
        if path.suffix != ".toml" and not path.exists():
            ids = ", ".join(builtin.get("routines", {}))
            raise ConfigError(path, "", f"unknown routine (use {ids} or a .toml file)")
        text = read_text(path)
        data = parse_toml(path, text)
        r = _Reader(path, text)
        tables = data.get("routines")
        rid, raw = (next(iter(tables.items())) if isinstance(tables, dict) and tables else (path.stem, data))
    steps = []
    for i, step in enumerate(r.get(raw, "steps", rid, list)):
        where = f"{rid}.steps[{i}]"
        if not isinstance(step, dict):
            raise r.fail(where, "must be a table {exercise, hold_s, sides}")
        ex = r.get(step, "exercise", where, str)
        if ex not in catalogue.exercises:
            raise r.fail(f"{where}.exercise", f"unknown exercise {ex!r}")
        hold_s = r.hold_s(step, where, catalogue[ex].hold_s)
        default_sides = ["left", "right"] if catalogue[ex].each_side else []
        sides = tuple(r.get(step, "sides", where, list, default_sides))
        for s in sides:
            if s not in ("left", "right"):
                raise r.fail(f"{where}.sides", f"unknown side {s!r} (use left, right)")
        steps.append(RoutineStep(ex, hold_s, sides))
    if not steps:
        raise r.fail(f"{rid}.steps", "needs at least one step")
    return Routine(rid, r.get(raw, "name", rid, str, rid), tuple(steps))


def with_routine_targets(catalogue: Catalogue, routine) -> Catalogue:
    """The catalogue with each routine exercise's hold target set to the routine's."""
    exercises = dict(catalogue.exercises)
    for step in routine.steps:
        exercises[step.exercise] = replace(exercises[step.exercise], hold_s=step.hold_s)
    return replace(catalogue, exercises=exercises)
