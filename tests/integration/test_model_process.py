"""The landmarker in a process of its own gives what it gives in this one, and fails plainly."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from posecoach.adapters.estimators.model_process import ModelProcess, ModelProcessError
from posecoach.adapters.estimators.people_aware import PeopleAwareEstimator
from posecoach.adapters.video import VideoReader
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow
CLIP = SAMPLES / "lunge_kneeling_ok_a.mp4"


def _frames(n: int) -> list:
    with VideoReader(CLIP) as reader:
        return [f for _, f in zip(range(n), reader.frames(), strict=False)]


def test_fed_ahead_it_finds_the_same_poses_and_masks_as_in_process(full_model):
    frames = _frames(40)
    with PeopleAwareEstimator(full_model.path, mode="video", masks=True) as local:
        expected = [local.detect(f.rgb, f.t_ms) for f in frames]
    got = []
    with ModelProcess(full_model.path, masks=True, shape=frames[0].rgb.shape) as remote:
        for f in frames:
            if remote.in_flight >= remote.depth:
                got.append(remote.collect())
            remote.submit(f.rgb, f.t_ms)
        while remote.in_flight:
            got.append(remote.collect())
        changes = remote.person_changes
    assert len(got) == len(expected)
    assert sum(d.landmarks is not None for d in got) >= 38
    for a, b in zip(expected, got, strict=True):
        assert (a.landmarks is None) == (b.landmarks is None) and a.n_people == b.n_people
        if a.landmarks is not None:
            np.testing.assert_allclose(b.landmarks, a.landmarks, atol=1e-5)
            assert b.mask.shape == frames[0].rgb.shape[:2]
            np.testing.assert_allclose(b.mask, a.mask, atol=1e-5)
    assert changes == 0


def test_a_frame_of_another_size_still_gets_its_pose(full_model):
    frames = _frames(3)
    with ModelProcess(full_model.path, masks=True, shape=frames[0].rgb.shape, people=False) as remote:
        first = remote.detect(frames[0].rgb, 0.0)
        # Two large frames in flight, and their masks, through the pipe: neither side may wait on the other.
        halves = [np.ascontiguousarray(f.rgb[::2, ::2]) for f in frames[1:]]
        for i, half in enumerate(halves):
            remote.submit(half, 33.0 * (i + 1))
        second, third = remote.collect(), remote.collect()
    assert first.landmarks is not None and second.landmarks is not None and third.landmarks is not None
    assert second.mask.shape == third.mask.shape == halves[0].shape[:2]
    np.testing.assert_allclose(second.landmarks[:, :2], first.landmarks[:, :2], atol=0.05)


def test_more_frames_than_its_slots_before_collecting_is_refused(full_model):
    frames = _frames(3)
    with ModelProcess(full_model.path, shape=frames[0].rgb.shape, depth=2) as remote:
        remote.submit(frames[0].rgb, 0.0)
        remote.submit(frames[1].rgb, 33.0)
        with pytest.raises(ModelProcessError, match="collect"):
            remote.submit(frames[2].rgb, 66.0)


def test_a_model_that_will_not_load_is_one_plain_error(tmp_path):
    bad = tmp_path / "pose.task"
    bad.write_bytes(b"not a model")
    with ModelProcess(bad, shape=(48, 64, 3)) as remote, pytest.raises(ModelProcessError, match="failed"):
        remote.detect(np.zeros((48, 64, 3), np.uint8), 0.0)


def test_a_model_process_that_dies_is_reported_not_waited_for(full_model):
    frames = _frames(2)
    with ModelProcess(full_model.path, shape=frames[0].rgb.shape) as remote:
        remote.detect(frames[0].rgb, 0.0)
        os.kill(remote.pid, signal.SIGKILL)
        with pytest.raises(ModelProcessError, match="stopped"):
            remote.detect(frames[1].rgb, 33.0)


def test_closed_with_large_detections_in_flight_it_ends_when_asked_not_killed(full_model):
    frames = _frames(2)
    with ModelProcess(full_model.path, masks=True, shape=None) as remote:  # everything through the pipe
        remote.detect(frames[0].rgb, 0.0)
        remote.submit(frames[0].rgb, 33.0)
        remote.submit(frames[1].rgb, 66.0)
    assert remote.exitcode == 0


def test_frames_larger_than_the_model_sees_get_their_masks_back_through_shared_memory(full_model):
    import cv2

    from posecoach.adapters.estimators.landmarker import MAX_SIDE_PX
    from posecoach.adapters.video import scaled_size

    big = [np.ascontiguousarray(cv2.resize(f.rgb, (1920, 1440), interpolation=cv2.INTER_CUBIC)) for f in _frames(3)]
    with PeopleAwareEstimator(full_model.path, mode="video", masks=True) as local:
        expected = [local.detect(rgb, 33.0 * i) for i, rgb in enumerate(big)]
    with ModelProcess(full_model.path, masks=True, shape=big[0].shape) as remote:
        # The mask slots are at the size the model sees (the frame shrunk to MAX_SIDE_PX), not the frame's.
        seen_w, seen_h = scaled_size(1920, 1440, MAX_SIDE_PX)
        assert remote._masks.shape[1:] == (seen_h, seen_w)
        got = [remote.detect(rgb, 33.0 * i) for i, rgb in enumerate(big)]
    for a, b in zip(expected, got, strict=True):
        assert a.landmarks is not None and b.landmarks is not None
        np.testing.assert_allclose(b.landmarks, a.landmarks, atol=1e-5)
        assert b.mask.shape == (seen_h, seen_w)
        np.testing.assert_allclose(b.mask, a.mask, atol=1e-5)
