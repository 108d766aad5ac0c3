"""One state at a time: what the Coach page says about the current frame, worked out once.

The headline, the caption drawn on the video and the check list all come from one
``CoachView``, so they cannot contradict each other. A check the hold does not need never
leads (its cue is a tip, shown small); a completed hold says "Done"; in a routine, a
position that is not the routine's current step is named as such and the next step is said.
``FaultTally`` keeps, over a session, how long each needed check failed and what fixed it,
for the summary after Stop. Pure: no Streamlit, times passed in.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from posecoach.core.checks import failing_cue
from posecoach.core.coach import FrameResult
from posecoach.core.holds import HoldSet, HoldStatus
from posecoach.core.routine import Routine, RoutineStatus
from posecoach.core.setup import SetupStatus, ready_words
from posecoach.exercises.catalogue import Catalogue, ExerciseSpec
from posecoach.reports.instructions import check_name, instructions
from posecoach.reports.words import clock_s, side_words

GOOD, FIX, INFO, DONE = "good", "fix", "info", "done"
GOOD_FORM = "Good form: hold it"
NO_EXERCISE = "Get into one of the stretches"
MAIN_FAULT_MIN_S = 1.0  # a fault shorter than this (seconds, over the session) is not the session's main fault


@dataclass(frozen=True)
class CheckLine:
    """One row of the check list: a person's name for the check, its verdict, whether the hold needs it."""

    name: str
    verdict: str
    required: bool


@dataclass(frozen=True)
class RoutineView:
    """Where the person is in the routine, in words."""

    step_words: str  # "Step 3 of 7: Knee to chest, left side"
    done: int
    total: int
    how: str  # how to get into the current step
    finished: bool


@dataclass(frozen=True)
class CoachView:
    """Everything the page and the video caption say about one frame."""

    tone: str  # good, fix, info or done
    headline: str
    detail: str = ""  # the rest of a cue after its colon, or how to get into a position
    tip: str = ""  # a cue of a check the hold does not need, shown small while the hold counts
    exercise_name: str = ""
    side: str = ""
    timer: str = ""  # "0:12 of 0:30"; empty before the set-up check has passed
    ready: bool = False  # the set-up check has passed for this exercise
    setup: SetupStatus | None = None
    checks: tuple[CheckLine, ...] = ()
    routine: RoutineView | None = None

    @property
    def caption(self) -> str | None:
        """What the video shows across its top: the headline, except while good form counts."""
        return None if self.tone == GOOD else self.headline


def split_cue(cue: str) -> tuple[str, str]:
    """A cue as (what to do, why or how): "Step your front foot forward: open the knee" splits at the colon."""
    head, sep, rest = cue.partition(": ")
    return (head, rest) if sep else (cue, "")


def shown_hold(hold: HoldStatus) -> str:
    """The timer, never past its target: "0:12 of 0:30", or "0:30 of 0:30" once done."""
    if hold.exercise is None:
        return ""
    return f"{clock_s(min(hold.good_form_s, hold.target_s))} of {clock_s(hold.target_s)}"


def check_lines(result: FrameResult, spec: ExerciseSpec) -> tuple[CheckLine, ...]:
    """The checks the hold needs first (in cue order), then the others (tips)."""
    needed = [c for c in spec.checks if c.required]
    others = [c for c in spec.checks if not c.required]
    return tuple(CheckLine(check_name(spec.id, c.id), result.checks.get(c.id, "unknown"), c.required)
                 for c in (*needed, *others))


def _measures(result: FrameResult) -> dict[str, float]:
    return {k: (math.nan if v is None else float(v)) for k, v in result.angles.items()}


def lead_cue(result: FrameResult, spec: ExerciseSpec) -> tuple[str | None, str | None]:
    """(the cue that leads, a tip): a failing check the hold needs, or guidance, leads; a
    failing check it does not need is only ever a tip."""
    cue = result.cues[0] if result.cues else None
    needed = {c.id for c in spec.checks if c.required and (result.view is None or result.view in c.views)}
    failing = [c for c in spec.checks if result.checks.get(c.id) == "fail"]
    measures = _measures(result)
    tip_cues = {failing_cue(c, measures) for c in failing if c.id not in needed}
    if cue is not None and cue not in tip_cues:
        return cue, None
    first_needed = next((c for c in failing if c.id in needed), None)
    lead = failing_cue(first_needed, measures) if first_needed is not None else None
    return lead, cue


