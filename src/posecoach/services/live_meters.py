"""Small measuring helpers for the live coach: a one-slot latest-frame box, a rate meter,
a latency window, and the watch that notices a frozen camera picture.

Times are passed in (seconds from a monotonic clock), so all of these are deterministic.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")


class LatestBox(Generic[T]):
    """Holds only the newest item: a put replaces an item nobody took (that frame is dropped)."""

    def __init__(self) -> None:
        self._item: T | None = None
        self._cond = threading.Condition()
        self.dropped = 0

    def put(self, item: T) -> None:
        with self._cond:
            if self._item is not None:
                self.dropped += 1
            self._item = item
            self._cond.notify()

    def take(self, timeout_s: float) -> T | None:
        """The newest item, waiting up to ``timeout_s``; None if nothing came."""
        with self._cond:
            if self._item is None:
                self._cond.wait(timeout_s)
            item, self._item = self._item, None
            return item


class RateMeter:
    """Events per second over the last ``window_s`` seconds."""

    def __init__(self, window_s: float = 2.0) -> None:
        self.window_s = window_s
        self._times: deque[float] = deque()

    def tick(self, now_s: float) -> None:
        self._times.append(now_s)
        while self._times and now_s - self._times[0] > self.window_s:
            self._times.popleft()

    def per_s(self) -> float:
        if len(self._times) < 2:
            return 0.0
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else 0.0


class Window:
    """The last ``size`` values, with their median and mean."""

    def __init__(self, size: int = 50) -> None:
        self._values: deque[float] = deque(maxlen=size)

    def add(self, value: float) -> None:
        self._values.append(value)

    def __len__(self) -> int:
        return len(self._values)

    def median(self) -> float:
        return float(np.median(self._values)) if self._values else float("nan")

    def mean(self) -> float:
        return float(np.mean(self._values)) if self._values else float("nan")


class FreezeWatch:
    """How long the camera picture has not changed at all (a frozen camera repeats one frame
    exactly; a live one never does, its sensor noise alone changes some pixels)."""

    def __init__(self, grid_px: int = 8) -> None:
        self.grid_px = grid_px
        self._last: np.ndarray | None = None
        self._since_s: float | None = None

    def frozen_for_s(self, rgb: np.ndarray, now_s: float) -> float:
        """Seconds since the picture last changed, given the frame arriving at ``now_s``."""
        thumb = np.array(rgb[:: self.grid_px, :: self.grid_px], copy=True)
        if self._last is None or self._since_s is None or thumb.shape != self._last.shape or not np.array_equal(
                thumb, self._last):
            self._last, self._since_s = thumb, now_s
            return 0.0
        return now_s - self._since_s
