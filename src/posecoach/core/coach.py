"""The coach: one causal step per frame, from landmarks to verdicts, cue and hold.

The same object runs live and offline. Time (``t_ms``) is an argument; nothing here
reads a clock, touches a camera or draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from posecoach.core import landmarks as lm
from posecoach.core.body import VIEW_NAMES, Body, BodyParams, analyse_body
from posecoach.core.checks import FAIL, PASS, UNKNOWN, VERDICT_NAMES, CheckSpec, evaluate, failing_cue
from posecoach.core.holds import HoldStatus, HoldTracker
from posecoach.core.measures import (
    IMAGE_MEASURES,
    back_leg,
    bent_knee_leg,
    bent_leg,
    compute_measures,
    front_leg,
    near_leg,
    straight_leg,
    working_side,
)
from posecoach.core.recognize import RecognitionSmoother, recognize
from posecoach.core.smoothing import OneEuroFilter, OneEuroParams

SIDE_NAMES = ("left", "right")

CUE_TURN_SIDE = "Turn side-on to the camera"
CUE_TURN_FRONT = "Face the camera"
CUE_FEET_OUT = "Step back: your feet are out of frame"
CUE_HEAD_OUT = "Step back: your head is out of frame"
CUE_NOT_VISIBLE = "Move so the camera sees your whole body from the side"
CUE_NO_PERSON = "Step into the camera's view"


@dataclass(frozen=True)
class CoachParams:
    """Engine settings: smoothing, cue cooldown, hold grace period."""

    smoothing: OneEuroParams = field(default_factory=OneEuroParams)
    body: BodyParams = field(default_factory=BodyParams)
    cue_cooldown_s: float = 3.0  # a shown cue stays at least this long while its check fails
    hold_grace_s: float = 5.0  # out of the pose longer than this ends the set


@dataclass(frozen=True)
class FrameResult:
    """Everything the coach says about one frame (``t_ms`` presentation time)."""

    t_ms: float
    pose: bool
    exercise: str | None
    confidence: float
    facing: str | None
    side: str | None
    view: str | None
    angles: dict[str, float | None]
    checks: dict[str, str]
    cues: list[str]
    hold: HoldStatus
    landmarks_px: np.ndarray | None  # smoothed (33, 2) pixels, y down
    visibility: np.ndarray | None  # (33,)
    anchors: dict[str, int]  # measure -> landmark index to label it at


def _anchor_leg(name: str, b: Body) -> int | None:
    joint = {
        "front_knee": (lm.KNEE, front_leg), "front_shin": (lm.ANKLE, front_leg),
        "back_hip": (lm.HIP, back_leg), "back_knee_lift": (lm.KNEE, back_leg),
        "elbow": (lm.ELBOW, near_leg), "hip": (lm.HIP, near_leg), "knee": (lm.KNEE, near_leg),
        "body_line": (lm.HIP, near_leg), "bent_hip": (lm.HIP, bent_leg),
        "straight_knee": (lm.KNEE, straight_leg), "straight_hip": (lm.HIP, straight_leg),
        "hang_hip": (lm.HIP, straight_leg), "neck": (lm.EAR, near_leg),
        "trunk_lean": (lm.SHOULDER, near_leg), "hip_level": (lm.HIP, near_leg),
    }.get(name)
    if joint is None:
        return None
    pair, rule = joint
    leg = int(rule(b)[0])
    return pair[leg] if leg >= 0 else None


# Measures in trunk lengths (dimensionless) keep three decimals; angles one.
RATIO_MEASURES = frozenset({"back_knee_lift", "hip_lift", "feet_width", "knee_gap", "ankle_to_knee", "lumbar_curve"})


def _finite_or_none(value: float, name: str = "") -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), 3 if name in RATIO_MEASURES else 1)


class Coach:
    """Stateful per-frame engine for one person's stream.

    ``exercise`` None recognises the exercise on each frame; an id forces it.
    """

    def __init__(self, catalogue, exercise: str | None = None, params: CoachParams | None = None) -> None:
        self.catalogue = catalogue
        self.forced = exercise
        self.params = params or CoachParams()
        self._filter = OneEuroFilter(self.params.smoothing)
        self._states: dict[tuple[str, str], int] = {}
        self._cue: tuple[str, str, float] | None = None  # (check id or guidance, text, since_ms)
        self.holds = HoldTracker(grace_s=self.params.hold_grace_s)
        self._last_exercise: str | None = None
        self._rep_state = UNKNOWN
        self._recognition = RecognitionSmoother()

    def step(
        self, t_ms: float, landmarks: np.ndarray | None, width_px: int, height_px: int,
        image_measures: dict[str, float] | None = None,
    ) -> FrameResult:
        """Judge one frame. ``landmarks``: (33, 4) normalised x, y, z, visibility, or None."""
        if landmarks is None or not np.isfinite(landmarks[:, :2]).any():
            return self._no_person(t_ms)
        raw = np.asarray(landmarks, dtype=float)
        scale = float(max(width_px, height_px))
        xy_norm = raw[:, :2] * np.array([width_px, height_px]) / scale
        smooth = self._filter(xy_norm, t_ms) * scale
        body = analyse_body(smooth[None], raw[None, :, 3], raw[None, :, 2], self.params.body)
        if self.forced is not None:
            exercise, confidence = self.forced, 1.0
        else:
            rec = self._recognition.update(t_ms, recognize(body)[0])
            exercise, confidence = rec.exercise, rec.confidence
        view = VIEW_NAMES[int(body.view[0])] if body.view[0] >= 0 else None
        facing = SIDE_NAMES[int(body.facing[0])] if body.facing[0] >= 0 else None
        if exercise != self._last_exercise:
            self._states = {k: v for k, v in self._states.items() if k[0] == exercise}
            self._last_exercise = exercise
        if exercise is None:
            hold = self.holds.update(t_ms, None, None, False, 0.0, False)
            return FrameResult(t_ms, True, None, confidence, facing, facing, view, {}, {}, [], hold,
                               smooth, raw[:, 3], {})
        spec = self.catalogue[exercise]
        if spec.front_leg_rule == "bent_knee":
            body = replace(body, front_leg=bent_knee_leg(body))
        image_measures = image_measures or {}
        measures = compute_measures(body, spec.measures)
        for name in IMAGE_MEASURES:
            if name in spec.measures:
                value = image_measures.get(name)
                measures[name] = np.array([np.nan if value is None else float(value)])
        views = np.array([view], dtype=object)
        verdicts: dict[str, int] = {}
        for check in spec.checks:
            key = (exercise, check.id)
            verdicts[check.id] = int(evaluate(check, measures, views, self._states.get(key, UNKNOWN))[0])
            self._states[key] = verdicts[check.id]
        side_idx = int(working_side(body, spec.side_rule)[0])
        side = SIDE_NAMES[side_idx] if side_idx >= 0 else None
        required = [c for c in spec.checks if c.required and (view in c.views)]
        good = bool(required) and all(verdicts[c.id] == PASS for c in required)
        if not spec.checks:
            good = True
        if spec.reps_check is not None:
            before = self._rep_state
            self._rep_state = verdicts[spec.reps_check]
            if before == PASS and self._rep_state == FAIL:
                self.holds.add_rep()
        hold = self.holds.update(t_ms, exercise, side, spec.each_side, spec.hold_s, good)
        cue = self._pick_cue(t_ms, spec, verdicts, measures, body, view)
        anchors = {n: a for n in measures if (a := _anchor_leg(n, body)) is not None}
        return FrameResult(
            t_ms=t_ms, pose=True, exercise=exercise, confidence=confidence, facing=facing, side=side,
            view=view, angles={n: _finite_or_none(v[0], n) for n, v in measures.items()},
            checks={cid: VERDICT_NAMES[v] for cid, v in verdicts.items()},
            cues=[cue] if cue else [], hold=hold, landmarks_px=smooth, visibility=raw[:, 3], anchors=anchors,
        )

    def _no_person(self, t_ms: float) -> FrameResult:
        self._filter.reset()
        self._states.clear()
        exercise = self.forced
        hold = self.holds.update(t_ms, None, None, False, 0.0, False)
        checks = {c.id: "unknown" for c in self.catalogue[exercise].checks} if exercise else {}
        self._cue = None
        return FrameResult(t_ms, False, exercise, 0.0, None, None, None, {}, checks, [CUE_NO_PERSON], hold,
                           None, None, {})

    def _guidance(self, spec, verdicts: dict[str, int], body: Body, view: str | None) -> str | None:
        """View or visibility guidance when required checks cannot be judged."""
        if spec.view == "side" and view in ("front", "back"):
            return CUE_TURN_SIDE
        if spec.view == "front" and view == "side":
            return CUE_TURN_FRONT
        unknown_required = [c for c in spec.checks if c.required and verdicts[c.id] == UNKNOWN]
        if not unknown_required:
            return None
        xy, vis = body.xy[0], body.vis[0]
        feet = [lm.LEFT_ANKLE, lm.RIGHT_ANKLE, lm.LEFT_HEEL, lm.RIGHT_HEEL, lm.LEFT_FOOT, lm.RIGHT_FOOT]
        if all(vis[i] < self.params.body.min_visibility for i in feet):
            return CUE_FEET_OUT
        if vis[lm.NOSE] < self.params.body.min_visibility and vis[lm.LEFT_EAR] < 0.5 and vis[lm.RIGHT_EAR] < 0.5:
            return CUE_HEAD_OUT
        del xy
        return CUE_NOT_VISIBLE

    def _pick_cue(self, t_ms: float, spec, verdicts: dict[str, int], measures, body: Body, view) -> str | None:
        guidance = self._guidance(spec, verdicts, body, view)
        if guidance:
            self._cue = ("guidance", guidance, t_ms)
            return guidance
        failing: list[CheckSpec] = sorted((c for c in spec.checks if verdicts[c.id] == 0), key=lambda c: c.priority)
        if not failing:
            self._cue = None
            return None
        if self._cue is not None:
            cid, _, since = self._cue
            still = next((c for c in failing if c.id == cid), None)
            if still is not None and t_ms - since < self.params.cue_cooldown_s * 1000:
                text = failing_cue(still, measures, 0)
                self._cue = (cid, text, since)
                return text
        top = failing[0]
        text = failing_cue(top, measures, 0)
        if self._cue is None or self._cue[0] != top.id:
            self._cue = (top.id, text, t_ms)
        return text