def how_to(exercise: str) -> str:
    """The first step of getting into ``exercise``, for a routine's next step."""
    card = instructions(exercise)
    return card.steps[0] if card and card.steps else ""


def short_name(catalogue: Catalogue, exercise: str) -> str:
    """An exercise's name without its note in brackets: "Knee to chest", "Edge hang"."""
    name = catalogue[exercise].name if exercise in catalogue.exercises else exercise.replace("_", " ")
    return name.split(" (")[0]


def step_name(catalogue: Catalogue, exercise: str, side: str | None) -> str:
    """A routine step in words: "Knee to chest, left knee to your chest"."""
    words = side_words(exercise, side).split(":")[0]
    return short_name(catalogue, exercise) + (f", {words[0].lower()}{words[1:]}" if words else "")


def routine_view(routine: Routine, status: RoutineStatus, catalogue: Catalogue) -> RoutineView:
    """The routine's progress and the step to do now (the next one once the current is done)."""
    slots = routine.slots()
    total, done = len(slots), len(status.done)
    if status.finished or done >= total:
        return RoutineView("Routine complete: well done", total, total, "", True)
    current = (status.step, status.side)
    if current in status.done:
        index = slots.index(current) + 1
        if index >= total:
            return RoutineView("Routine complete: well done", total, total, "", True)
        step, side = slots[index]
    else:
        index = slots.index(current)
        step, side = current
    exercise = routine.steps[step].exercise
    words = f"Step {index + 1} of {total}: {step_name(catalogue, exercise, side)}"
    return RoutineView(words, done, total, how_to(exercise), False)


def _routine_wants(routine: Routine, status: RoutineStatus) -> tuple[str, str | None] | None:
    """The (exercise, side) the routine waits for now, None once it is finished."""
    rv_slots = routine.slots()
    current = (status.step, status.side)
    if status.finished or current not in rv_slots:
        return None
    index = rv_slots.index(current) + (1 if current in status.done else 0)
    if index >= len(rv_slots):
        return None
    step, side = rv_slots[index]
    return routine.steps[step].exercise, side


def _in_done(status: RoutineStatus | None, routine: Routine | None, exercise: str, side: str | None) -> bool:
    """Whether the routine has credited ``exercise`` on ``side`` (always true outside a routine)."""
    if routine is None or status is None:
        return True
    return any(routine.steps[i].exercise == exercise and (s is None or s == side) for i, s in status.done)


def coach_view(result: FrameResult, catalogue: Catalogue, setup: SetupStatus | None, ready: bool,
               routine: Routine | None = None, status: RoutineStatus | None = None) -> CoachView:
    """The one state of the page for ``result``: headline, tone, timer, check list, routine."""
    spec = catalogue.exercises.get(result.exercise) if result.exercise else None
    rv = routine_view(routine, status, catalogue) if routine is not None and status is not None else None
    wants = _routine_wants(routine, status) if routine is not None and status is not None else None
    if rv is not None and rv.finished:
        return CoachView(DONE, rv.step_words, routine=rv)
    if not result.pose:
        return CoachView(INFO, result.cues[0] if result.cues else "Step into the camera's view", routine=rv)
    if spec is None:
        if wants is not None:
            return CoachView(INFO, f"Next: {step_name(catalogue, *wants)}", how_to(wants[0]), routine=rv)
        head, detail = split_cue(result.cues[0]) if result.cues else (NO_EXERCISE, "")
        return CoachView(INFO, head, detail, routine=rv)
    base = dict(exercise_name=spec.name, side=side_words(spec.id, result.side), checks=check_lines(result, spec),
                routine=rv, setup=setup, ready=ready)
    hold = result.hold
    if hold.exercise == spec.id and hold.complete and _in_done(status, routine, spec.id, hold.side):
        timer = shown_hold(hold)
        other_next = wants is None or (wants[0] == spec.id and wants[1] == hold.next_side)
        if hold.next_side and other_next:
            return CoachView(DONE, "Done: now the other side", side_words(spec.id, hold.next_side), timer=timer,
                             **base)
        nxt = f"Next: {step_name(catalogue, *wants)}" if wants is not None else ""
        return CoachView(DONE, "Done: well held", nxt, timer=timer, **base)
    if wants is not None and (wants[0] != spec.id or (wants[1] is not None and result.side not in (None, wants[1]))):
        seen = short_name(catalogue, spec.id)  # named, but not judged: the routine does not credit it
        return CoachView(INFO, f"Next: {step_name(catalogue, *wants)}",
                         f"This is the {seen[0].lower()}{seen[1:]}. " + how_to(wants[0]), routine=rv)
    measures = _measures(result)
    check_cues = {failing_cue(c, measures) for c in spec.checks if result.checks.get(c.id) == "fail"}
    if not ready:
        fix = setup.fix if setup is not None else None
        if result.cues and result.cues[0] not in check_cues:
            fix = result.cues[0]  # the coach's own guidance says exactly which way to turn or move
        head, detail = split_cue(fix or "Hold still while I find you")
        return CoachView(INFO, head, detail, **base)
    timer = shown_hold(hold) if hold.exercise == spec.id else ""
    lead, tip = lead_cue(result, spec)
    if lead is not None:
        head, detail = split_cue(lead)
        failing_needed = any(line.required and line.verdict == "fail" for line in base["checks"])
        return CoachView(FIX if failing_needed else INFO, head, detail, timer=timer, **base)
    if hold.counting:
        return CoachView(GOOD, GOOD_FORM, "", tip or "", timer=timer, **base)
    return CoachView(INFO, "Hold still: checking your form", "", timer=timer, **base)


