"""One person coached among several, at the cost of one-person detection while alone.

MediaPipe's landmarker in VIDEO mode tracks one person from frame to frame; asked for two
(``num_poses=2``) it runs its person detector on every frame until it has found a second,
which costs about 80% more per frame, and it lists the people in no fixed order. So this
estimator runs a one-person landmarker and brings in a two-person one only when needed:

- every ``probe_every_s`` while someone is in view (a second body may have walked in), on
  one frame, from scratch (IMAGE mode: a VIDEO-mode landmarker run now and then keeps to the
  person it tracked), in place of the tracker on that frame;
- when the tracked person is not the locked one (tracking jumped to someone else), at once,
  then every ``jump_every_s`` while it lasts (the locked person out of view and someone else
  in it: searching every frame would cost a two-person search per frame for nothing);
- then on every frame while two people are in view, and ``calm_s`` after.

``posecoach.core.person_lock.PersonLock`` decides which of the people found is the one coached,
by places measured in the pixels of the first frame: the model's landmarks are fractions of
the frame, so when the frame's size changes part-way (two streams joined), the same place in
the picture stays the same place, and the same person is still coached.

It has ``detect(rgb, t_ms)`` like ``PoseEstimator`` and is a context manager too.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np

from posecoach.adapters.estimators.base import Detection
from posecoach.adapters.estimators.landmarker import PoseEstimator
from posecoach.core.person_lock import LockParams, PersonLock


@dataclass
class PeopleCounts:
    """Frames run through each landmarker, and the frames where more than one person was seen."""

    single: int = 0
    multi: int = 0
    crowded: int = 0
    most_people: int = 0
    searches: Counter = field(default_factory=Counter)  # frames searched afresh, by why: "probe", "jump", "still"


class PeopleAwareEstimator:
    """A ``PoseEstimator`` stand-in that keeps coaching the same person (see the module doc)."""

    pipelined: ClassVar[bool] = False

    def __init__(self, model_path: str | Path, mode: str = "video", masks: bool = False,
                 probe_every_s: float = 1.0, calm_s: float = 3.0, lock: LockParams | None = None,
                 jump_every_s: float = 0.5) -> None:
        self.model_path, self.mode, self.masks = Path(model_path), mode, masks
        self.probe_every_s, self.calm_s, self.jump_every_s = probe_every_s, calm_s, jump_every_s
        self.lock = PersonLock(lock)
        self.counts = PeopleCounts()
        self.last_new_person = False
        self._single: PoseEstimator | None = None
        self._multi: PoseEstimator | None = None
        self._probe: PoseEstimator | None = None
        self._multi_until_ms = -math.inf
        self._last_probe_ms = -math.inf
        self._last_jump_ms: float | None = None  # the last search for a jump, while jumps continue
        self._tracking = False  # someone was found on the last frame (probes only look beside a person)
        self._lock_size: tuple[int, int] | None = None  # (width, height) the lock measures in: the first frame's
        if mode == "video":
            self._single = PoseEstimator(model_path, mode=mode, num_poses=1, masks=masks)

    @property
    def last_input_size(self) -> tuple[int, int] | None:
        est = self._single or self._probe
        return None if est is None else est.last_input_size

    @property
    def silencing(self) -> bool:
        """Whether a model's next call silences standard error (the first frames of the ones
        opened so far): judge in line meanwhile."""
        return any(e.silencing for e in (self._single, self._multi, self._probe) if e is not None)

    @property
    def person_changes(self) -> int:
        """How often the coached person changed so far."""
        return self.lock.changes

    def __enter__(self) -> PeopleAwareEstimator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for est in (self._single, self._multi, self._probe):
            if est is not None:
                est.close()
        self._single = self._multi = self._probe = None

    def _two(self, rgb: np.ndarray, t_ms: float) -> list[Detection]:
        """Two-person tracking, frame after frame."""
        if self._multi is None:
            self._multi = PoseEstimator(self.model_path, mode=self.mode, num_poses=2, masks=self.masks)
        self.counts.multi += 1
        return self._multi.detect_all(rgb, t_ms)

    def _look_again(self, rgb: np.ndarray, why: str) -> list[Detection]:
        """Everyone in this one frame, found from scratch."""
        if self._probe is None:
            self._probe = PoseEstimator(self.model_path, mode="image", num_poses=2, masks=self.masks)
        self.counts.searches[why] += 1
        return self._probe.detect_all(rgb, 0.0)

    def detect(self, rgb: np.ndarray, t_ms: float) -> Detection:
        """The locked person's pose in this frame (None when they are not in view)."""
        if self._lock_size is None:
            self._lock_size = (rgb.shape[1], rgb.shape[0])
        w, h = self._lock_size  # the lock's pixels, whatever this frame's size (see the module doc)
        anchors = None  # the people found's trunk anchors, when worked out for the jump test
        if self.mode != "video":  # a still: look for everyone once
            found = self._look_again(rgb, "still")
        elif t_ms < self._multi_until_ms:
            found = self._two(rgb, t_ms)
        else:
            found = []
            probe = self._tracking and t_ms - self._last_probe_ms >= self.probe_every_s * 1000.0
            if probe:
                # The search's people stand in for the tracker's on this frame: running the
                # tracker too would cost a model run whose result is thrown away.
                self._last_probe_ms = t_ms
                found = self._look_again(rgb, "probe")
            if not found:
                found = self._single.detect_all(rgb, t_ms)
                self.counts.single += 1
                anchors = self.lock.anchors([d.landmarks for d in found], w, h)
                jumped = bool(found) and not self.lock.matches(anchors[0])
                last = self._last_jump_ms
                search_jump = jumped and (last is None or t_ms - last >= self.jump_every_s * 1000.0)
                self._last_jump_ms = (t_ms if search_jump else last) if jumped else None
                if search_jump:
                    self._last_probe_ms = t_ms
                    more = self._look_again(rgb, "jump")
                    if len(more) >= len(found):
                        found, anchors = more, None
        self._tracking = bool(found)
        if len(found) >= 2:
            self._multi_until_ms = t_ms + self.calm_s * 1000.0
            self.counts.crowded += 1
        self.counts.most_people = max(self.counts.most_people, len(found))
        pick = self.lock.pick(t_ms, [d.landmarks for d in found], w, h, anchors)
        self.last_new_person = pick.new_person
        if pick.index is None:
            return Detection(None, None, pick.people)
        chosen = found[pick.index]
        return Detection(chosen.landmarks, chosen.mask, pick.people)
