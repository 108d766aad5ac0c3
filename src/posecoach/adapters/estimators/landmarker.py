"""The pose estimator: MediaPipe's PoseLandmarker (Tasks API) behind a small interface.

VIDEO mode with strictly increasing timestamps for streams, IMAGE mode for stills. Frames
larger than ``MAX_SIDE_PX`` on their longest side are downscaled before inference (the
landmarks are normalised, so nothing downstream changes; a mask comes at the reduced size).
The landmarker is closed explicitly (use it as a context manager): an unclosed one prints an
error at interpreter exit. The native library's log lines are kept off the terminal.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import importlib
import itertools
import os
import sys
import types
from importlib import resources
from pathlib import Path
from typing import ClassVar

import numpy as np

from posecoach.adapters.estimators.base import Detection
from posecoach.adapters.native_log import quiet_native_stderr
from posecoach.adapters.video import scaled_size

QUIET_CALLS = 3  # the native library logs its warnings on the first frames: those are silenced

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MAX_SIDE_PX = 1280  # the model works at 256 px; larger frames only cost time to convert


# A module MediaPipe's package imports at start-up for its drawing helpers, which posecoach
# never calls: a stand-in imports it on first use instead (about 0.25 s off every process
# that loads the model; `posecoach bench speed`'s cold start).
_DEFERRED = ("matplotlib.pyplot",)


class _OnFirstUse(types.ModuleType):
    """Stands in for a module in ``sys.modules`` until one of its attributes is read, then
    imports the real one (which replaces it) and answers from it."""

    def __getattr__(self, attr: str):
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        try:
            real = importlib.import_module(self.__name__)
        except (ImportError, OSError) as exc:
            raise AttributeError(f"{self.__name__} cannot be imported: {exc}") from exc
        return getattr(real, attr)


def import_mediapipe() -> None:
    """Import MediaPipe's tasks, with its unused helpers' imports deferred."""
    for name in _DEFERRED:
        sys.modules.setdefault(name, _OnFirstUse(name))
    import mediapipe.tasks.python.vision  # noqa: F401


def downscaled(rgb: np.ndarray, max_side_px: int | None) -> np.ndarray:
    """The frame with its longest side at most ``max_side_px`` (aspect ratio kept), or itself."""
    h, w = rgb.shape[:2]
    size = scaled_size(w, h, max_side_px)
    if size == (w, h):
        return rgb
    import cv2

    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


class PoseEstimator:
    """MediaPipe PoseLandmarker for one stream.

    ``mode``: "video" (timestamps must increase) or "image". ``num_poses``: people to
    detect (``posecoach.adapters.estimators.people_aware`` chooses whom to coach). ``masks``: also return
    segmentation masks. ``max_side_px``: larger frames are downscaled first (None: never).
    """

    pipelined: ClassVar[bool] = False
    person_changes: ClassVar[int] = 0  # it does not choose a person

    def __init__(self, model_path: str | Path, mode: str = "video", num_poses: int = 1, masks: bool = False,
                 max_side_px: int | None = MAX_SIDE_PX) -> None:
        import_mediapipe()
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
        self.num_poses = num_poses
        self.max_side_px = max_side_px
        self.last_input_size: tuple[int, int] | None = None  # (width, height) the model last saw
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
        """Estimate the pose in an RGB uint8 frame (H, W, 3) at presentation time ``t_ms``
        (the model's first person when it found several)."""
        found = self.detect_all(rgb, t_ms)
        return found[0] if found else Detection(None, None, 0)

    def detect_all(self, rgb: np.ndarray, t_ms: float) -> list[Detection]:
        """Every person found (at most ``num_poses``), each with its own mask; [] when nobody."""
        rgb = downscaled(rgb, self.max_side_px)
        self.last_input_size = (rgb.shape[1], rgb.shape[0])
        result = self.infer(rgb, t_ms)
        poses = result.pose_landmarks or []
        masks = result.segmentation_masks or []
        found = []
        for i, pose in enumerate(poses):
            arr = np.fromiter(itertools.chain.from_iterable(
                (p.x, p.y, p.z, 0.0 if p.visibility is None else p.visibility) for p in pose), dtype=float,
                count=4 * len(pose)).reshape(len(pose), 4)
            mask = mask_pixels(masks[i], rgb.shape[:2]) if i < len(masks) else None
            found.append(Detection(arr, mask, len(poses)))
        return found

    def infer(self, rgb: np.ndarray, t_ms: float):
        """The model's own part of ``detect_all``: MediaPipe's call on the pixels (wrapped as its
        image), its result as MediaPipe gives it."""
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
                return self._landmarker.detect_for_video(image, ts)
            return self._landmarker.detect(image)


class _Owned:
    """An array interface that keeps the object owning the memory alive: an array made from
    it (``np.asarray``) holds this, and so the owner, for as long as the array lives."""

    def __init__(self, interface: dict, owner: object) -> None:
        self.__array_interface__ = interface
        self.owner = owner


def mask_pixels(image, shape: tuple[int, int]) -> np.ndarray:
    """A MediaPipe mask image's pixels (H, W) float32 0..1 (its masks are one 32-bit float a
    pixel), read-only, without a copy: the image MediaPipe hands over keeps its own pixels alive
    until it is collected (``Image.create_from_ctypes``), and the array keeps the image. A copy
    cost about 0.2 ms a 640x480 frame in the review. The pixels' address is asked of the
    image's own library (``_mask_address``): ``numpy_view`` gives the same array for about
    50 us more a frame after the model (a ctypes array type made at each call)."""
    address = _mask_address(image, shape)
    if address is None:
        return np.asarray(_Owned(image.numpy_view().__array_interface__, image)).reshape(shape)
    interface = {"data": (address, True), "shape": shape, "typestr": "<f4", "version": 3}
    return np.asarray(_Owned(interface, image))


def _mask_address(image, shape: tuple[int, int]) -> int | None:
    """The address of a mask image's pixels when it is an (H, W) = ``shape`` image of one
    32-bit float a pixel, read through the image's library handle and pointer as ``numpy_view``
    reads them (the library lays the pixels out contiguously for this call); None when the
    image is anything else or MediaPipe's image is not built that way (``numpy_view`` then)."""
    lib, pointer = getattr(image, "_lib", None), getattr(image, "_image_ptr", None)
    if lib is None or pointer is None:
        return None
    h, w = shape
    if (lib.MpImageGetFormat(pointer) != _float_format() or lib.MpImageGetWidth(pointer) != w
            or lib.MpImageGetHeight(pointer) != h):
        return None
    data, error = _FLOAT_POINTER(), ctypes.c_char_p()
    if lib.MpImageDataFloat32(pointer, ctypes.byref(data), ctypes.byref(error)) != 0:
        if error.value is not None:
            lib.MpErrorFree(error)
        return None
    return ctypes.cast(data, ctypes.c_void_p).value or None


_FLOAT_POINTER = ctypes.POINTER(ctypes.c_float)


@functools.cache
def _float_format() -> int:
    """MediaPipe's code for an image of one 32-bit float a pixel (its masks)."""
    from mediapipe.tasks.python.vision.core.image import ImageFormat

    return int(ImageFormat.VEC32F1)


def load_verify_frame() -> np.ndarray:
    """The known frame every provisioned model must find a pose in (RGB uint8)."""
    import cv2

    path = resources.files("posecoach.adapters").joinpath("verify_pose.jpg")
    data = np.frombuffer(path.read_bytes(), dtype=np.uint8)
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return np.ascontiguousarray(bgr[:, :, ::-1])
