"""The modified Thomas test, guided: three readings per side of the hanging leg.

The person lies on their back at the end of a bed, hugs one knee to the chest (which flattens
the lower back) and lets the other leg hang over the edge: the catalogue's edge hang. Two
angles of the hanging leg tell a physiotherapist about hip-flexor length:

- ``hip_deg``: how far the hanging thigh lies below the surface line (degrees; 0 level with
  the bed, positive below it, negative when the thigh stays raised: tight hip flexors, mainly
  iliopsoas). From the hip angle of the hanging leg: ``hang_hip - 180`` (the trunk lies on the
  surface).
- ``knee_deg``: how far the hanging knee bends (degrees; 180 minus the knee's inner angle: 0
  straight, 90 a right angle; little bend suggests a tight rectus femoris).

A reading is taken only when the pose has been steady for ``steady_ms`` (both angles within
``steady_spread_deg``) and the lower back is flat (the edge hang's arch check passes), as the
median over that time. Between readings the person relaxes and settles again: the next
reading waits until the leg has moved by ``move_deg`` or left the position. The test of a
side keeps the median of its readings and their spread. Pure: numbers and times in.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from posecoach.core.settings import from_table


@dataclass(frozen=True)
@from_table("thomas")
class ThomasParams:
    """The guided Thomas test's readings (settings.toml [thomas])."""

    steady_ms: float  # the pose held still this long before a reading
    steady_spread_deg: float  # both angles within this (max - min) over steady_ms
    readings_per_side: int
    move_deg: float  # between readings the hip or knee moves this far (or the position is left)


@dataclass(frozen=True)
class ThomasReading:
    side: str
    t_ms: float
    hip_deg: float
    knee_deg: float


@dataclass(frozen=True)
class ThomasResult:
    """One side's measurement: the median of its readings and their spread (half the range)."""

    side: str
    hip_deg: float
    hip_spread_deg: float
    knee_deg: float
    knee_spread_deg: float
    readings: int


SETTLE = "settle"  # waiting for a steady pose with the back flat
RELAX = "relax"  # a reading was just taken: sit up or move the leg, then settle again
BACK_NOT_FLAT = "back_not_flat"  # steady, but the lower back arches: hug the knee closer
UNSEEN = "unseen"  # the view cannot show the hanging leg
DONE = "done"  # this side has all its readings


@dataclass
class ThomasTest:
    """Readings of both sides, fed frame by frame with the side of the hanging leg."""

    params: ThomasParams = field(default_factory=ThomasParams)
    readings: list[ThomasReading] = field(default_factory=list)
    _window: deque = field(default_factory=deque)  # (t_ms, hip, knee) of the current still spell
    _side: str | None = None
    _after: ThomasReading | None = None  # the last reading, until the leg has moved on

    def update(self, t_ms: float, side: str | None, hip_deg: float | None, knee_deg: float | None,
               back_flat: bool | None) -> str:
        """Feed one frame; returns the state to tell the person (SETTLE, RELAX, ...)."""
        p = self.params
        known = side is not None and _finite(hip_deg) and _finite(knee_deg)
        if side != self._side:
            self._window.clear()
            self._side = side
            self._after = None  # leaving the position (or changing side) is moving on
        if not known:
            self._window.clear()
            self._after = None
            return UNSEEN
        if len(self.of_side(side)) >= p.readings_per_side:
            return DONE
        if self._after is not None:
            moved = max(abs(hip_deg - self._after.hip_deg), abs(knee_deg - self._after.knee_deg))
            if moved < p.move_deg:
                return RELAX
            self._after = None
            self._window.clear()
        self._window.append((t_ms, float(hip_deg), float(knee_deg)))
        while t_ms - self._window[0][0] > p.steady_ms:
            self._window.popleft()
        hips = [h for _, h, _ in self._window]
        knees = [k for _, _, k in self._window]
        if max(hips) - min(hips) > p.steady_spread_deg or max(knees) - min(knees) > p.steady_spread_deg:
            # not still: keep only the frames since the pose last jumped
            self._window = deque([self._window[-1]])
            return SETTLE
        if t_ms - self._window[0][0] < p.steady_ms:
            return SETTLE
        if back_flat is not True:
            return BACK_NOT_FLAT
        reading = ThomasReading(side, t_ms, float(np.median(hips)), float(np.median(knees)))
        self.readings.append(reading)
        self._after = reading
        self._window.clear()
        return DONE if len(self.of_side(side)) >= p.readings_per_side else RELAX

    def of_side(self, side: str) -> list[ThomasReading]:
        return [r for r in self.readings if r.side == side]

    def result(self, side: str) -> ThomasResult | None:
        """The side's measurement once it has all its readings (None before)."""
        rs = self.of_side(side)
        if len(rs) < self.params.readings_per_side:
            return None
        hips = [r.hip_deg for r in rs]
        knees = [r.knee_deg for r in rs]
        return ThomasResult(side, float(np.median(hips)), (max(hips) - min(hips)) / 2,
                            float(np.median(knees)), (max(knees) - min(knees)) / 2, len(rs))


def thomas_angles(hang_hip_deg: float | None, hang_knee_deg: float | None) -> tuple[float | None, float | None]:
    """(hip_deg, knee_deg) of the test from the edge hang's measures (see the module's text)."""
    hip = hang_hip_deg - 180.0 if _finite(hang_hip_deg) else None
    knee = 180.0 - hang_knee_deg if _finite(hang_knee_deg) else None
    return hip, knee


def _finite(x: float | None) -> bool:
    return x is not None and bool(np.isfinite(x))
