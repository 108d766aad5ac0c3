"""The real MediaPipe landmarker on the project's rendered clips."""

from __future__ import annotations

import json

import numpy as np
import pytest

from posecoach.adapters.estimators.landmarker import PoseEstimator
from posecoach.adapters.video import VideoReader
from posecoach.core.landmarks import INDEX
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow
CLIP = SAMPLES / "lunge_kneeling_ok_a.mp4"


def test_finds_the_rendered_body_where_the_truth_says_it_is(full_model):
    truth = json.loads(CLIP.with_suffix("").with_suffix(".truth.json").read_text())
    found, offsets = 0, []
    with PoseEstimator(full_model.path, mode="video") as est, VideoReader(CLIP) as reader:
        for i, frame in enumerate(reader.frames()):
            if i % 5:
                continue
            det = est.detect(frame.rgb, frame.t_ms)
            if det.landmarks is None:
                continue
            found += 1
            joints = truth["frames"][i]["joints_2d"]
            px = det.landmarks[:, :2] * [frame.rgb.shape[1], frame.rgb.shape[0]]
            # labels may swap legs, so compare each truth knee with the nearer detected knee
            for name in ("left_knee", "right_knee", "left_ankle", "right_ankle"):
                pair = [INDEX[name.replace("right", "left")], INDEX[name.replace("left", "right")]]
                offsets.append(min(np.hypot(*(px[j] - joints[name])) for j in pair))
    assert found >= 0.95 * len(range(0, len(truth["frames"]), 5))
    assert np.median(offsets) < 15  # pixels, on a 640x480 frame


def test_masks_come_with_the_landmarks_when_asked(full_model):
    with VideoReader(CLIP) as reader:
        frame = next(f for i, f in enumerate(reader.frames()) if i == 100)
    with PoseEstimator(full_model.path, mode="image", masks=True) as est:
        det = est.detect(frame.rgb, 0)
    assert det.mask is not None and det.mask.shape == frame.rgb.shape[:2]
    assert 0.02 < (det.mask > 0.5).mean() < 0.5  # a person, not the whole picture
    hip = (det.landmarks[23, :2] * [640, 480]).astype(int)
    assert det.mask[hip[1], hip[0]] > 0.5


def test_a_mask_is_its_frames_after_the_model_has_moved_on(full_model):
    """The mask is MediaPipe's own pixels, not a copy: it must stay the frame's own while the
    model sees the next frames and its result objects are collected."""
    import gc

    with VideoReader(CLIP) as reader:
        frames = [f for i, f in enumerate(reader.frames()) if i in (40, 100, 160, 220)]
    with PoseEstimator(full_model.path, mode="video", masks=True) as est:
        first = est.detect(frames[0].rgb, frames[0].t_ms).mask
        kept = first.copy()
        later = [est.detect(f.rgb, f.t_ms).mask for f in frames[1:]]
        gc.collect()
        assert not first.flags.writeable
        assert np.array_equal(first, kept)
        assert not any(np.array_equal(first, m) for m in later)  # the body moved: the masks differ


def test_a_masks_pixels_are_read_as_mediapipes_own_view_gives_them(full_model):
    """The mask's pixels are read at the address the image's library gives: the same array,
    at the same address, as MediaPipe's ``numpy_view``; an image without the library's
    handle (another MediaPipe build) is read through ``numpy_view``."""
    from posecoach.adapters.estimators.landmarker import mask_pixels

    with VideoReader(CLIP) as reader:
        frames = [f for i, f in enumerate(reader.frames()) if i in (40, 160)]
    with PoseEstimator(full_model.path, mode="video", masks=True) as est:
        for frame in frames:
            image = est.infer(frame.rgb, frame.t_ms).segmentation_masks[0]
            view = image.numpy_view()
            read = mask_pixels(image, frame.rgb.shape[:2])
            assert read.shape == frame.rgb.shape[:2] and read.dtype == np.float32 and not read.flags.writeable
            assert read.__array_interface__["data"][0] == view.__array_interface__["data"][0]
            assert np.array_equal(read, view[:, :, 0]) and 0.02 < (read > 0.5).mean() < 0.5

            class ViewOnly:  # an image that only offers numpy_view
                def __init__(self, image) -> None:
                    self.numpy_view = image.numpy_view

            assert np.array_equal(mask_pixels(ViewOnly(image), frame.rgb.shape[:2]), read)
            with pytest.raises(ValueError):  # a size that is not the mask's: not read past its pixels
                mask_pixels(image, (frame.rgb.shape[0] // 2, frame.rgb.shape[1]))


def test_video_mode_accepts_repeated_timestamps_without_raising(full_model):
    with VideoReader(CLIP) as reader:
        frames = [f for _, f in zip(range(3), reader.frames(), strict=False)]
    with PoseEstimator(full_model.path, mode="video") as est:
        for f in frames:
            est.detect(f.rgb, 0.0)  # the adapter keeps MediaPipe's timestamps strictly increasing


def test_mediapipe_loads_without_its_plotting_module_which_still_works_when_used():
    import subprocess
    import sys

    code = """
import sys
from posecoach.adapters.estimators.landmarker import import_mediapipe
import_mediapipe()
assert 'matplotlib.figure' not in sys.modules, 'pyplot was loaded at start-up'
from mediapipe.tasks.python.vision import drawing_utils
import matplotlib
matplotlib.use('Agg')
fig = drawing_utils.plt.figure()
assert 'matplotlib.figure' in sys.modules and type(fig).__name__ == 'Figure'
import matplotlib.pyplot as plt
assert plt.figure is drawing_utils.plt.figure
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
