"""The Session: one ``step(rgb, t_ms) -> FrameResult`` for live and offline alike, and the
offline analysis that feeds a file through it into the report and other sinks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posecoach.adapters.estimator import Detection, PoseEstimator
from posecoach.adapters.landmarks_file import LandmarksDoc
from posecoach.core.coach import Coach, CoachParams, FrameResult
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

    def step(self, rgb: np.ndarray, t_ms: float) -> FrameResult:
        """Estimate the pose in an RGB frame and judge it."""
        assert self.estimator is not None, "Session without an estimator can only replay landmarks"
        det = self.estimator.detect(rgb, t_ms)
        self.last_detection = det
        h, w = rgb.shape[:2]
        return self.coach.step(t_ms, det.landmarks, w, h, {})

    def replay(self, t_ms: float, landmarks: np.ndarray | None, width: int, height: int,
               image_measures: dict[str, float]) -> FrameResult:
        """Judge a stored frame (no model run)."""
        return self.coach.step(t_ms, landmarks, width, height, image_measures)


@dataclass(frozen=True)
class AnalysedFrame:
    rgb: np.ndarray | None
    detection: Detection | None
    result: FrameResult


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
            on_frame(AnalysedFrame(frame.rgb, session.last_detection, result))
    return n


def replay_landmarks(session: Session, doc: LandmarksDoc,
                     on_frame: Callable[[AnalysedFrame], None] | None = None) -> int:
    """Re-judge a landmarks file frame by frame through the same coach."""
    n = 0
    for t_ms, landmarks, measures in doc.frames:
        result = session.replay(t_ms, landmarks, doc.width, doc.height, measures)
        n += 1
        if on_frame:
            on_frame(AnalysedFrame(None, Detection(landmarks), result))
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
