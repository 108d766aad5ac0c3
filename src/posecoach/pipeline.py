"""The Session: one ``step(rgb, t_ms) -> FrameResult`` for live and offline alike, and the
offline analysis that feeds a file through it into the report and other sinks."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from posecoach.adapters.estimator import Detection, PoseEstimator
from posecoach.adapters.landmarks_file import LandmarksDoc
from posecoach.adapters.light import light_measures, picture_light, subject_light
from posecoach.core.body import analyse_trunk
from posecoach.core.coach import Coach, CoachParams, FrameResult, Observation
from posecoach.core.rate import FixedRate, Rate, carried
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

    def step(self, rgb: np.ndarray, t_ms: float, size_px: tuple[int, int] | None = None) -> FrameResult:
        """Estimate the pose in an RGB frame and judge it. ``size_px`` (width, height) is the
        displayed size when ``rgb`` was shrunk for the model: angles are measured at that size."""
        return self.judge(self.detect(rgb, t_ms), t_ms, rgb.shape, size_px)

    def detect(self, rgb: np.ndarray, t_ms: float) -> Detection:
        """The model's part of ``step``: the pose (and mask) in the frame, with its light
        measures. The whole picture's are read before the model runs, while the frame just
        converted is still in the processor's cache (after the model it has to be fetched
        again: twice the time); the person's after, from the same luma sample."""
        assert self.estimator is not None, "Session without an estimator can only replay landmarks"
        luma, light = picture_light(rgb)
        det = self.estimator.detect(rgb, t_ms)
        self.last_detection = replace(det, light={**light, **subject_light(luma, det.landmarks)})
        return self.last_detection

    def with_light(self, det: Detection, rgb: np.ndarray) -> Detection:
        """The detection with the frame's light measures (read where the frame is: the judging
        may run on another thread)."""
        self.last_detection = replace(det, light=light_measures(rgb, det.landmarks))
        return self.last_detection

    def judge(self, det: Detection, t_ms: float, frame_shape: tuple[int, ...],
              size_px: tuple[int, int] | None = None) -> FrameResult:
        """The rest of ``step``: image measures and the coach, for a detection in a frame of
        ``frame_shape`` (height, width, ...)."""
        h, w = frame_shape[:2]
        self.last_image_measures = {**image_measures(det, w, h), **(det.light or {})}
        width, height = size_px or (w, h)
        return self.coach.step(t_ms, det.landmarks, width, height, self.last_image_measures)

    def carry(self, t_ms: float) -> FrameResult:
        """A frame the rate skipped, at ``t_ms``: the last analysed frame's observation carried
        forward (``core.rate.carried``) and judged, so the hold timer, the cue's cooldown and
        the reps move on frame by frame as they would live. With no analysed frame before, a
        frame without a person."""
        last = self.coach.last_observation
        if last is None:
            last = Observation(t_ms, False, self.coach.observer.forced, 0.0, None, None, None, {}, False, False)
        return self.coach.judge.judge(carried(last, t_ms))

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
    trunk = analyse_trunk(xy[None], det.landmarks[None, :, 3])
    curve = lumbar_curve(det.mask, trunk.hip_mid[0], trunk.shoulder_mid[0], trunk.belly[0])
    return {} if np.isnan(curve) else {"lumbar_curve": round(curve, 4)}


@dataclass(frozen=True)
class AnalysedFrame:
    """A frame's result; ``analysed`` False: the rate skipped it, its result is carried
    forward from the analysed frame before (no detection, no image measures)."""

    rgb: np.ndarray | None
    detection: Detection | None
    result: FrameResult
    image_measures: dict[str, float]
    analysed: bool = True


def run_frames(session: Session, frames: Iterable, stride: int = 1,
               on_frame: Callable[[AnalysedFrame], None] | None = None) -> int:
    """Feed decoded frames through the session, every ``stride``-th; return how many were analysed."""
    return analyse_frames(session, frames, FixedRate(stride), on_frame)


def frame_state(r: FrameResult) -> tuple:
    """What the adaptive rate must not miss changing: person, exercise, side, view, verdicts, cue."""
    return r.pose, r.exercise, r.side, r.view, tuple(r.checks.items()), tuple(r.cues)


def analyse_frames(session: Session, frames: Iterable, rate: Rate,
                   on_frame: Callable[[AnalysedFrame], None] | None = None,
                   keep_from_ms: float = -math.inf, size_px: tuple[int, int] | None = None,
                   overlap: bool = False, on_skip: Callable | None = None) -> int:
    """Feed decoded frames through the session, those ``rate`` picks; frames before
    ``keep_from_ms`` only warm the session up (a segment's lead-in). Returns how many were
    analysed and kept. A frame's number is its ``index`` when it has one, else its position.
    ``on_skip(frame)``: called for each kept frame the rate skips, in order (its pixels are
    not touched, so a ``LazyFrame`` is never converted unless ``on_skip`` asks).

    ``overlap``: with a fixed rate, judge each frame (and call ``on_frame``) on a second
    thread while the model runs on the next one; the results are the same, in the same order.
    """
    if overlap and isinstance(rate, FixedRate):
        from posecoach.stages import analyse_overlapped

        return analyse_overlapped(session, frames, rate, on_frame, keep_from_ms, size_px)
    n = 0
    for i, frame in enumerate(frames):
        index = frame.index if frame.index >= 0 else i
        if not rate.wants(index, frame.t_ms):
            if on_skip is not None and frame.t_ms >= keep_from_ms:
                on_skip(frame)
            continue
        result = session.step(frame.rgb, frame.t_ms, size_px)
        rate.update(index, result.t_ms, result.landmarks_px, result.visibility, frame_state(result),
                    session.coach.observer.recognition_due_ms, (result.pose, result.exercise),
                    session.coach.observer.entry_due_ms)
        if frame.t_ms < keep_from_ms:
            continue
        n += 1
        if on_frame:
            on_frame(AnalysedFrame(frame.rgb, session.last_detection, result, session.last_image_measures))
    return n


def replay_landmarks(session: Session, doc: LandmarksDoc,
                     on_frame: Callable[[AnalysedFrame], None] | None = None) -> int:
    """Re-judge a landmarks file frame by frame through the same coach; a frame the review
    skipped (``doc.carried``) carries the frame before forward again, as the review did."""
    n = 0
    for i, (t_ms, landmarks, measures) in enumerate(doc.frames):
        carry = i in doc.carried and session.coach.last_observation is not None
        if carry:
            result = session.carry(t_ms)
        else:
            result = session.replay(t_ms, landmarks, doc.width, doc.height, measures)
        n += 1
        if on_frame:
            on_frame(AnalysedFrame(None, Detection(landmarks), result, measures, analysed=not carry))
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
