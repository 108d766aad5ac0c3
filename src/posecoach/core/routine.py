"""Routines: where the person is in an ordered list of holds, followed hands-free.

Someone lying on a mat cannot click, so the tracker advances by itself: when the current
hold is complete and the person switches side or moves into the next position. It reads
the coach's per-frame results (exercise, working side, hold); time is in their ``t_ms``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RoutineStep:
    exercise: str
    hold_s: float
    sides: tuple[str, ...] = ()  # () when the exercise is not done per side


@dataclass(frozen=True)
class Routine:
    id: str
    name: str
    steps: tuple[RoutineStep, ...]

    def slots(self) -> list[tuple[int, str | None]]:
        """Every (step index, side) to complete, in order."""
        return [(i, side) for i, s in enumerate(self.steps) for side in (s.sides or (None,))]


@dataclass(frozen=True)
class RoutineStatus:
    """Where the person is: the slot being worked on, what is done, and what to say."""

    step: int
    side: str | None
    exercise: str | None
    done: tuple[tuple[int, str | None], ...]
    finished: bool
    instruction: str


@dataclass
class RoutineTracker:
    routine: Routine
    min_seen_ms: float = 1500.0  # the next position must be held this long before advancing
    _slot: int = 0
    _done: list[tuple[int, str | None]] = field(default_factory=list)
    _candidate: tuple[int, float] | None = None

    def target_s(self, exercise: str | None) -> float | None:
        """The routine's hold target for the current step's exercise, else None."""
        slots = self.routine.slots()
        if self._slot < len(slots):
            step = self.routine.steps[slots[self._slot][0]]
            if step.exercise == exercise:
                return step.hold_s
        return None

    def _matches(self, slot: int, exercise: str | None, side: str | None) -> bool:
        i, want = self.routine.slots()[slot]
        return self.routine.steps[i].exercise == exercise and (want is None or want == side)

    def update(self, t_ms: float, exercise: str | None, side: str | None, hold_s: float,
               complete: bool) -> RoutineStatus:
        """Advance with one frame's exercise, working side and hold state."""
        slots = self.routine.slots()
        if self._slot < len(slots):
            current = slots[self._slot]
            if complete and self._matches(self._slot, exercise, side) and current not in self._done:
                self._done.append(current)
            if current in self._done:
                self._follow(t_ms, exercise, side, slots)
        return self.status()

    def _follow(self, t_ms: float, exercise: str | None, side: str | None, slots) -> None:
        """After a completed slot, move on once a later slot's position is held for a moment."""
        for later in range(self._slot + 1, len(slots)):
            if self._matches(later, exercise, side):
                if self._candidate is None or self._candidate[0] != later:
                    self._candidate = (later, t_ms)
                elif t_ms - self._candidate[1] >= self.min_seen_ms:
                    self._slot, self._candidate = later, None
                return
        self._candidate = None
        if self._slot == len(slots) - 1:
            self._slot = len(slots)

    def status(self) -> RoutineStatus:
        slots = self.routine.slots()
        if self._slot >= len(slots):
            return RoutineStatus(len(self.routine.steps), None, None, tuple(self._done), True, "Routine complete: well done")
        i, side = slots[self._slot]
        step = self.routine.steps[i]
        name = step.exercise.replace("_", " ")
        if slots[self._slot] in self._done:
            nxt = slots[self._slot + 1] if self._slot + 1 < len(slots) else None
            if nxt is None:
                text = "Routine complete: well done"
            else:
                n_step = self.routine.steps[nxt[0]]
                text = f"Done. Next: {n_step.exercise.replace('_', ' ')}" + (f", {nxt[1]} side" if nxt[1] else "")
        else:
            text = f"{name}" + (f", {side} side" if side else "") + f": hold {step.hold_s:.0f} s with good form"
        return RoutineStatus(i, side, step.exercise, tuple(self._done), False, text)
