"""The Session: one ``step(rgb, t_ms) -> FrameResult`` for live and offline alike, and the
offline analysis that feeds a file through it into the report and other sinks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posecoach.adapters.estimator import Detection, PoseEstimator
from posecoach.adapters.landmarks_file import LandmarksDoc
from posecoach.adapters.light import light_measures
from posecoach.core.body import analyse_body
from posecoach.core.coach import Coach, CoachParams, FrameResult
from posecoach.core.silhouette import lumbar_curve
from posecoach.exercises.catalogue import Catalogue


class Session:
    """Estimator + coach for one stream (a webcam, a clip, an image).

    ``exercise`` None recognises the exercise; an id forces it. ``estimator`` is owned by
    the caller (open it with ``PoseEstimator`` as a context manager).
    """

    def __init__(self, catalogue: Catalogue, exercise: str | None, estimator: PoseEstimator | None,
                 params: CoachParams | None = None) -> None:
        self.catalogue = catalogue
        self.estimator = estimator
        self.coach = Coach(catalogue, exercise, params)
        self.last_detection: Detection | None = None
        self.last_image_measures: dict[str, float] = {}

    def step(self, rgb: np.ndarray, t_ms: float) -> FrameResult:
        """Estimate the pose in an RGB frame and judge it."""
        assert self.estimator is not None, "Session without an estimator can only replay landmarks"
        det = self.estimator.detect(rgb, t_ms)
        self.last_detection = det
        h, w = rgb.shape[:2]
        self.last_image_measures = {**image_measures(det, w, h), **light_measures(rgb, det.landmarks)}
        return self.coach.step(t_ms, det.landmarks, w, h, self.last_image_measures)

    def replay(self, t_ms: float, landmarks: np.ndarray | None, width: int, height: int,
               image_measures: dict[str, float]) -> FrameResult:
        """Judge a stored frame (no model run)."""
        return self.coach.step(t_ms, landmarks, width, height, image_measures)


def needs_mask(catalogue: Catalogue, exercise: str | None) -> bool:
    """Whether the segmentation mask is worth its cost: some exercise in play uses it."""
    specs = catalogue.exercises.values() if exercise is None else [catalogue[exercise]]
    return any("lumbar_curve" in spec.measures for spec in specs)


def image_measures(det: Detection, width: int, height: int) -> dict[str, float]:
    """Per-frame measures that need the image: the lower-back curve from the mask."""
    if det.mask is None or det.landmarks is None:
        return {}
    height, width = det.mask.shape[:2]  # the model may have seen the frame downscaled
    xy = det.landmarks[:, :2] * np.array([width, height], dtype=float)
    body = analyse_body(xy[None], det.landmarks[None, :, 3], det.landmarks[None, :, 2])
    curve = lumbar_curve(det.mask, body.hip_mid[0], body.shoulder_mid[0], body.belly[0])
    return {} if np.isnan(curve) else {"lumbar_curve": round(curve, 4)}


@dataclass(frozen=True)
class AnalysedFrame:
    rgb: np.ndarray | None
    detection: Detection | None
    result: FrameResult
    image_measures: dict[str, float]


def run_frames(session: Session, frames: Iterator, stride: int = 1,
               on_frame: Callable[[AnalysedFrame], None] | None = None) -> int:
    """Feed decoded frames through the session; return how many were analysed."""
    n = 0
    for i, frame in enumerate(frames):
        if i % stride:
            continue
        result = session.step(frame.rgb, frame.t_ms)
        n += 1
        if on_frame:
            on_frame(AnalysedFrame(frame.rgb, session.last_detection, result, session.last_image_measures))
    return n


def replay_landmarks(session: Session, doc: LandmarksDoc,
                     on_frame: Callable[[AnalysedFrame], None] | None = None) -> int:
    """Re-judge a landmarks file frame by frame through the same coach."""
    n = 0
    for t_ms, landmarks, measures in doc.frames:
        result = session.replay(t_ms, landmarks, doc.width, doc.height, measures)
        n += 1
        if on_frame:
            on_frame(AnalysedFrame(None, Detection(landmarks), result, measures))
    return n


def input_kind(path: Path) -> str:
    """"video", "image" or "landmarks", from the file's name (content is checked on reading)."""
    from posecoach.adapters.video import IMAGE_EXTS, VIDEO_EXTS

    ext = path.suffix.lower()
    if ext == ".json":
        return "landmarks"
    if ext in IMAGE_EXTS:
        return "image"
    if ext in VIDEO_EXTS:
        return "video"
    return "unknown"
