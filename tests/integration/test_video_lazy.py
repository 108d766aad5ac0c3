"""Frames converted to RGB only when used: the same pixels and times as converted at once."""

from __future__ import annotations

import av
import numpy as np

from posecoach.adapters.video import VideoReader
from tests.conftest import SAMPLES

CLIP = SAMPLES / "lunge_kneeling_ok_a.mp4"


def test_lazy_frames_give_the_same_pixels_and_times_as_eager_ones():
    with VideoReader(CLIP) as eager_reader, VideoReader(CLIP) as lazy_reader:
        eager = list(eager_reader.frames())
        lazy = list(lazy_reader.frames(lazy=True))
    assert [(f.t_ms, f.index) for f in lazy] == [(f.t_ms, f.index) for f in eager]
    every_7th = range(0, len(eager), 7)  # the others are never converted
    assert all(np.array_equal(lazy[i].rgb, eager[i].rgb) for i in every_7th)


def test_the_readers_conversion_is_ffmpegs_own_at_full_size_and_shrunk():
    with av.open(str(CLIP)) as container:
        plain = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)][:30]
    with av.open(str(CLIP)) as container:
        small = [f.to_ndarray(format="rgb24", width=320, height=240, interpolation="AREA")
                 for f in container.decode(video=0)][:30]
    with VideoReader(CLIP) as full, VideoReader(CLIP, max_side_px=320) as shrunk:
        ours = [f.rgb for f, _ in zip(full.frames(lazy=True), range(30), strict=False)]
        ours_small = [f.rgb for f, _ in zip(shrunk.frames(), range(30), strict=False)]
    assert all(np.array_equal(a, b) for a, b in zip(ours, plain, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(ours_small, small, strict=True))
