"""A physiotherapist's plan for one person, in one TOML file they can hand over.

A plan names the steps (catalogue exercises with their hold, sets, rest and sides), how many
days a week, which thresholds profile, and the targets the person's measurements are drawn
against. It is validated like a profile: a malformed file is refused with a ``ConfigError``
naming the file, line and key. Example (the keys this module reads)::

    schema = 1
    name = "Hip flexors, weeks 1-4"
    person = "Sam"                 # optional
    profile = "beginner"           # beginner, advanced, or a profile .toml (beside this file)
    days_per_week = 4
    starts = 2026-12-07            # optional: a TOML date (default: the day it is imported)
    weeks = 4                      # optional

    [[steps]]
    exercise = "knee_to_chest"
    hold_s = 60
    sets = 2                       # default 1
    rest_s = 30                    # default 0: seconds between sets
    sides = ["left", "right"]      # default: both for an exercise done per side

    [targets]                      # optional, each in its unit
    stretch_depth_deg = 15         # the kneeling stretch's back-hip extension, each side
    thomas_hip_deg = 0             # Thomas test: the hanging thigh at least this far below the surface
    thomas_knee_deg = 80           # Thomas test: the hanging knee bent at least this far
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from posecoach.core.routine import Routine, RoutineStep
from posecoach.exercises.catalogue import (
    BUILTIN_PROFILES,
    Catalogue,
    ConfigError,
    _Reader,
    load_catalogue,
    parse_toml,
    read_text,
)

SCHEMA = 1
MAX_SETS = 20
MAX_REST_S = 3600.0
MAX_WEEKS = 520
# Targets a plan may set, with their units and what they are drawn against.
TARGETS: dict[str, str] = {
    "stretch_depth_deg": "degrees of back-hip extension in the kneeling stretch, each side",
    "thomas_hip_deg": "degrees the hanging thigh lies below the surface line in the Thomas test",
    "thomas_knee_deg": "degrees of knee bend of the hanging leg in the Thomas test (180 minus the knee angle)",
}
PLAN_KEYS = frozenset({"schema", "name", "person", "profile", "days_per_week", "starts", "weeks", "steps", "targets"})
STEP_KEYS = frozenset({"exercise", "hold_s", "sets", "rest_s", "sides"})


@dataclass(frozen=True)
class PlanStep:
    exercise: str
    hold_s: float  # seconds of good form per set (and per side)
    sets: int = 1
    rest_s: float = 0.0  # seconds between sets
    sides: tuple[str, ...] = ()  # () when the exercise is not done per side


@dataclass(frozen=True)
class Plan:
    name: str
    profile: str  # a profile id, or the path of a profile file
    days_per_week: int
    steps: tuple[PlanStep, ...]
    person: str | None = None
    starts: date | None = None
    weeks: int | None = None
    targets: dict[str, float] = field(default_factory=dict)

    def routine(self) -> Routine:
        """The steps as a routine the coach follows: each set is a step of its own."""
        steps = tuple(RoutineStep(s.exercise, s.hold_s, s.sides) for s in self.steps for _ in range(s.sets))
        return Routine(f"plan:{self.name}", self.name, steps)

    @property
    def exercises(self) -> frozenset[str]:
        return frozenset(s.exercise for s in self.steps)


def load_plan(path: str | Path, catalogue: Catalogue | None = None) -> Plan:
    """Read and validate a plan file; ``ConfigError`` (file, line, key) when it cannot be used."""
    catalogue = catalogue or load_catalogue()
    text = read_text(path)
    return parse_plan(path, text, catalogue)


def parse_plan(path: str | Path, text: str, catalogue: Catalogue) -> Plan:
    data = parse_toml(path, text)
    r = _Reader(path, text)
    for key in data:
        if key not in PLAN_KEYS:
            raise r.fail(key, f"unknown key (a plan has {', '.join(sorted(PLAN_KEYS))})")
    schema = r.get(data, "schema", "", int, SCHEMA)
    if schema != SCHEMA:
        raise r.fail("schema", f"version {schema:g} is not supported (this posecoach reads version {SCHEMA})")
    name = r.get(data, "name", "", str).strip()
    if not name:
        raise r.fail("name", "must not be empty")
    person = r.get(data, "person", "", str, None)
    profile = r.get(data, "profile", "", str, "beginner")
    _check_profile(r, profile, Path(path))
    days = r.get(data, "days_per_week", "", int)
    if days != int(days) or not 1 <= days <= 7:
        raise r.fail("days_per_week", f"must be a whole number from 1 to 7, not {days:g}")
    starts = r.get(data, "starts", "", date, None)
    weeks = r.get(data, "weeks", "", int, None, high=MAX_WEEKS)
    if weeks is not None and weeks < 1:
        raise r.fail("weeks", "must be at least 1")
    raw_steps = r.get(data, "steps", "", list)
    steps = tuple(_step(r, i, raw, catalogue) for i, raw in enumerate(raw_steps))
    if not steps:
        raise r.fail("steps", "needs at least one step")
    raw_targets = r.get(data, "targets", "", dict, {})
    targets: dict[str, float] = {}
    for key in raw_targets:
        if key not in TARGETS:
            raise r.fail(f"targets.{key}", f"unknown target (use {', '.join(TARGETS)})")
        targets[key] = r.get(raw_targets, key, "targets", (int, float), high=180.0)
    return Plan(name, profile, int(days), steps, person, starts, None if weeks is None else int(weeks), targets)


def _step(r: _Reader, i: int, raw, catalogue: Catalogue) -> PlanStep:
    where = f"steps[{i}]"
    if not isinstance(raw, dict):
        raise r.fail("steps", f"step {i + 1} must be a table with exercise and hold_s")
    for key in raw:
        if key not in STEP_KEYS:
            raise r.fail(f"{where}.{key}", f"unknown key (a step has {', '.join(sorted(STEP_KEYS))})")
    exercise = r.get(raw, "exercise", where, str)
    if exercise not in catalogue.exercises:
        raise r.fail(f"{where}.exercise", f"unknown exercise {exercise!r} (use {', '.join(sorted(catalogue.exercises))})")
    spec = catalogue[exercise]
    hold_s = r.hold_s(raw, where, spec.hold_s)
    sets = r.get(raw, "sets", where, int, 1, high=MAX_SETS)
    if sets < 1:
        raise r.fail(f"{where}.sets", "must be at least 1")
    rest_s = r.get(raw, "rest_s", where, (int, float), 0.0, high=MAX_REST_S)
    if rest_s < 0:
        raise r.fail(f"{where}.rest_s", "must not be negative")
    default_sides = ["left", "right"] if spec.each_side else []
    sides = r.get(raw, "sides", where, list, default_sides)
    for s in sides:
        if s not in ("left", "right"):
            raise r.fail(f"{where}.sides", f"unknown side {s!r} (use left, right)")
    if sides and not spec.each_side:
        raise r.fail(f"{where}.sides", f"{exercise} is not done per side")
    return PlanStep(exercise, float(hold_s), int(sets), float(rest_s), tuple(sides))


def _check_profile(r: _Reader, profile: str, plan_path: Path) -> None:
    """A built-in profile id, or a valid profile file (relative to the plan's folder): a bad
    profile file is refused with its own file, line and key."""
    if profile in BUILTIN_PROFILES:
        return
    candidate = Path(profile) if Path(profile).is_absolute() else plan_path.parent / profile
    if candidate.suffix != ".toml":
        raise r.fail("profile", f"unknown profile {profile!r} (use {', '.join(BUILTIN_PROFILES)} or a profile .toml file)")
    if not candidate.is_file():
        raise r.fail("profile", f"no profile file {candidate}")
    load_catalogue(candidate)


def profile_path(plan: Plan, plan_path: str | Path) -> str:
    """The plan's profile as ``load_catalogue`` takes it: an id, or the file's full path."""
    if plan.profile in BUILTIN_PROFILES or Path(plan.profile).is_absolute():
        return plan.profile
    return str(Path(plan_path).parent / plan.profile)


__all__ = ["TARGETS", "ConfigError", "Plan", "PlanStep", "load_plan", "parse_plan", "profile_path"]
