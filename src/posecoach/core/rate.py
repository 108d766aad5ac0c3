"""The adaptive analysis rate: every frame while the body moves or the verdicts change,
fewer frames while both stay still.

Decisions use only what the analysed frames showed (smoothed landmarks, verdicts, cue), so
the same clip always gives the same frames analysed. A change shows up at the next analysed
frame, at most ``max_stride - 1`` frames late, and the rate goes back to every frame at once.

The default review (``REVIEW_RATE``) bounds the gap between analysed frames in time rather
than in frames: a fault that appears in a still hold is seen at most ``max_gap_ms`` after it
appears, whatever the clip's frame rate. A frame not analysed takes the verdicts, cue and
exercise of the analysed frame before it (``carried``): the causal choice, what the coach
knew at that moment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

import numpy as np

from posecoach.core import landmarks as lm
from posecoach.core.settings import from_table

# The joints whose movement counts: nose, shoulders to wrists, hips to feet.
MOVING = (lm.NOSE, *range(lm.LEFT_SHOULDER, lm.RIGHT_WRIST + 1), *range(lm.LEFT_HIP, lm.RIGHT_FOOT + 1))


@dataclass(frozen=True)
@from_table("rate")
class RateParams:
    """``max_stride``: frames apart while still (1 analyses every frame). ``still_speed_trunk_lengths_per_s``:
    joints slower than this, in trunk lengths per second, are still. ``settle_ms``: the body
    and the verdicts stay still this long before the rate drops. ``follow_recognition``: also
    analyse the frame on which the exercise recognition is due (every 100 ms while the exercise
    is not forced), so that it runs on the same frames as at the full rate; without it,
    recognition runs on the frames analysed, at most every ``max_stride`` frames. ``growth``:
    how fast the stride grows once still (2: 2, 4, 8... frames apart), so that the first
    moments of a hold, when a fault most often shows, are looked at more closely."""

    max_stride: int
    still_speed_trunk_lengths_per_s: float
    settle_ms: float
    min_visibility: float = lm.MIN_VISIBILITY
    follow_recognition: bool = True
    growth: float  # once settled, the stride is multiplied by this at each analysed frame, up to max_stride (1: at once)
    max_gap_ms: float | None = None  # also never further apart than this in time (a variable frame rate's gaps vary)
    label_settle_ms: float  # after the exercise (or the person) changes, every frame this long
    # While the engine reads the breathing (``update(..., breathing=True)``): frames at most this
    # many apart, and this long in time (None: the bounds above).
    breathing_max_stride: int | None = None
    breathing_max_gap_ms: float | None = None


@dataclass(frozen=True)
@from_table("review_rate")
class ReviewRate:
    """The default review's rate, as a bound in time (turned into frames for a clip's rate).

    ``max_gap_ms``: the longest time between two analysed frames while still, so a fault that
    appears in a hold is seen at most this late (400 ms: within half a second; `posecoach bench
    rate` measures what it keeps of the exact review). ``still_speed_trunk_lengths_per_s`` 0.5 trunk lengths a
    second (the rendered clips' breathing moves the joints about 0.02; at 1 the slow lowering
    out of a bridge passed for still and its rep was lost), for ``settle_ms``.
    ``label_settle_ms``: after the exercise or the person changes, every frame for a second
    (the recognition's vote spans 0.6 s and runs on the frames analysed: sparser frames moved
    the label's changes). Where frames come unevenly (a phone's variable frame rate) the bound
    holds in time as well, but for a step between frames longer than the recent ones (the next
    frame's time is not known ahead). ``growth`` 2: the gaps double from one frame up to the
    bound. ``breathing_max_gap_ms``: the bound while a rest position's breathing is read, which
    changes within a breath (settings.toml says what set it)."""

    max_gap_ms: float
    still_speed_trunk_lengths_per_s: float
    settle_ms: float
    growth: float
    label_settle_ms: float
    breathing_max_gap_ms: float

    def params(self, fps_hz: float | None) -> RateParams:
        """The rate for a clip of ``fps_hz`` frames a second (None or 0: 30)."""
        return RateParams(max_stride=frames_apart(self.max_gap_ms, fps_hz),
                          still_speed_trunk_lengths_per_s=self.still_speed_trunk_lengths_per_s, settle_ms=self.settle_ms,
                          follow_recognition=False, growth=self.growth, max_gap_ms=self.max_gap_ms,
                          label_settle_ms=self.label_settle_ms,
                          breathing_max_stride=frames_apart(self.breathing_max_gap_ms, fps_hz),
                          breathing_max_gap_ms=self.breathing_max_gap_ms)


def frames_apart(gap_ms: float, fps_hz: float | None) -> int:
    """The most frames apart that stay within ``gap_ms`` at ``fps_hz`` frames a second (None or
    0: 30), at least 1; a hair over counts as within (29.97 fps: 12 frames for 400 ms)."""
    fps = fps_hz if fps_hz and fps_hz > 0 else 30.0
    return max(1, int(gap_ms * fps / 1000.0 + 0.05))


REVIEW_RATE = ReviewRate()
STEP_MEMORY = 0.95  # a long step between frames is expected again for about 20 frames after it

Obs = TypeVar("Obs")


def carried(observation: Obs, t_ms: float) -> Obs:
    """What a frame the rate skipped is taken to show: the last analysed frame's observation
    (a frozen dataclass with a ``t_ms`` field), moved to the skipped frame's time ``t_ms``.
    Only the past is used, as the live coach would: a change is seen at the next analysed frame."""
    return replace(observation, t_ms=t_ms)


def joint_speed(a_px: np.ndarray, b_px: np.ndarray, vis_a: np.ndarray, vis_b: np.ndarray, dt_s: float,
                min_visibility: float = lm.MIN_VISIBILITY) -> float:
    """Fastest joint between two frames, trunk lengths per second (inf when it cannot tell).
    In plain floats (each length by ``np.hypot``, the trunk's ends as numpy's means of two):
    it runs on every analysed frame of a review, right after the model."""
    a, b, va, vb = a_px.tolist(), b_px.tolist(), vis_a.tolist(), vis_b.tolist()
    seen = [i for i in MOVING if va[i] >= min_visibility and vb[i] >= min_visibility]
    if dt_s <= 0 or not seen:
        return math.inf
    (lhx, lhy), (rhx, rhy) = b[lm.LEFT_HIP], b[lm.RIGHT_HIP]
    (lsx, lsy), (rsx, rsy) = b[lm.LEFT_SHOULDER], b[lm.RIGHT_SHOULDER]
    trunk_px = float(np.hypot((lsx + rsx) / 2.0 - (lhx + rhx) / 2.0, (lsy + rsy) / 2.0 - (lhy + rhy) / 2.0))
    if not math.isfinite(trunk_px) or trunk_px < 1.0:
        return math.inf
    moved = np.hypot([b[i][0] - a[i][0] for i in seen], [b[i][1] - a[i][1] for i in seen]).tolist()
    if not any(math.isfinite(d) for d in moved):
        return math.inf
    return max(d for d in moved if d == d) / trunk_px / dt_s  # NaN left out, as numpy's nanmax


class Rate(Protocol):
    """Which frames to analyse: ask ``wants(index, t_ms)``, then ``update`` with what it showed."""

    stride: int

    def wants(self, index: int, t_ms: float) -> bool: ...

    def update(self, index: int, t_ms: float, landmarks_px: np.ndarray | None, visibility: np.ndarray | None,
               state: tuple, due_ms: float | None = None, label: object = None, entry_ms: float | None = None,
               breathing: bool = False) -> None: ...


class FixedRate:
    """Every ``stride``-th frame, counted from the clip's first (``--stride``)."""

    def __init__(self, stride: int = 1) -> None:
        self.stride = stride

    def wants(self, index: int, t_ms: float) -> bool:
        return index % self.stride == 0

    def update(self, index: int, t_ms: float, landmarks_px: np.ndarray | None, visibility: np.ndarray | None,
               state: tuple, due_ms: float | None = None, label: object = None, entry_ms: float | None = None,
               breathing: bool = False) -> None:
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
        self._entry_ms: float | None = None  # when a position waiting to have lasted is recognised
        self._stride = 1
        self._seen_ms: float | None = None  # the time of the frame asked about before this one
        self._label: object = None
        self._label_since_ms = 0.0
        self._step_ms = 0.0  # the longest recent step between frames (decays by STEP_MEMORY a frame)
        self._breathing = False  # the last analysed frame's breathing is being read: the closer bounds hold

    @property
    def stride(self) -> int:
        """Frames between analysed frames now."""
        return self._stride

    def wants(self, index: int, t_ms: float) -> bool:
        """Whether frame ``index`` (0-based, in decoding order) at ``t_ms`` is to be analysed."""
        step_ms = 0.0 if self._seen_ms is None else t_ms - self._seen_ms
        self._seen_ms, self._step_ms = t_ms, max(step_ms, self._step_ms * STEP_MEMORY)
        if self._last_index is None or index - self._last_index >= self.stride:
            return True
        gap = self.params.max_gap_ms
        if self._breathing and self.params.breathing_max_gap_ms is not None:
            gap = self.params.breathing_max_gap_ms if gap is None else min(gap, self.params.breathing_max_gap_ms)
        if gap is not None and t_ms - self._last_t_ms + self._step_ms > gap + 0.5:
            return True  # the next frame, as far again, would be past the bound: this one is analysed
        if self._entry_ms is not None and t_ms >= self._entry_ms:
            return True  # a position waiting to have lasted is recognised on this frame
        return self.params.follow_recognition and self._due_ms is not None and t_ms >= self._due_ms

    def update(self, index: int, t_ms: float, landmarks_px: np.ndarray | None, visibility: np.ndarray | None,
               state: tuple, due_ms: float | None = None, label: object = None, entry_ms: float | None = None,
               breathing: bool = False) -> None:
        """Record analysed frame ``index`` at ``t_ms``: its smoothed landmarks (33, 2) pixels or
        None, their visibility, ``state`` (anything that must not change unseen: the exercise,
        the verdicts, the cue), and ``due_ms``, when the engine next does periodic work (the
        exercise recognition): that frame is analysed too, so the work falls on the same
        frames as at the full rate. ``label``: the exercise (None: none, or nobody); after it
        changes every frame is analysed for ``label_settle_ms``, while the recognition's vote
        settles (it runs on the frames analysed). ``breathing``: the engine reads the breathing
        now (a rest position held), so the ``breathing_`` bounds hold until a frame without it."""
        self._breathing = breathing
        self._due_ms = due_ms
        self._entry_ms = entry_ms
        if label != self._label:
            self._label, self._label_since_ms = label, t_ms
        p = self.params
        still = state == self._last_state
        if still and landmarks_px is not None:
            if self._last_px is None or self._last_vis is None or visibility is None:
                still = False
            else:
                speed = joint_speed(self._last_px, landmarks_px, self._last_vis, visibility, (t_ms - self._last_t_ms) / 1000,
                                    p.min_visibility)
                still = speed <= p.still_speed_trunk_lengths_per_s
        if not still or self._still_since_ms is None:
            self._still_since_ms = None if not still else t_ms
        self._last_index, self._last_t_ms, self._last_state = index, t_ms, state
        self._last_px, self._last_vis = landmarks_px, visibility
        if self._still_since_ms is None or t_ms - self._still_since_ms < p.settle_ms \
                or t_ms - self._label_since_ms < p.label_settle_ms:
            self._stride = 1
        else:
            most = p.max_stride if not breathing or p.breathing_max_stride is None else min(p.max_stride, p.breathing_max_stride)
            if p.growth <= 1.0 or self._stride >= most:
                self._stride = most
            else:
                self._stride = min(most, max(self._stride + 1, int(self._stride * p.growth)))
