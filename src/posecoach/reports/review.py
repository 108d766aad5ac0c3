"""A recorded session looked at again: observations replayed from stored landmarks, judged
under any thresholds, and summed up as timelines, faults, pass/fail time and holds.

Times on a timeline are seconds from the session's start (``t_s``). A frame stands for the
time until the next frame, capped at ``MAX_FRAME_S`` so a gap (the person away, a paused
camera) does not count as pass or fail time.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from posecoach.core.checks import FAIL, PASS, UNKNOWN, failing_cue
from posecoach.core.coach import CoachParams, FrameResult, Judge, Observation, Observer
from posecoach.core.holds import HoldSet
from posecoach.core.rescore import NOT_JUDGED, Rescored, rescore
from posecoach.core.units import round_measure, unit_of
from posecoach.exercises.catalogue import Catalogue
from posecoach.reports.json_report import ReportBuilder

MAX_FRAME_S = 0.5
StoredLike = tuple[float, "np.ndarray | None", dict]  # (t_ms, landmarks (33, 4) or None, image measures)


def observe(frames: Iterable[StoredLike], width_px: int, height_px: int, catalogue: Catalogue,
            exercise: str | None, params: CoachParams | None = None) -> list[Observation]:
    """Replay stored landmarks through the threshold-free half of the coach (no model run)."""
    observer = Observer(catalogue, exercise, params or CoachParams())
    return [observer.observe(t_ms, lms, width_px, height_px, im) for t_ms, lms, im in frames]


def forced_exercise(exercise_arg: str | None, catalogue: Catalogue) -> str | None:
    """The exercise a session was coached with, or None where it was recognised."""
    return exercise_arg if exercise_arg in catalogue.exercises else None


def frame_durations_s(t_ms: np.ndarray) -> np.ndarray:
    """Seconds each frame stands for: until the next frame, capped; the last one a typical step."""
    if len(t_ms) == 0:
        return np.zeros(0)
    steps = np.diff(np.asarray(t_ms, float)) / 1000.0
    typical = float(np.median(steps)) if len(steps) else 1.0 / 30.0
    return np.minimum(np.append(steps, typical), MAX_FRAME_S)


@dataclass(frozen=True)
class Interval:
    start_s: float
    end_s: float


def runs_of(mask: np.ndarray, t_s: np.ndarray, dur_s: np.ndarray, merge_gap_s: float = 0.0) -> list[Interval]:
    """Time intervals where ``mask`` holds, runs closer than ``merge_gap_s`` merged."""
    out: list[Interval] = []
    if not len(mask):
        return out
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        a, b = float(t_s[start]), float(t_s[end - 1] + dur_s[end - 1])
        if out and a - out[-1].end_s <= merge_gap_s:
            out[-1] = Interval(out[-1].start_s, b)
        else:
            out.append(Interval(a, b))
    return out


@dataclass(frozen=True)
class Fault:
    """A stretch of time a check failed: what was said, and the worst value seen."""

    exercise: str
    check: str
    side: str | None
    start_s: float
    end_s: float
    cue: str
    measure: str | None
    worst: float | None

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class CheckTime:
    """Seconds a check passed, failed and could not be judged, while its exercise was done."""

    exercise: str
    check: str
    required: bool
    pass_s: float
    fail_s: float
    unknown_s: float

    @property
    def pass_share(self) -> float | None:
        judged = self.pass_s + self.fail_s
        return None if judged <= 0 else self.pass_s / judged


@dataclass(frozen=True)
class Band:
    """A check's band on one measure (an open edge is None)."""

    check: str
    low: float | None
    high: float | None
    required: bool


@dataclass(frozen=True)
class Timeline:
    """One measure of one exercise over the session, for a chart: ``value`` NaN where the
    exercise was not being done or the measure was unknown; the bands of the checks that use
    the measure, and each check's failing intervals."""

    exercise: str
    measure: str
    unit: str
    t_s: np.ndarray
    value: np.ndarray
    bands: list[Band]
    fails: list[tuple[str, Interval]]


