"""The Session: one ``step(rgb, t_ms) -> FrameResult`` for live and offline alike, the image
measures it takes beside the landmarks, and the frame it hands on (``AnalysedFrame``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from posecoach.adapters.estimators.base import Detection, Estimator
from posecoach.adapters.light import light_measures, picture_light, subject_light
from posecoach.core.body import trunk_of_landmarks
from posecoach.core.breathing import BreathingParams, SteadyTrunk, trunk_thickness
from posecoach.core.coach import Coach, CoachParams, FrameResult, Observation
from posecoach.core.rate import carried
from posecoach.core.silhouette import lumbar_curve
from posecoach.exercises.catalogue import Catalogue


class Session:
    """Estimator + coach for one stream (a webcam, a clip, an image).

    ``exercise`` None recognises the exercise; an id forces it. ``estimator`` is owned by
    the caller (open it with ``open_estimator`` as a context manager).
    """

    def __init__(self, catalogue: Catalogue, exercise: str | None, estimator: Estimator | None,
                 params: CoachParams | None = None) -> None:
        self.catalogue = catalogue
        self.estimator = estimator
        self.coach = Coach(catalogue, exercise, params)
        self.last_detection: Detection | None = None
        self.last_image_measures: dict[str, float] = {}
        self.steady_trunk = SteadyTrunk(catalogue.breathing.trunk_window_s)  # where the breathing is read

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
        breathing = self.catalogue.breathing if self.breathing_in_play() else None
        if breathing is None:
            self.steady_trunk.reset()
        measures = image_measures(det, w, h, self.lumbar_in_play(), breathing, self.steady_trunk, t_ms)
        self.last_image_measures = {**measures, **(det.light or {})}
        width, height = size_px or (w, h)
        return self.coach.step(t_ms, det.landmarks, width, height, self.last_image_measures)

    def lumbar_in_play(self) -> bool:
        """Whether the lower back's curve is worth reading in this frame: the exercise forced, or
        the one the last frame showed, measures it, or no exercise was recognised yet (the
        next may be one that does). A rest position, a cobra or a bridge does not."""
        forced = self.coach.observer.forced
        if forced is not None:
            return "lumbar_curve" in self.catalogue[forced].measures
        last = self.coach.last_observation
        return last is None or last.exercise is None or "lumbar_curve" in self.catalogue[last.exercise].measures

    def breathing_in_play(self) -> bool:
        """Whether the trunk's thickness is worth reading in this frame: a breathing exercise is
        forced, or the last frame showed a person in one (nothing is read otherwise)."""
        forced = self.coach.observer.forced
        if forced is not None:
            return self.catalogue[forced].breathing
        last = self.coach.last_observation
        return last is not None and last.pose and last.exercise is not None and self.catalogue[last.exercise].breathing

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
    """Whether the segmentation mask is worth its cost: some exercise in play uses it (the
    lower-back curve, or the breathing of a rest position)."""
    specs = catalogue.exercises.values() if exercise is None else [catalogue[exercise]]
    return any("lumbar_curve" in spec.measures or spec.breathing for spec in specs)


def image_measures(det: Detection, width: int, height: int, lumbar: bool = True,
                   breathing: BreathingParams | None = None, steady: SteadyTrunk | None = None,
                   t_ms: float = 0.0) -> dict[str, float]:
    """Per-frame measures that need the image: the lower-back curve from the mask (with
    ``lumbar`` only), and with ``breathing`` settings (a breathing exercise in play) the trunk's
    thickness at the belly and the chest (``belly_rise``, ``chest_rise``, trunk lengths), its
    lines placed by ``steady``'s median hip and shoulder when given (the frame's own otherwise)."""
    if det.mask is None or det.landmarks is None or not (lumbar or breathing is not None):
        return {}
    height, width = det.mask.shape[:2]  # the model may have seen the frame downscaled
    trunk = trunk_of_landmarks(det.landmarks, width, height)
    out = {}
    if lumbar:
        curve = lumbar_curve(det.mask, np.array(trunk.hip_mid), np.array(trunk.shoulder_mid), np.array(trunk.belly))
        if not np.isnan(curve):
            out["lumbar_curve"] = round(curve, 4)
    if breathing is not None and trunk.trunk_ok:
        hip, shoulder = np.array(trunk.hip_mid), np.array(trunk.shoulder_mid)
        if steady is not None:
            hip, shoulder = steady.update(t_ms, hip, shoulder, det.mask.shape[:2])
        belly, chest = trunk_thickness(det.mask, hip, shoulder, breathing)
        if np.isfinite(belly) and np.isfinite(chest):
            # 5 decimals (5e-6 mm on a 500 mm trunk), as a landmarks file keeps them: a replay reads the same
            out.update(belly_rise=round(belly, 5), chest_rise=round(chest, 5))
    return out


@dataclass(frozen=True)
class AnalysedFrame:
    """A frame's result; ``analysed`` False: the rate skipped it, its result is carried
    forward from the analysed frame before (no detection, no image measures)."""

    rgb: np.ndarray | None
    detection: Detection | None
    result: FrameResult
    image_measures: dict[str, float]
    analysed: bool = True
