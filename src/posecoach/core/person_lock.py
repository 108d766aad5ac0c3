"""Whom to coach when the camera sees more than one person: the same person, frame after frame.

The person is locked by where their trunk is in the picture. A candidate within
``match_trunk_lengths`` trunk lengths of the locked position is them; anyone else (someone walking
through behind, a second person in the room) is ignored. When the locked person has been out
of view for ``keep_s``, the next person found is coached instead: the largest in the picture,
which is normally the one nearest the camera.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from posecoach.core import landmarks as lm
from posecoach.core.settings import from_table

TRUNK = (lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER, lm.LEFT_HIP, lm.RIGHT_HIP)


@dataclass(frozen=True)
@from_table("person_lock")
class LockParams:
    """Who is coached when several people are in view (settings.toml [person_lock])."""

    keep_s: float  # the coached person may be out of view this long before someone else is coached
    match_trunk_lengths: float  # a person within this many trunk lengths of the coached one's place is them
    min_visibility: float = lm.MIN_VISIBILITY


@dataclass(frozen=True)
class Pick:
    """The choice for one frame: ``index`` into the candidates (None: the coached person is not
    in view), how many ``people`` were found, and whether the lock moved to a ``new_person``."""

    index: int | None
    people: int
    new_person: bool = False


def _row_mean(rows: list[list[float]]) -> list[float]:
    """The mean of a few (x, y) rows as numpy's ``mean(axis=0)`` gives it: summed in order, divided by the count."""
    x, y = rows[0]
    for rx, ry in rows[1:]:
        x, y = x + rx, y + ry
    return [x / len(rows), y / len(rows)]


def trunk_anchor(landmarks: np.ndarray, width_px: int, height_px: int,
                 min_visibility: float = lm.MIN_VISIBILITY) -> tuple[np.ndarray, float] | None:
    """(centre in pixels, size in pixels) of a person from their seen shoulders and hips; the
    size is the trunk length, or the spread of the seen landmarks when the trunk is not seen.
    In plain floats (the values of ``landmarks_to_px`` and numpy's means to the last bit): it
    runs first after the model on every frame, when numpy's own code has to be fetched again."""
    rows = landmarks.tolist()
    w, h = float(width_px), float(height_px)

    def at(i: int) -> list[float] | None:  # landmark i in pixels when seen, else None
        x, y, vis = rows[i][0] * w, rows[i][1] * h, rows[i][3]
        return [x, y] if vis >= min_visibility and math.isfinite(x) and math.isfinite(y) else None

    points = [at(i) for i in TRUNK]
    shoulders = [q for q in points[:2] if q is not None]
    hips = [q for q in points[2:] if q is not None]
    trunk = shoulders + hips
    seen = None  # every seen landmark, worked out only when the trunk's four are too few
    if len(trunk) < 3:
        seen = [q for q in map(at, range(len(rows))) if q is not None]
        if len(seen) < 3:
            return None
    centre = np.array(_row_mean(trunk)) if trunk else np.array(seen).mean(axis=0)  # numpy's sum for many points
    size = 0.0
    if shoulders and hips:
        (sx, sy), (hx, hy) = _row_mean(shoulders), _row_mean(hips)
        size = float(np.hypot(sx - hx, sy - hy))
    if size <= 1.0:
        seen = seen if seen is not None else [q for q in map(at, range(len(rows))) if q is not None]
        xs, ys = [q[0] for q in seen], [q[1] for q in seen]
        size = float(max(np.hypot(max(xs) - min(xs), max(ys) - min(ys)) / 3.0, 1.0))
    return centre, size


class PersonLock:
    """Keeps the coached person across frames. Times in ms, positions in pixels."""

    def __init__(self, params: LockParams | None = None) -> None:
        self.params = params or LockParams()
        self._centre: np.ndarray | None = None
        self._size = 0.0
        self._seen_ms: float | None = None
        self.changes = 0  # how often the lock moved from one person to another

    @property
    def locked(self) -> bool:
        return self._centre is not None

    def anchors(self, candidates, width_px: int, height_px: int) -> list[tuple[np.ndarray, float] | None]:
        """Each candidate's ``trunk_anchor`` (None for a candidate that is None or too little seen):
        worked out once a frame and handed to ``matches`` and ``pick``."""
        return [None if c is None else trunk_anchor(c, width_px, height_px, self.params.min_visibility) for c in candidates]

    def _match(self, anchors) -> int | None:
        best, best_d = None, np.inf
        cx, cy = self._centre.tolist()
        for i, a in enumerate(anchors):
            if a is None:
                continue
            ax, ay = a[0].tolist()
            d = float(np.hypot(ax - cx, ay - cy))  # the same floats as on the arrays, without their overhead
            if d < best_d:
                best, best_d = i, d
        return best if best is not None and best_d <= self.params.match_trunk_lengths * max(self._size, 1.0) else None

    def matches(self, anchor: tuple[np.ndarray, float] | None) -> bool:
        """Whether the person at ``anchor`` (theirs from ``anchors``) is the locked one, without
        moving the lock; True when unlocked."""
        if self._centre is None:
            return True
        return self._match([anchor]) == 0

    def pick(self, t_ms: float, candidates: list[np.ndarray], width_px: int, height_px: int,
             anchors: list | None = None) -> Pick:
        """Choose the coached person among this frame's ``candidates`` ((33, 4) normalised each);
        ``anchors``: theirs from ``anchors``, when already worked out."""
        anchors = self.anchors(candidates, width_px, height_px) if anchors is None else anchors
        n = len(candidates)
        if self._centre is not None:
            i = self._match(anchors)
            if i is not None:
                self._hold(t_ms, anchors[i])
                return Pick(i, n)
            if self._seen_ms is not None and t_ms - self._seen_ms <= self.params.keep_s * 1000.0:
                return Pick(None, n)
        found = [i for i, a in enumerate(anchors) if a is not None]
        if not found:
            return Pick(None, n)
        mid = np.array([width_px, height_px], dtype=float) / 2.0
        i = max(found, key=lambda k: (anchors[k][1], -float(np.hypot(*(anchors[k][0] - mid)))))
        if self._centre is not None:
            self.changes += 1
        self._hold(t_ms, anchors[i])
        return Pick(i, n, new_person=True)

    def _hold(self, t_ms: float, anchor: tuple[np.ndarray, float]) -> None:
        self._centre, self._size = anchor[0], anchor[1]
        self._seen_ms = t_ms