@dataclass(frozen=True)
class HoldSummary:
    """One exercise and side over a session: good-form seconds summed over its sets, the best
    set, the target, whether a set reached it, reps, and how many sets were started."""

    exercise: str
    side: str | None
    good_form_s: float
    best_set_s: float
    target_s: float
    complete: bool
    reps: int
    sets: int


@dataclass
class Review:
    """A session's observations judged under one catalogue."""

    observations: list[Observation]
    catalogue: Catalogue
    rescored: Rescored
    t_s: np.ndarray
    dur_s: np.ndarray

    @property
    def holds(self) -> list[HoldSet]:
        return self.rescored.holds

    def hold_summary(self) -> list[HoldSummary]:
        """Holds per exercise and side, in the order first started."""
        groups: dict[tuple[str, str | None], list[HoldSet]] = {}
        for h in self.holds:
            groups.setdefault((h.exercise, h.side), []).append(h)
        return [HoldSummary(e, side, round(sum(h.good_form_s for h in sets), 2), round(max(h.good_form_s for h in sets), 2),
                            sets[-1].target_s, any(h.complete for h in sets), sum(h.reps for h in sets), len(sets))
                for (e, side), sets in groups.items()]

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        return self.rescored.counts

    @functools.cached_property
    def exercise_of(self) -> np.ndarray:
        """Per frame, the exercise judged (None where nobody was seen), as an object array."""
        return np.array([o.exercise if o.pose else None for o in self.observations], dtype=object)

    def exercises(self) -> list[str]:
        """The exercises judged in the session, most time first."""
        time = {e: float(self.dur_s[self.exercise_mask(e)].sum()) for e in set(self.exercise_of) - {None}}
        return sorted(time, key=lambda e: -time[e])

    def series(self, measure: str) -> np.ndarray:
        """A measure over all frames (NaN where unknown or not measured)."""
        return np.fromiter((o.measures.get(measure, np.nan) for o in self.observations), float, len(self.observations))

    def exercise_mask(self, exercise: str) -> np.ndarray:
        return self.exercise_of == exercise

    def timelines(self, exercise: str, max_points: int = 2000) -> list[Timeline]:
        """The measures the exercise's checks use, in check order, at most ``max_points`` each."""
        spec = self.catalogue[exercise]
        on = self.exercise_mask(exercise)
        step = max(1, math.ceil(len(self.observations) / max_points))
        out = []
        for measure in dict.fromkeys(c.measure for check in spec.checks for c in check.conditions):
            value = np.where(on, self.series(measure), np.nan)
            bands = [Band(check.id, c.low, c.high, check.required) for check in spec.checks for c in check.conditions
                     if c.measure == measure]
            fails = [(b.check, iv) for b in bands
                     for iv in runs_of((self.rescored.verdicts[b.check] == FAIL) & on, self.t_s, self.dur_s)]
            out.append(Timeline(exercise, measure, unit_of(measure), self.t_s[::step], value[::step], bands, fails))
        return out

    def fail_intervals(self, check: str, merge_gap_s: float = 0.0) -> list[Interval]:
        return runs_of(self.rescored.verdicts[check] == FAIL, self.t_s, self.dur_s, merge_gap_s)

    def check_times(self) -> list[CheckTime]:
        out = []
        for exercise in self.exercises():
            on = self.exercise_mask(exercise)
            for check in self.catalogue[exercise].checks:
                v = self.rescored.verdicts.get(check.id)
                if v is None:
                    continue
                d = np.where(on, self.dur_s, 0.0)
                out.append(CheckTime(exercise, check.id, check.required, round(float(d[v == PASS].sum()), 2),
                                     round(float(d[v == FAIL].sum()), 2), round(float(d[v == UNKNOWN].sum()), 2)))
        return out

    def faults(self, min_s: float = 0.5, merge_gap_s: float = 0.5) -> list[Fault]:
        """Every failing stretch of at least ``min_s``, in time order, with its cue."""
        out = []
        obs = self.observations
        for exercise in self.exercises():
            for check in self.catalogue[exercise].checks:
                verdicts = self.rescored.verdicts.get(check.id)
                if verdicts is None:
                    continue
                for run in runs_of((verdicts == FAIL) & self.exercise_mask(exercise), self.t_s, self.dur_s, merge_gap_s):
                    if run.end_s - run.start_s < min_s:
                        continue
                    idx = np.flatnonzero((self.t_s >= run.start_s) & (self.t_s < run.end_s) & (verdicts == FAIL))
                    first = obs[int(idx[0])]
                    measure, worst = _worst(check, [obs[i].measures for i in idx])
                    out.append(Fault(exercise, check.id, first.side, run.start_s, run.end_s,
                                     failing_cue(check, first.measures), measure, worst))
        return sorted(out, key=lambda f: (f.start_s, f.check))

    def frame_results(self) -> list[FrameResult]:
        """The coach's per-frame results under this catalogue (the live path, no model run)."""
        judge = Judge(self.catalogue, CoachParams())
        columns = list(self.rescored.verdicts.items())
        out = []
        for i, o in enumerate(self.observations):
            if not o.pose or o.exercise is None:
                out.append(judge.judge(o))
                continue
            row = {cid: int(col[i]) for cid, col in columns if col[i] != NOT_JUDGED}
            out.append(judge.judge(o, row))
        return out

    def report(self, input_name: str, width: int, height: int, fps: float | None, model: str, model_sha256: str,
               exercise_arg: str | None) -> dict:
        """The analysis contract's report of this session under this catalogue."""
        builder = ReportBuilder(input_name=input_name, width=width, height=height, fps=fps, stride=1, model=model,
                                model_sha256=model_sha256, profile=self.catalogue.profile,
                                exercise_arg=forced_exercise(exercise_arg, self.catalogue))
        for r in self.frame_results():
            builder.add(r)
        return builder.document(self.holds)

    def csv_text(self) -> str:
        """Per frame: time, exercise, side, view, every measure, every check's verdict, the cue."""
        measures = sorted({m for o in self.observations for m in o.measures})
        checks = sorted(self.rescored.verdicts)
        names = {PASS: "pass", FAIL: "fail", UNKNOWN: "unknown", NOT_JUDGED: ""}
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["t_s", "pose", "exercise", "side", "view", *measures, *checks, "cue"])
        for i, o in enumerate(self.observations):
            values = [round_measure(o.measures.get(m, math.nan), m) for m in measures]
            w.writerow([f"{self.t_s[i]:.3f}", int(o.pose), o.exercise or "", o.side or "", o.view or "",
                        *["" if v is None else v for v in values],
                        *[names[int(self.rescored.verdicts[c][i])] for c in checks], self.rescored.cues[i] or ""])
        return buf.getvalue()


def _worst(check, measures: Sequence[dict[str, float]]) -> tuple[str | None, float | None]:
    """The condition most often outside its band, and its value furthest outside."""
    best: tuple[int, str | None, float | None] = (0, None, None)
    for c in check.conditions:
        values = np.array([m.get(c.measure, np.nan) for m in measures], float)
        low = -np.inf if c.low is None else c.low
        high = np.inf if c.high is None else c.high
        with np.errstate(invalid="ignore"):
            outside = np.where(values < low, low - values, np.where(values > high, values - high, 0.0))
        outside = np.nan_to_num(outside, nan=0.0)
        n = int((outside > 0).sum())
        if n > best[0]:
            i = int(np.argmax(outside))
            best = (n, c.measure, round_measure(values[i], c.measure))
    return best[1], best[2]


def review(observations: list[Observation], catalogue: Catalogue) -> Review:
    """Judge observations under ``catalogue`` (vectorised; the same verdicts as live)."""
    rescored = rescore(observations, catalogue)
    t_s = rescored.t_ms / 1000.0
    return Review(observations, catalogue, rescored, t_s, frame_durations_s(rescored.t_ms))
