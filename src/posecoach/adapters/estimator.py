"""The pose estimator: MediaPipe's PoseLandmarker (Tasks API) behind a small interface.

VIDEO mode with strictly increasing timestamps for streams, IMAGE mode for stills. The
landmarker is closed explicitly (use it as a context manager): an unclosed one prints an
error at interpreter exit. The native library's log lines are kept off the terminal.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

QUIET_CALLS = 3  # the native library logs its warnings on the first frames: those are silenced

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@contextlib.contextmanager
def quiet_native_stderr():
    """Silence the native library's writes to file descriptor 2 for the block."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@dataclass(frozen=True)
class Detection:
    """One frame's estimate: ``landmarks`` (33, 4) normalised x, y, z, visibility or None;
    ``mask`` the person's segmentation mask (H, W) float 0..1 when asked for."""

    landmarks: np.ndarray | None
    mask: np.ndarray | None = None
    n_people: int = 0
    mask_owner: object = field(default=None, repr=False, compare=False)  # keeps ``mask``'s memory alive


class PoseEstimator:
    """MediaPipe PoseLandmarker for one stream.

    ``mode``: "video" (timestamps must increase) or "image". ``num_poses``: people to
    detect; the first is coached. ``masks``: also return segmentation masks.
    """

    def __init__(self, model_path: str | Path, mode: str = "video", num_poses: int = 1, masks: bool = False) -> None:
        from mediapipe.tasks.python import BaseOptions, vision

        running = vision.RunningMode.VIDEO if mode == "video" else vision.RunningMode.IMAGE
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path)),
            running_mode=running,
            num_poses=num_poses,
            output_segmentation_masks=masks,
        )
        with quiet_native_stderr():
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        self.mode = mode
        self._last_ts = -1
        self._calls = 0

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def silencing(self) -> bool:
        """Whether the next ``detect`` silences file descriptor 2 (its first frames): another
        thread's messages meanwhile would be lost."""
        return self._calls < QUIET_CALLS

    def close(self) -> None:
        if self._landmarker is not None:
            with quiet_native_stderr():
                self._landmarker.close()
            self._landmarker = None

    def detect(self, rgb: np.ndarray, t_ms: float) -> Detection:
        """Estimate the pose in an RGB uint8 frame (H, W, 3) at presentation time ``t_ms``."""
        import mediapipe as mp

        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        # The native library logs its warnings on the first frames only; silencing file
        # descriptor 2 process-wide on every frame would also hide other threads' messages.
        self._calls += 1
        quiet = quiet_native_stderr() if self._calls <= QUIET_CALLS else contextlib.nullcontext()
        with quiet:
            if self.mode == "video":
                ts = max(int(round(t_ms)), self._last_ts + 1)
                self._last_ts = ts
                result = self._landmarker.detect_for_video(image, ts)
            else:
                result = self._landmarker.detect(image)
        if not result.pose_landmarks:
            return Detection(None, None, 0)
        first = result.pose_landmarks[0]
        arr = np.array([[p.x, p.y, p.z, p.visibility if p.visibility is not None else 0.0] for p in first], dtype=float)
        mask, owner = None, None
        if result.segmentation_masks:
            # A read-only view, no copy: the image it belongs to frees that memory only when
            # it is collected, so the Detection keeps the image with it.
            owner = result.segmentation_masks[0]
            mask = owner.numpy_view().reshape(rgb.shape[:2])
        return Detection(arr, mask, len(result.pose_landmarks), owner)


def load_verify_frame() -> np.ndarray:
    """The known frame every provisioned model must find a pose in (RGB uint8)."""
    import cv2

    path = resources.files("posecoach.adapters").joinpath("verify_pose.jpg")
    data = np.frombuffer(path.read_bytes(), dtype=np.uint8)
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return np.ascontiguousarray(bgr[:, :, ::-1])
