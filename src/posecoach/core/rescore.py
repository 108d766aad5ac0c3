"""Re-scoring: a session's observations judged again under other thresholds, no model run.

Observations (measures, view, side, exercise per frame) do not depend on any check's
band, so they are computed once. Re-scoring then evaluates every check over whole runs
of one exercise at once (vectorised, with the same hysteresis the live coach uses), and
moves the hold timer, reps and cues on frame by frame through the same Judge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posecoach.core.checks import FAIL, PASS, UNKNOWN, evaluate
from posecoach.core.coach import CoachParams, Judge, Observation
from posecoach.core.holds import HoldSet

NOT_JUDGED = -2  # the check does not belong to that frame's exercise


@dataclass
class Rescored:
    """Verdict arrays per check id over all frames (1 pass, 0 fail, -1 unknown, -2 not
    judged), the cue per frame, the hold sets, and pass/fail/unknown frame counts."""

    t_ms: np.ndarray
    verdicts: dict[str, np.ndarray]
    cues: list[str | None]
    holds: list[HoldSet]
    counts: dict[str, dict[str, int]]


def _runs(obs: list[Observation]) -> list[tuple[int, int, str]]:
    """Maximal runs [start, end) of frames with a person and the same exercise."""
    runs, start = [], None
    for i, o in enumerate(obs + [None]):
        key = (o.exercise if o is not None and o.pose else None)
        if start is not None and (key != obs[start].exercise or o is None or not o.pose):
            runs.append((start, i, obs[start].exercise))
            start = None
        if start is None and key is not None:
            start = i
    return runs


def rescore(observations: list[Observation], catalogue, params: CoachParams | None = None) -> Rescored:
    """Judge stored observations with ``catalogue``'s thresholds (its profile applied)."""
    params = params or CoachParams()
    n = len(observations)
    check_ids = sorted({c.id for e in {o.exercise for o in observations if o.exercise} for c in catalogue[e].checks})
    verdicts = {cid: np.full(n, NOT_JUDGED, np.int8) for cid in check_ids}
    ids_of = {e: [c.id for c in catalogue[e].checks] for e in {o.exercise for o in observations if o.exercise}}
    for i, o in enumerate(observations):  # a frame of no person keeps the forced exercise's checks unknown
        if not o.pose and o.exercise:
            for cid in ids_of[o.exercise]:
                verdicts[cid][i] = UNKNOWN
    for start, end, exercise in _runs(observations):
        spec = catalogue[exercise]
        chunk = observations[start:end]
        measures = {m: np.fromiter((o.measures.get(m, np.nan) for o in chunk), float, len(chunk)) for m in spec.measures}
        views = np.array([o.view for o in chunk], dtype=object)
        for check in spec.checks:
            verdicts[check.id][start:end] = evaluate(check, measures, views, UNKNOWN)
    judge = Judge(catalogue, params)
    cues: list[str | None] = []
    columns = [(cid, verdicts[cid].tolist()) for cid in check_ids]  # plain ints index faster than numpy's
    for i, o in enumerate(observations):
        if not o.pose or o.exercise is None:
            judge.judge(o)
            cues.append(None)
            continue
        row = {cid: col[i] for cid, col in columns if col[i] != NOT_JUDGED}
        _, cue = judge.advance(o, row)
        cues.append(cue)
    counts = {cid: {"pass": int((v == PASS).sum()), "fail": int((v == FAIL).sum()), "unknown": int((v == UNKNOWN).sum())}
              for cid, v in verdicts.items()}
    t_ms = np.fromiter((o.t_ms for o in observations), float, n)
    return Rescored(t_ms, verdicts, cues, judge.holds.sets, counts)
