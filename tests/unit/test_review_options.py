"""How `posecoach analyze` picks the frames from its options (no model run)."""

from __future__ import annotations

import os

import pytest

from posecoach.adapters.video import InputError
from posecoach.core.rate import REVIEW_RATE
from posecoach.services.analyse_file import DEFAULT_MAX_SIDE_PX, AnalyseRequest, analysis_plan


def plan(**options):
    return analysis_plan(AnalyseRequest(input="clip.mp4", **options))


def test_the_default_review_follows_the_body_on_every_core():
    p = plan()
    assert p.adaptive and p.review == REVIEW_RATE and p.workers == (os.cpu_count() or 1)
    assert p.max_side_px == DEFAULT_MAX_SIDE_PX == 960
    assert p.for_fps(30.0).rate_params.max_stride == 12 and p.for_fps(30.0).report_stride == 1
    assert plan(fast=True) == p  # --fast is the default now


def test_exact_is_every_frame_at_full_size_in_one_process():
    for p in (plan(exact=True), plan(rate="fixed"), plan(rate="fixed", stride=1)):
        assert not p.adaptive and p.stride == 1 and p.workers == 1 and p.max_side_px is None
    assert plan(rate="fixed", stride=3).report_stride == 3
    assert plan(exact=True, workers=2).workers == 2  # asked for: segments at every frame


def test_a_stride_with_the_adaptive_rate_bounds_the_gap_in_frames():
    p = plan(rate="adaptive", stride=5)
    assert p.rate_params.max_stride == 5 and not p.rate_params.follow_recognition and p.review is None


@pytest.mark.parametrize("options", [{"exact": True, "rate": "adaptive"}, {"exact": True, "stride": 2},
                                     {"exact": True, "fast": True}, {"stride": 0}, {"workers": -1}, {"max_side": 10}])
def test_options_that_cannot_go_together_are_one_line(options):
    with pytest.raises(InputError) as err:
        plan(**options)
    assert "\n" not in str(err.value)
