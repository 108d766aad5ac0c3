"""The adaptive analysis rate: every frame while the body moves or the verdicts change,
every Nth frame while both stay still.

Decisions use only what the analysed frames showed (smoothed landmarks, verdicts, cue), so
the same clip always gives the same frames analysed. A change shows up at the next analysed
frame, at most ``max_stride - 1`` frames late, and the rate goes back to every frame at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from posecoach.core import landmarks as lm

# The joints whose movement counts: nose, shoulders to wrists, hips to feet.
MOVING = np.array([lm.NOSE, *range(lm.LEFT_SHOULDER, lm.RIGHT_WRIST + 1), *range(lm.LEFT_HIP, lm.RIGHT_FOOT + 1)])


@dataclass(frozen=True)
class RateParams:
    """``max_stride``: frames apart while still (1 analyses every frame). ``still_speed``:
    joints slower than this, in trunk lengths per second, are still. ``settle_ms``: the body
    and the verdicts stay still this long before the rate drops. ``follow_recognition``: also
    analyse the frame on which the exercise recognition is due (every 100 ms while the exercise
    is not forced), so that it runs on the same frames as at the full rate; without it,
    recognition runs on the frames analysed, at most every ``max_stride`` frames."""

    max_stride: int = 3
    still_speed: float = 1.0
    settle_ms: float = 300.0
    min_visibility: float = 0.5
    follow_recognition: bool = True


def joint_speed(a_px: np.ndarray, b_px: np.ndarray, vis_a: np.ndarray, vis_b: np.ndarray, dt_s: float,
                min_visibility: float = 0.5) -> float:
    """Fastest joint between two frames, trunk lengths per second (inf when it cannot tell)."""
    seen = (vis_a[MOVING] >= min_visibility) & (vis_b[MOVING] >= min_visibility)
    if dt_s <= 0 or not seen.any():
        return float("inf")
    hips = b_px[[lm.LEFT_HIP, lm.RIGHT_HIP]].mean(axis=0)
    shoulders = b_px[[lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER]].mean(axis=0)
    trunk_px = float(np.hypot(*(shoulders - hips)))
    if not np.isfinite(trunk_px) or trunk_px < 1.0:
        return float("inf")
    moved = np.hypot(*(b_px[MOVING] - a_px[MOVING]).T)[seen]
    return float(np.nanmax(moved)) / trunk_px / dt_s if np.isfinite(moved).any() else float("inf")


class Rate(Protocol):
    """Which frames to analyse: ask ``wants(index, t_ms)``, then ``update`` with what it showed."""

    stride: int

    def wants(self, index: int, t_ms: float) -> bool: ...

    def update(self, index: int, t_ms: float, landmarks_px: np.ndarray | None, visibility: np.ndarray | None,
               state: tuple, due_ms: float | None = None) -> None: ...


class FixedRate:
    """Every ``stride``-th frame, counted from the clip's first (``--stride``)."""

    def __init__(self, stride: int = 1) -> None:
        self.stride = stride

    def wants(self, index: int, t_ms: float) -> bool:
        return index % self.stride == 0

    def update(self, index: int, t_ms: float, landmarks_px: np.ndarray | None, visibility: np.ndarray | None,
               state: tuple, due_ms: float | None = None) -> None:
        pass


class AdaptiveRate:
    """Chooses the frames to analyse. Ask ``wants(index, t_ms)`` before analysing a frame, and
    tell ``update`` what each analysed frame showed."""

    def __init__(self, params: RateParams | None = None) -> None:
        self.params = params or RateParams()
        self._last_index: int | None = None
        self._last_t_ms = 0.0
        self._last_px: np.ndarray | None = None
        self._last_vis: np.ndarray | None = None
        self._last_state: tuple | None = None
        self._still_since_ms: float | None = None
        self._due_ms: float | None = None

    @property
    def stride(self) -> int:
        """Frames between analysed frames now."""
        if self._still_since_ms is None or self._last_t_ms - self._still_since_ms < self.params.settle_ms:
            return 1
        return self.params.max_stride

    def wants(self, index: int, t_ms: float) -> bool:
        """Whether frame ``index`` (0-based, in decoding order) at ``t_ms`` is to be analysed."""
        if self._last_index is None or index - self._last_index >= self.stride:
            return True
        return self.params.follow_recognition and self._due_ms is not None and t_ms >= self._due_ms

    def update(self, index: int, t_ms: float, landmarks_px: np.ndarray | None, visibility: np.ndarray | None,
               state: tuple, due_ms: float | None = None) -> None:
        """Record analysed frame ``index`` at ``t_ms``: its smoothed landmarks (33, 2) pixels or
        None, their visibility, ``state`` (anything that must not change unseen: the exercise,
        the verdicts, the cue), and ``due_ms``, when the engine next does periodic work (the
        exercise recognition): that frame is analysed too, so the work falls on the same
        frames as at the full rate."""
        self._due_ms = due_ms
        p = self.params
        still = state == self._last_state
        if still and landmarks_px is not None:
            if self._last_px is None or self._last_vis is None or visibility is None:
                still = False
            else:
                speed = joint_speed(self._last_px, landmarks_px, self._last_vis, visibility, (t_ms - self._last_t_ms) / 1000,
                                    p.min_visibility)
                still = speed <= p.still_speed
        if not still or self._still_since_ms is None:
            self._still_since_ms = None if not still else t_ms
        self._last_index, self._last_t_ms, self._last_state = index, t_ms, state
        self._last_px, self._last_vis = landmarks_px, visibility
