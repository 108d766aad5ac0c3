"""A session's breathing as the store keeps it: the frames' breathing readings gathered per
segment (a run of frames holding one breathing exercise on one side), summed up once the
session ends by ``core.breathing.breathing_summary`` for the whole session and each segment.

Cheap per frame: nothing when no breathing exercise is held; while one is, a reading is kept
only when it differs from the one before (the meter works its reading out again about twice a
second), so the summaries weigh each reading by the time it stood and a 15-minute rest keeps
about 2,000 entries, not 27,000.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from posecoach.core.breathing import BreathingReading, breathing_summary

SEGMENT_GAP_S = 3.0  # a pause (no reading) up to this long, seconds, in the same position continues its segment
# A position named for less than this (seconds) beside another is the recognition wavering on a
# still body (the rendered rests are named as another rest in 2-17% of their frames, moments at a
# time), counted with the position around it rather than listed as a segment of its own.
SEGMENT_MIN_S = 5.0


@dataclass(frozen=True)
class StoredBreathing:
    """A session's or one segment's breathing (``breathing_summary``'s keys): breaths a minute,
    mean inhale and exhale in seconds, "belly" or "chest", the belly's share of the motion (0..1),
    the seconds with a known reading, and why nothing was known. A segment also has its exercise,
    side and times (ms from the session's start); the session's has None there."""

    rate_bpm: float | None
    inhale_s: float | None
    exhale_s: float | None
    pattern: str | None
    belly_share: float | None
    measured_s: float
    unknown_reason: str | None
    exercise: str | None = None
    side: str | None = None
    start_ms: float | None = None
    end_ms: float | None = None

    @property
    def known(self) -> bool:
        """A rate was measured."""
        return self.rate_bpm is not None

    def summary(self) -> dict:
        """The ``breathing_summary`` dict this record holds."""
        return {"rate_bpm": self.rate_bpm, "inhale_s": self.inhale_s, "exhale_s": self.exhale_s,
                "pattern": self.pattern, "belly_share": self.belly_share, "measured_s": self.measured_s,
                "unknown_reason": self.unknown_reason}


def from_summary(summary: dict, **where: object) -> StoredBreathing:
    """A record from ``breathing_summary``'s dict (``where``: exercise, side, start_ms, end_ms)."""
    return StoredBreathing(summary.get("rate_bpm"), summary.get("inhale_s"), summary.get("exhale_s"),
                           summary.get("pattern"), summary.get("belly_share"), float(summary.get("measured_s") or 0.0),
                           summary.get("unknown_reason"), **where)


@dataclass
class _Segment:
    exercise: str | None
    side: str | None
    end_ms: float  # the time of its last frame with a reading
    readings: list[tuple[float, BreathingReading | None]] = field(default_factory=list)

    @property
    def start_ms(self) -> float:
        return self.readings[0][0]

    def short(self) -> bool:
        return self.end_ms - self.start_ms < SEGMENT_MIN_S * 1000.0

    def joins(self, later: _Segment) -> bool:
        """``later`` follows this one without a pause longer than SEGMENT_GAP_S."""
        return later.start_ms - self.end_ms <= SEGMENT_GAP_S * 1000.0

    def pairs(self) -> list[tuple[float, BreathingReading | None]]:
        """Its (t_ms, reading) changes, closed at its last frame (the last reading lasts until then)."""
        return [*self.readings, (self.end_ms, None)]


class BreathingLog:
    """The breathing readings of one session, per segment; ``belly_share_min`` decides belly or
    chest from the median share (see ``breathing_summary``)."""

    def __init__(self, belly_share_min: float | None = None) -> None:
        self.belly_share_min = belly_share_min
        self._segments: list[_Segment] = []

    def add(self, t_ms: float, exercise: str | None, side: str | None, reading: BreathingReading | None) -> None:
        """One judged frame: its time (ms), exercise and side, and its breathing reading (None
        when no breathing exercise is held)."""
        if reading is None:
            return
        current = self._segments[-1] if self._segments else None
        gap = current is not None and t_ms - current.end_ms > SEGMENT_GAP_S * 1000.0
        if current is None or (current.exercise, current.side) != (exercise, side) or gap:
            current = _Segment(exercise, side, t_ms)
            self._segments.append(current)
        if not current.readings or current.readings[-1][1] != reading:
            current.readings.append((t_ms, reading))
        current.end_ms = t_ms

    def __bool__(self) -> bool:
        return bool(self._segments)

    def summaries(self) -> tuple[StoredBreathing | None, list[StoredBreathing]]:
        """(the session's breathing or None when no breathing exercise was held, each segment's)."""
        if not self._segments:
            return None, []
        merged = _merged(self._segments)
        segments = [from_summary(breathing_summary(s.pairs(), self.belly_share_min), exercise=s.exercise,
                                 side=s.side, start_ms=s.start_ms, end_ms=s.end_ms)
                    for s in merged]
        every = [pair for s in merged for pair in s.pairs()]
        return from_summary(breathing_summary(every, self.belly_share_min)), segments


def _merged(runs: list[_Segment]) -> list[_Segment]:
    """The runs of frames as segments a person reads: a new segment starts after a pause longer
    than SEGMENT_GAP_S, or with a run of another position lasting SEGMENT_MIN_S or more; shorter
    runs stay in the segment around them, which is named after the position it held longest."""
    out: list[tuple[_Segment, Counter]] = []
    for run in runs:
        key, held_ms = (run.exercise, run.side), run.end_ms - run.start_ms
        if out and out[-1][0].joins(run) and (run.short() or key == out[-1][1].most_common(1)[0][0]):
            seg, time_by_key = out[-1]
            seg.readings += run.readings
            seg.end_ms = run.end_ms
        else:
            seg, time_by_key = _Segment(run.exercise, run.side, run.end_ms, list(run.readings)), Counter()
            out.append((seg, time_by_key))
        time_by_key[key] += held_ms
    for seg, time_by_key in out:
        seg.exercise, seg.side = time_by_key.most_common(1)[0][0]
    return [seg for seg, _ in out]
