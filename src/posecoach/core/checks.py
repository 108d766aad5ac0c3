"""Checks: bands on measures, judged pass / fail / unknown with hysteresis.

A check passes when every condition's measure lies inside its band, fails when a
known measure lies outside the band widened by its margin, and otherwise keeps its
previous verdict (hysteresis), so a value hovering at a threshold does not flicker. With
no history (a single image, the first frame, or after an unknown) the plain band decides.
Verdicts are int8 arrays over frames: 1 pass, 0 fail, -1 unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PASS, FAIL, UNKNOWN = 1, 0, -1
VERDICT_NAMES = {PASS: "pass", FAIL: "fail", UNKNOWN: "unknown"}


@dataclass(frozen=True)
class Condition:
    """One measure held inside ``[low, high]`` (either bound may be None).

    ``margin`` widens the band for leaving a pass (same unit as the measure).
    ``optional``: an unknown value does not make the check unknown (a supporting signal).
    ``cue_low`` / ``cue_high``: what to say when the value is below / above the band.
    """

    measure: str
    low: float | None
    high: float | None
    margin: float
    cue_low: str = ""
    cue_high: str = ""
    optional: bool = False


@dataclass(frozen=True)
class CheckSpec:
    """A form check of one exercise.

    ``views``: the camera views that can show it ("side", "front", "back"). ``required``:
    the hold only counts while it passes. ``priority``: lower is said first.
    """

    id: str
    conditions: tuple[Condition, ...]
    views: tuple[str, ...]
    required: bool
    priority: int
    why: str


def _bounds(c: Condition, widen: float) -> tuple[float, float]:
    low = -np.inf if c.low is None else c.low - widen
    high = np.inf if c.high is None else c.high + widen
    return low, high


def judge_now(spec: CheckSpec, measures: dict[str, np.ndarray], view_ok: np.ndarray):
    """Per-frame evidence: (plain_pass, wide_fail, unknown) boolean arrays over frames."""
    n = len(view_ok)
    all_known = np.ones(n, bool)
    any_known = np.zeros(n, bool)
    plain = np.ones(n, bool)
    wide_fail = np.zeros(n, bool)
    for c in spec.conditions:
        v = measures.get(c.measure)
        v = np.full(n, np.nan) if v is None else v
        known = ~np.isnan(v)
        lo, hi = _bounds(c, 0.0)
        wlo, whi = _bounds(c, c.margin)
        with np.errstate(invalid="ignore"):
            inside = (v >= lo) & (v <= hi)
            outside_wide = known & ((v < wlo) | (v > whi))
        any_known |= known
        if not c.optional:
            all_known &= known
        plain &= inside | (~known & c.optional)
        wide_fail |= outside_wide
    judged = all_known & any_known  # a check of optional measures only needs one of them
    plain &= judged & view_ok
    wide_fail &= view_ok
    unknown = ~view_ok | (~judged & ~wide_fail)
    return plain, wide_fail, unknown


def hysteresis(plain_pass: np.ndarray, wide_fail: np.ndarray, unknown: np.ndarray, prev: int = UNKNOWN) -> np.ndarray:
    """Verdicts over frames given per-frame evidence and the verdict before the first frame."""
    n = len(plain_pass)
    state = np.full(n + 1, -2, dtype=np.int8)
    state[0] = prev
    body = state[1:]
    body[unknown] = UNKNOWN
    body[plain_pass & ~unknown] = PASS
    body[wide_fail & ~unknown & ~plain_pass] = FAIL
    idx = np.where(state != -2, np.arange(n + 1), 0)
    np.maximum.accumulate(idx, out=idx)
    filled = state[idx]
    undecided = state == -2
    # In between the bands with no history: the plain band decides, and it was not inside.
    filled = np.where(undecided & (filled == UNKNOWN), FAIL, filled)
    return filled[1:].astype(np.int8)


def failing_cue(spec: CheckSpec, measures: dict[str, float]) -> str:
    """The cue for one frame's measures: the first condition outside its band says which way."""
    for c in spec.conditions:
        v = measures.get(c.measure)
        if v is None or np.isnan(v):
            continue
        lo, hi = _bounds(c, 0.0)
        if v < lo and c.cue_low:
            return c.cue_low
        if v > hi and c.cue_high:
            return c.cue_high
    for c in spec.conditions:
        if c.cue_low or c.cue_high:
            return c.cue_low or c.cue_high
    return ""


def judge_one(spec: CheckSpec, measures: dict[str, float], view: str | None, prev: int = UNKNOWN) -> int:
    """The verdict of one frame, given the verdict before it: ``evaluate`` for a single frame,
    in plain Python because the live coach calls it for every check on every frame."""
    if view not in spec.views:
        return UNKNOWN
    all_known, any_known, plain, wide_fail = True, False, True, False
    for c in spec.conditions:
        v = measures.get(c.measure)
        known = v is not None and v == v  # not NaN
        if known:
            any_known = True
            lo = -math.inf if c.low is None else c.low
            hi = math.inf if c.high is None else c.high
            plain = plain and lo <= v <= hi
            wide_fail = wide_fail or v < lo - c.margin or v > hi + c.margin
        elif not c.optional:
            all_known = False
    judged = all_known and any_known
    if judged and plain:
        return PASS
    if wide_fail:
        return FAIL
    if not judged:
        return UNKNOWN
    return FAIL if prev == UNKNOWN else prev


def evaluate(
    spec: CheckSpec, measures: dict[str, np.ndarray], views: np.ndarray, prev: int = UNKNOWN
) -> np.ndarray:
    """Verdicts of one check over frames. ``views`` holds view names (or None) per frame."""
    view_ok = np.isin(views, list(spec.views))
    plain, wide, unknown = judge_now(spec, measures, view_ok)
    return hysteresis(plain, wide, unknown, prev)
