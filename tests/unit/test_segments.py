"""Cutting a clip into segments for parallel analysis."""

from __future__ import annotations

import math

from posecoach.engine.segments import plan


def test_segments_cover_the_clip_once_with_a_lead_in_before_each_cut():
    segs = plan(60_000, 2, lead_in_ms=2000, min_segment_ms=5000)
    assert [(s.start_ms, s.end_ms) for s in segs] == [(0, 31_000), (31_000, math.inf)]
    assert segs[0].lead_in_ms == 0 and segs[1].lead_in_ms == 29_000  # both analyse 31 s
    three = plan(60_000, 3, lead_in_ms=1000, min_segment_ms=5000)
    work = [min(s.end_ms, 60_000) - s.lead_in_ms for s in three]
    assert max(work) - min(work) < 1e-6 and three[-1].end_ms == math.inf


def test_short_clips_are_not_cut_and_segments_are_never_too_short():
    assert len(plan(6_000, 4, min_segment_ms=5000)) == 1
    segs = plan(12_000, 8, min_segment_ms=5000)
    assert len(segs) == 2
    assert all(s.end_ms - s.start_ms >= 5000 for s in segs)