def setup_headline(view: str) -> str:
    """The words once the camera sees what the checks need ("I can see your whole body from the side")."""
    return ready_words(view)


@dataclass(frozen=True)
class FaultLine:
    """The session's main fault: the check, what fixes it, and when it first failed (s from the start)."""

    exercise: str
    check: str
    name: str
    fix: str
    why: str
    fail_s: float
    first_s: float


@dataclass(frozen=True)
class HoldLine:
    exercise_name: str
    side: str
    good_form_s: float
    target_s: float
    complete: bool


@dataclass
class FaultTally:
    """Seconds each needed check failed over a session, with the cue said for it."""

    max_step_s: float = 0.5  # a longer gap between judged frames counts as this much at most
    fail_s: Counter[tuple[str, str]] = field(default_factory=Counter)  # (exercise, check) -> seconds failed
    fixes: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)  # -> how often each cue was due
    first_s: dict[tuple[str, str], float] = field(default_factory=dict)  # -> first failure, s from the start
    _last_ms: float | None = None

    def add(self, result: FrameResult, spec: ExerciseSpec | None) -> None:
        """Count one judged frame (``result.t_ms`` from the session's start)."""
        dt_s = 0.0 if self._last_ms is None else min(max(result.t_ms - self._last_ms, 0.0) / 1000.0, self.max_step_s)
        self._last_ms = result.t_ms
        if spec is None or not result.pose:
            return
        measures = _measures(result)
        for c in spec.checks:
            if c.required and result.checks.get(c.id) == "fail" and (result.view is None or result.view in c.views):
                key = (spec.id, c.id)
                self.fail_s[key] += dt_s
                self.fixes.setdefault(key, Counter())[failing_cue(c, measures)] += 1
                self.first_s.setdefault(key, result.t_ms / 1000.0)

    def main_fault(self, catalogue: Catalogue, at_least_s: float = MAIN_FAULT_MIN_S) -> FaultLine | None:
        """The check that failed longest (``at_least_s`` or more), with its most said fix."""
        if not self.fail_s:
            return None
        (exercise, check), seconds = self.fail_s.most_common(1)[0]
        if seconds < at_least_s or exercise not in catalogue.exercises:
            return None
        spec = catalogue[exercise]
        fix = self.fixes[(exercise, check)].most_common(1)[0][0]
        return FaultLine(exercise, check, check_name(exercise, check), fix, spec.check(check).why, seconds,
                         self.first_s[(exercise, check)])


def hold_lines(sets: list[HoldSet], catalogue: Catalogue) -> tuple[HoldLine, ...]:
    """The session's best hold per exercise and side, in the order first done."""
    best: dict[tuple[str, str | None], HoldSet] = {}
    for s in sets:
        key = (s.exercise, s.side)
        if key not in best or s.good_form_s > best[key].good_form_s:
            best[key] = s
    lines = []
    for (exercise, side), s in best.items():
        name = catalogue[exercise].name if exercise in catalogue.exercises else exercise
        lines.append(HoldLine(name, side_words(exercise, side) if side else "", min(s.good_form_s, s.target_s),
                              s.target_s, s.complete))
    return tuple(lines)


@dataclass(frozen=True)
class SessionSummary:
    """What the page shows after Stop."""

    session_id: int | None
    holds: tuple[HoldLine, ...]
    fault: FaultLine | None
    seconds: float  # how long the session ran (from its first judged frame)
