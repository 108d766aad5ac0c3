"""Causal One Euro filtering (Casiez, Roussel and Vogel, CHI 2012).

A low-pass filter whose cutoff rises with speed: still poses are smoothed hard, fast
movements follow with little lag. It only looks at the past, so live and offline
verdicts are identical. Time is an argument (milliseconds), never read from a clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from posecoach.core.settings import from_table


@dataclass(frozen=True)
@from_table("smoothing")
class OneEuroParams:
    """Filter settings.

    ``min_cutoff_hz``: cutoff at rest (lower smooths more). ``beta``: how fast the cutoff
    rises with speed, in Hz per (value unit per second); the coach filters positions in
    image sizes (pixels divided by the larger image side), for which these defaults suit. ``d_cutoff_hz``: cutoff of the speed
    estimate. ``max_gap_ms``: a longer gap between samples restarts the filter.

    ``max_jump`` and ``max_speed``: a sample whose points (the last axis, for an array of
    points; else each value) moved, in the median, farther from the sample before than
    ``max_jump`` and than ``max_speed`` per second allows restarts the filter too. That is a
    cut in a clip (another scene, another person coached), not a movement: smoothing across
    it would draw the new pose from stale points for several frames. In image sizes a median
    landmark moves at most 0.02 a frame at 30 fps in the rendered clips; the first frame
    after a cut between two of them moves 0.08.
    """

    min_cutoff_hz: float
    beta: float
    d_cutoff_hz: float
    max_gap_ms: float
    max_jump: float
    max_speed: float


def _alpha(cutoff_hz: np.ndarray | float, dt_s: float) -> np.ndarray | float:
    """The smoothing factor 0..1 of a low-pass at ``cutoff_hz`` for samples ``dt_s`` apart
    (the same operations on a number or on each value of an array)."""
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


def _median(values: np.ndarray) -> float:
    """The median of a 1-D array without NaN, as numpy's (the middle value, or the mean of the
    two middle ones), without numpy's overhead for a small array."""
    ordered = np.sort(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (float(ordered[mid - 1]) + float(ordered[mid])) / 2.0


def _steps(x: np.ndarray, before: np.ndarray) -> np.ndarray:
    """How far each value (or, for an array of points, each point: its last axis) moved from
    ``before``: np.linalg.norm's own arithmetic for vectors, without its overhead."""
    d = x - before
    return np.abs(d) if x.ndim < 2 else np.sqrt(np.add.reduce(d * d, axis=-1))


class OneEuroFilter:
    """One Euro filter over an array of values of fixed shape.

    NaN entries pass through as NaN and restart that entry's filter when they return.
    """

    def __init__(self, params: OneEuroParams | None = None) -> None:
        self.params = params or OneEuroParams()
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t_ms: float | None = None
        self._raw: np.ndarray | None = None  # the sample before, unfiltered

    def reset(self) -> None:
        """Forget the history."""
        self._x = self._dx = self._raw = None
        self._t_ms = None

    def _jumped_from(self, before: np.ndarray, x: np.ndarray, dt_s: float) -> bool:
        """Whether ``x`` moved from the sample ``before`` as no body moves in ``dt_s``: a cut."""
        p = self.params
        step = _steps(x, before)
        step = step[np.isfinite(step)]
        return bool(step.size) and _median(step) > max(p.max_jump, p.max_speed * dt_s)

    def __call__(self, value: np.ndarray, t_ms: float) -> np.ndarray:
        """Filter one sample taken at ``t_ms``; return the smoothed value (same shape)."""
        x = np.asarray(value, dtype=float)
        p = self.params
        raw_before, self._raw = self._raw, x.copy()
        if (
            self._x is None
            or self._t_ms is None
            or self._x.shape != x.shape
            or t_ms <= self._t_ms
            or t_ms - self._t_ms > p.max_gap_ms
            or (raw_before is not None and raw_before.shape == x.shape
                and self._jumped_from(raw_before, x, (t_ms - self._t_ms) / 1000.0))
        ):
            self._x, self._dx, self._t_ms = x.copy(), np.zeros_like(x), t_ms
            return x.copy()
        dt_s = (t_ms - self._t_ms) / 1000.0
        prev, dx_before = self._x, self._dx
        gaps = np.isnan(prev)
        if gaps.any():  # values coming back after NaN start afresh (without gaps: nothing to do)
            fresh = gaps & ~np.isnan(x)
            prev = np.where(fresh, x, prev)
            dx_before = np.where(fresh, 0.0, dx_before)
        dx = (x - prev) / dt_s
        a_d = _alpha(float(p.d_cutoff_hz), dt_s)
        dx_hat = a_d * dx + (1.0 - a_d) * dx_before
        cutoff = p.min_cutoff_hz + p.beta * np.abs(dx_hat)
        a = _alpha(cutoff, dt_s)
        x_hat = a * x + (1.0 - a) * prev
        self._x, self._dx, self._t_ms = x_hat, np.where(np.isnan(dx_hat), 0.0, dx_hat), t_ms
        return x_hat.copy()
