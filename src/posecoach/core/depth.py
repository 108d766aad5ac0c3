"""Stretch depth: how deep a stretch was held with good form, per exercise and side.

In the kneeling hip-flexor stretch the depth is the back hip's extension (degrees past a
straight trunk-thigh line) while the form is good: the pelvis tucked, no arch, trunk upright.
The hold timer already says *whether* the form was good; this says *how far* the hip flexors
were lengthened while it was. A depth counts once it has been held for ``sustain_ms`` of
good-form frames in a row (the least value over that time), so one frame's jitter cannot set a
record. Times in milliseconds, angles in degrees.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class DepthTracker:
    """The deepest sustained good-form depth per (exercise, side), and the current one."""

    sustain_ms: float = 1000.0
    best: dict[tuple[str, str | None], float] = field(default_factory=dict)
    _run: deque = field(default_factory=deque)  # (t_ms, depth_deg) within sustain_ms of now
    _since_ms: float | None = None  # when the current good-form run began
    _key: tuple[str, str | None] | None = None

    def update(self, t_ms: float, exercise: str | None, side: str | None, good: bool,
               depth_deg: float | None) -> float | None:
        """Feed one frame; returns the depth held over the last ``sustain_ms`` (None until a
        run of good form with a known depth has lasted that long)."""
        key = (exercise, side) if exercise is not None else None
        known = depth_deg is not None and depth_deg == depth_deg  # not NaN
        if key is None or not good or not known or key != self._key:
            self._run.clear()
            self._since_ms = None
            self._key = key
            if key is None or not good or not known:
                return None
        if self._since_ms is None:
            self._since_ms = t_ms
        self._run.append((t_ms, float(depth_deg)))
        while t_ms - self._run[0][0] > self.sustain_ms:
            self._run.popleft()
        if t_ms - self._since_ms < self.sustain_ms:
            return None
        held = min(d for _, d in self._run)
        if held > self.best.get(key, float("-inf")):
            self.best[key] = held
        return held
