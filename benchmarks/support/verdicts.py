"""Two reports of the same recording compared: verdicts in force at each frame, hold times, rep
counts and faults (``posecoach bench rate`` and ``bench speed`` compare the default review with
the exact one by these)."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    """One clip at one rate against its full-rate run."""

    frames: int  # full-rate frames
    analysed: int  # frames the adaptive rate analysed
    checks: int  # (frame, check) pairs compared
    checks_same: int
    exercise_same: int  # frames whose recognised exercise is the same
    hold_diff_s: float  # sum over (exercise, side) of |good-form seconds difference|


def compare(full: dict, other: dict) -> Comparison:
    """``other``'s verdicts in force at each of ``full``'s frames, and the hold times."""
    times = [f["t_ms"] for f in other["frames"]]
    checks = same = exercise_same = 0
    for f in full["frames"]:
        g = other["frames"][max(0, bisect.bisect_right(times, f["t_ms"]) - 1)]
        exercise_same += g["exercise"] == f["exercise"]
        for cid, verdict in f["checks"].items():
            checks += 1
            same += g["checks"].get(cid) == verdict
    return Comparison(len(full["frames"]), len(other["frames"]), checks, same, exercise_same, hold_difference_s(full, other))


FAULT_MIN_MS = 1000.0  # a fault the exact review holds this long must be found by the default


@dataclass(frozen=True)
class Agreement:
    """The default review of one clip against its exact review."""

    frames: int  # frames of the exact review
    analysed: int  # frames the default analysed
    checks: int  # (frame, check) pairs compared
    checks_same: int
    hold_diff_max_s: float  # the largest |good-form seconds difference| of one hold (set)
    reps_exact: int
    reps_default: int
    faults: int  # faults (check, stretch of fail) lasting FAULT_MIN_MS or more in the exact review
    faults_found: int  # ... of which the default says fail for that check somewhere in the stretch
    total_diff_max_s: float = 0.0  # the largest difference of the session's total per (exercise, side)

    @property
    def verdicts_same(self) -> float:
        return self.checks_same / max(1, self.checks)


def fault_runs(report: dict, min_ms: float = FAULT_MIN_MS) -> list[tuple[str, float, float]]:
    """(check, start ms, end ms) of each stretch of consecutive frames failing a check, lasting
    ``min_ms`` or more (the end is the last failing frame's time plus one frame)."""
    frame_ms = 1000.0 / (report.get("fps") or 30.0)
    runs: list[tuple[str, float, float]] = []
    open_at: dict[str, float] = {}
    last_t: dict[str, float] = {}
    for f in report["frames"]:
        for cid, verdict in f["checks"].items():
            if verdict == "fail":
                open_at.setdefault(cid, f["t_ms"])
                last_t[cid] = f["t_ms"]
        for cid in [c for c in open_at if f["checks"].get(c) != "fail"]:
            runs.append((cid, open_at.pop(cid), last_t[cid] + frame_ms))
    runs += [(cid, start, last_t[cid] + frame_ms) for cid, start in open_at.items()]
    return sorted(r for r in runs if r[2] - r[1] >= min_ms)


def agreement(exact: dict, default: dict) -> Agreement:
    """``default``'s verdicts in force at each of ``exact``'s frames, holds, reps and faults."""
    c = compare(exact, default)
    fails: dict[str, list[float]] = defaultdict(list)
    for f in default["frames"]:
        for cid, verdict in f["checks"].items():
            if verdict == "fail":
                fails[cid].append(f["t_ms"])
    runs = fault_runs(exact)
    found = 0
    for cid, start, end in runs:
        times = fails.get(cid, [])
        k = bisect.bisect_left(times, start)
        found += k < len(times) and times[k] < end
    reps = [sum(h.get("reps", 0) for h in rep["summary"]["holds"]) for rep in (exact, default)]
    analysed = default.get("analysis", {}).get("frames_analysed", len(default["frames"]))
    return Agreement(c.frames, analysed, c.checks, c.checks_same, hold_set_difference_max_s(exact, default),
                     reps[0], reps[1], len(runs), found, hold_difference_max_s(exact, default))


def hold_set_difference_max_s(exact: dict, other: dict) -> float:
    """The largest difference in good-form seconds of one hold: each of ``exact``'s sets with
    good-form time against ``other``'s sets of the same exercise and side that overlap it in
    time (a set the other review cut in two is summed)."""
    worst = 0.0
    for h in exact["summary"]["holds"]:
        if h["good_form_s"] <= 0:
            continue
        same = [g for g in other["summary"]["holds"] if (g["exercise"], g["side"]) == (h["exercise"], h["side"])
                and g["start_ms"] < h["end_ms"] and h["start_ms"] < g["end_ms"]]
        worst = max(worst, abs(h["good_form_s"] - sum(g["good_form_s"] for g in same)))
    return worst


def _total_differences(a: dict, b: dict) -> list[float]:
    """Per (exercise, side) in either report, the difference in summed good-form seconds."""
    totals: list[dict] = []
    for rep in (a, b):
        t: dict = defaultdict(float)
        for h in rep["summary"]["holds"]:
            t[(h["exercise"], h["side"])] += h["good_form_s"]
        totals.append(t)
    return [abs(totals[0][k] - totals[1][k]) for k in set(totals[0]) | set(totals[1])]


def hold_difference_max_s(a: dict, b: dict) -> float:
    """The largest difference in good-form seconds between two reports over (exercise, side)."""
    return max(_total_differences(a, b), default=0.0)


def hold_difference_s(a: dict, b: dict) -> float:
    """Sum over (exercise, side) of the difference in good-form seconds between two reports."""
    return sum(_total_differences(a, b))
