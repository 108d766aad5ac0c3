"""Hold timers: good-form seconds per exercise and side.

A hold counts while every required check passes, pauses (never resets) on a fail or an
unknown, and completes at its target. The set ends when the person has been out of the
pose for longer than the grace period, or switches side; the next set then begins. Back on
the side of an unfinished set within the grace period (a moment read as the other side),
that set goes on where it paused.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class HoldSet:
    """One set: good-form seconds accumulated toward a target (mutable record)."""

    exercise: str
    side: str | None
    target_s: float
    start_ms: float
    end_ms: float
    good_form_s: float = 0.0
    reps: int = 0

    @property
    def complete(self) -> bool:
        return self.good_form_s >= self.target_s

    def as_dict(self) -> dict:
        return {
            "exercise": self.exercise, "side": self.side, "good_form_s": round(self.good_form_s, 2),
            "target_s": self.target_s, "complete": self.complete,
            "start_ms": round(self.start_ms), "end_ms": round(self.end_ms), "reps": self.reps,
        }


@dataclass(frozen=True)
class HoldStatus:
    """What the page shows: the current set, and the side to do next."""

    exercise: str | None
    side: str | None
    good_form_s: float
    target_s: float
    complete: bool
    counting: bool
    next_side: str | None
    reps: int = 0


@dataclass
class HoldTracker:
    """Accumulates sets from per-frame good-form flags. Time is passed in, in ms."""

    grace_s: float = 5.0
    # A longer gap between judged frames counts as this much at most (a stalled or frozen
    # camera is not good form). 0.5 s keeps holds in real seconds down to 2 judged frames a
    # second: a busy computer judges fewer frames, and the person still holds in real time.
    max_step_s: float = 0.5
    sets: list[HoldSet] = field(default_factory=list)
    _current: HoldSet | None = None
    _last_ms: float | None = None
    _last_in_pose_ms: float | None = None

    def update(
        self, t_ms: float, exercise: str | None, side: str | None, each_side: bool,
        target_s: float, good_form: bool,
    ) -> HoldStatus:
        """Advance to ``t_ms``. ``side`` None while unknown; ``good_form``: required checks pass."""
        dt_s = 0.0 if self._last_ms is None else max(0.0, min(t_ms - self._last_ms, self.max_step_s * 1000)) / 1000
        self._last_ms = t_ms
        cur = self._current
        if exercise is None:
            if cur is not None and self._last_in_pose_ms is not None and t_ms - self._last_in_pose_ms > self.grace_s * 1000:
                self._current = cur = None
            return self._status(cur, False, each_side)
        set_side = side if each_side else None
        switched = cur is not None and (cur.exercise != exercise or (each_side and side is not None and cur.side != side))
        if cur is None or switched:
            if each_side and side is None:
                return self._status(cur, False, each_side)
            cur = self._resumable(t_ms, exercise, set_side) or HoldSet(exercise, set_side, target_s, t_ms, t_ms)
            if cur not in self.sets:
                self.sets.append(cur)
            self._current = cur
        self._last_in_pose_ms = t_ms
        cur.end_ms = t_ms
        counting = good_form and not (each_side and side is None)
        if counting:
            cur.good_form_s += dt_s
        return self._status(cur, counting, each_side)

    def _resumable(self, t_ms: float, exercise: str, side: str | None) -> HoldSet | None:
        """The last unfinished set of ``exercise`` on ``side`` if it was left less than the grace
        period ago: a moment read as the other side (a turn, a landmark swap) pauses it, as a
        fault does, instead of starting it again from zero."""
        for s in reversed(self.sets):
            if s.exercise == exercise and s.side == side:
                recent = t_ms - s.end_ms <= self.grace_s * 1000
                return s if recent and not s.complete else None
        return None

    def add_rep(self) -> None:
        """Count one repetition in the current set (e.g. a bridge lifted and lowered)."""
        if self._current is not None:
            self._current.reps += 1

    def _status(self, cur: HoldSet | None, counting: bool, each_side: bool) -> HoldStatus:
        if cur is None:
            return HoldStatus(None, None, 0.0, 0.0, False, False, None)
        next_side = None
        if each_side and cur.complete and cur.side is not None:
            done = {s.side for s in self.sets if s.exercise == cur.exercise and s.complete}
            other = "right" if cur.side == "left" else "left"
            next_side = other if other not in done else None
        return HoldStatus(cur.exercise, cur.side, cur.good_form_s, cur.target_s, cur.complete, counting, next_side,
                          cur.reps)
