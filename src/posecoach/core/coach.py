"""The coach: one causal step per frame, from landmarks to verdicts, cue and hold.

The same object runs live and offline. Time (``t_ms``) is an argument; nothing here
reads a clock, touches a camera or draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from posecoach.core import landmarks as lm
from posecoach.core.body import VIEW_NAMES, Body, BodyParams, analyse_body
from posecoach.core.breathing import (
    ARMS_OVER_TRUNK,
    KNEE_OVER_TRUNK,
    KNOWN,
    NOT_SIDE_VIEW,
    BreathingMeter,
    BreathingParams,
    BreathingReading,
    over_trunk,
)
from posecoach.core.checks import FAIL, PASS, UNKNOWN, VERDICT_NAMES, CheckSpec, failing_cue, judge_one
from posecoach.core.depth import DepthTracker
from posecoach.core.framing import CUE_AT_EDGE, CUE_POOR_LIGHT, FramingParams, cut_by_side_edge, light_is_poor, only_in_frame
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
from posecoach.core.recognize import Recognition, RecognitionSmoother, recognize
from posecoach.core.settings import from_table
from posecoach.core.silhouette import SteadyReading
from posecoach.core.smoothing import OneEuroFilter, OneEuroParams
from posecoach.core.units import round_measure

SIDE_NAMES = ("left", "right")

CUE_TURN_SIDE = "Turn side-on to the camera"
CUE_TURN_FRONT = "Face the camera"
CUE_FEET_OUT = "Step back: your feet are out of frame"
CUE_HEAD_OUT = "Step back: your head is out of frame"
CUE_NOT_VISIBLE = "Move so the camera sees your whole body from the side"
CUE_BACK_UNSTEADY = "Hold still so I can read the curve of your lower back (fitted clothes help)"
CUE_NO_PERSON = "Step into the camera's view"
# Seen at an angle between side and front (an oblique view): side-view angles are foreshortened.
CUE_TURN_LEFT = "Turn a little to your left, so your side faces the camera"
CUE_TURN_RIGHT = "Turn a little to your right, so your side faces the camera"
CUE_CAMERA_TO_SIDE = "Move the camera level with your hips, square to your side"


def turn_cue(body: Body, face_visible: float, index: int = 0) -> str:
    """The precise cue for an oblique view: which way to turn (standing or kneeling), or where to
    put the camera (lying down). A person facing image right with the face toward the camera
    turns to their left to be side-on; with the back toward it, to their right. ``face_visible``:
    the nose visibility above which the face is toward the camera."""
    if not body.upright[index]:
        return CUE_CAMERA_TO_SIDE
    fx = body.facing_x[index]
    if np.isnan(fx):
        return CUE_TURN_SIDE
    face_seen = body.vis[index, lm.NOSE] >= face_visible
    to_left = (fx > 0) == bool(face_seen)
    return CUE_TURN_LEFT if to_left else CUE_TURN_RIGHT


@dataclass(frozen=True)
@from_table("coach")
class CoachParams:
    """Engine settings: smoothing, cue cooldown, hold grace period (settings.toml [coach] and
    the tables of the settings it holds)."""

    smoothing: OneEuroParams = field(default_factory=OneEuroParams)
    body: BodyParams = field(default_factory=BodyParams)
    cue_cooldown_s: float  # a shown cue stays at least this long while its check fails
    recognise_every_ms: float  # recognition runs at most this often (its vote spans 1 s)
    hold_grace_s: float  # out of the pose longer than this ends the set
    framing: FramingParams = field(default_factory=FramingParams)  # poor light, a body cut by the frame
    still_image: bool = False  # one photo, not a stream: recognition cannot wait for a position to last


@dataclass(frozen=True)
class Observation:
    """What one frame shows, before any threshold is applied (re-scoring starts here).

    ``measures`` are the smoothed measures of ``exercise`` (NaN unknown); ``feet_seen`` and
    ``head_seen`` feed the visibility guidance. ``guidance`` is set when the picture itself
    cannot be judged (poor light, a body cut by the frame's edge): every measure is then NaN.
    """

    t_ms: float
    pose: bool
    exercise: str | None
    confidence: float
    facing: str | None
    side: str | None
    view: str | None
    measures: dict[str, float]
    feet_seen: bool
    head_seen: bool
    landmarks_px: np.ndarray | None = None
    visibility: np.ndarray | None = None
    anchors: dict[str, int] = field(default_factory=dict)
    guidance: str | None = None
    turn: str | None = None  # in an oblique view: how to turn (or place the camera) to be seen side-on
    unsteady: frozenset[str] = frozenset()  # silhouette measures read but not steady enough to judge
    breathing: BreathingReading | None = None  # the breathing over the last window; None: no breathing exercise
    # what this frame gave the breathing meter: (belly, chest thickness in trunk lengths or None, the reason
    # they were not read), so observations made apart (the review's segments) can be read again as one stream
    breathing_input: tuple[float | None, float | None, str | None] | None = None


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
    depth_deg: float | None = None  # the stretch's depth held with good form over the last second (see DepthTracker)
    breathing: BreathingReading | None = None  # breathing in a rest position (core/breathing.py); None: none held


# Where each measure's label is drawn: a landmark pair and the rule choosing its side.
ANCHORS = {
    "front_knee": (lm.KNEE, front_leg), "front_shin": (lm.ANKLE, front_leg),
    "back_hip": (lm.HIP, back_leg), "back_shin_rise": (lm.KNEE, back_leg),
    "back_knee_height": (lm.KNEE, back_leg), "kneeling_back_hip": (lm.HIP, back_leg),
    "elbow": (lm.ELBOW, near_leg), "hip": (lm.HIP, near_leg), "knee": (lm.KNEE, near_leg),
    "body_line": (lm.HIP, near_leg), "bent_hip": (lm.HIP, bent_leg),
    "straight_knee": (lm.KNEE, straight_leg), "straight_hip": (lm.HIP, straight_leg),
    "hang_hip": (lm.HIP, straight_leg), "hang_knee": (lm.KNEE, straight_leg), "neck": (lm.EAR, near_leg),
    "trunk_lean": (lm.SHOULDER, near_leg), "hip_level": (lm.HIP, near_leg),
}


def _anchors(names, b: Body) -> dict[str, int]:
    """Landmark index per measure to label it at; each leg rule is evaluated once per frame."""
    legs: dict = {}
    out = {}
    for name in names:
        if name not in ANCHORS:
            continue
        pair, rule = ANCHORS[name]
        if rule not in legs:
            legs[rule] = int(rule(b)[0])
        if legs[rule] >= 0:
            out[name] = pair[legs[rule]]
    return out


class CueSelector:
    """One cue at a time: guidance first, then the most important failing check; a shown
    cue stays while its check fails, for at least the cooldown, before another replaces it."""

    def __init__(self, cooldown_s: float) -> None:
        self.cooldown_ms = cooldown_s * 1000.0
        self._cue: tuple[str, float] | None = None  # (check id or "guidance", since_ms)

    def reset(self) -> None:
        self._cue = None

    def pick(self, t_ms: float, spec, verdicts: dict[str, int], measures: dict[str, float],
             guidance: str | None) -> str | None:
        if guidance:
            self._cue = ("guidance", t_ms)
            return guidance
        failing: list[CheckSpec] = sorted((c for c in spec.checks if verdicts[c.id] == FAIL), key=lambda c: c.priority)
        if not failing:
            self._cue = None
            return None
        if self._cue is not None:
            cid, since = self._cue
            still = next((c for c in failing if c.id == cid), None)
            if still is not None and t_ms - since < self.cooldown_ms:
                return failing_cue(still, measures)
        top = failing[0]
        if self._cue is None or self._cue[0] != top.id:
            self._cue = (top.id, t_ms)
        return failing_cue(top, measures)


def guidance_for(spec, verdicts: dict[str, int], obs: Observation) -> str | None:
    """View or visibility guidance when the exercise's required checks cannot be judged."""
    if obs.guidance:
        return obs.guidance
    if spec.view == "side" and obs.view in ("front", "back"):
        return CUE_TURN_SIDE
    if obs.view == "oblique" and any(c.required and "oblique" not in c.views for c in spec.checks):
        return obs.turn or CUE_TURN_SIDE
    if spec.view == "front" and obs.view == "side":
        return CUE_TURN_FRONT
    # Checks this view cannot show are not required in it (pigeon's hips need a front view,
    # its back leg a side view), so only those the view can show ask for better visibility.
    shown = [c for c in spec.checks if c.required and (obs.view is None or obs.view in c.views)]
    if not any(verdicts[c.id] == UNKNOWN for c in shown):
        return None
    if not obs.feet_seen:
        return CUE_FEET_OUT
    if not obs.head_seen:
        return CUE_HEAD_OUT
    unknown = [c for c in shown if verdicts[c.id] == UNKNOWN]
    if obs.unsteady and all({k.measure for k in c.conditions if not k.optional} <= obs.unsteady for c in unknown):
        return CUE_BACK_UNSTEADY  # the whole body is seen; only the back's outline will not settle
    return CUE_NOT_VISIBLE


class Judge:
    """Thresholds applied to observations, frame by frame: verdicts with hysteresis, the cue,
    reps and the hold timer. Live coaching and re-scoring both go through it."""

    def __init__(self, catalogue, params: CoachParams) -> None:
        self.catalogue = catalogue
        self.params = params
        self._states: dict[str, int] = {}
        self._exercise: str | None = None
        self._rep_state = UNKNOWN
        self.cues = CueSelector(params.cue_cooldown_s)
        self.holds = HoldTracker(grace_s=params.hold_grace_s)
        self.depth = DepthTracker()
        self._depth_now: float | None = None

    def verdicts(self, obs: Observation) -> dict[str, int]:
        """Verdicts for one frame, continuing each check's hysteresis."""
        spec = self.catalogue[obs.exercise]
        return {c.id: judge_one(c, obs.measures, obs.view, self._states.get(c.id, UNKNOWN)) for c in spec.checks}

    def judge(self, obs: Observation, verdicts: dict[str, int] | None = None) -> FrameResult:
        """Judge one observation; ``verdicts`` may come precomputed (vectorised re-scoring)."""
        self._track(obs)
        if not obs.pose:
            self.cues.reset()
            hold = self.holds.update(obs.t_ms, None, None, False, 0.0, False)
            checks = {c.id: "unknown" for c in self.catalogue[obs.exercise].checks} if obs.exercise else {}
            return FrameResult(obs.t_ms, False, obs.exercise, 0.0, None, None, None, {}, checks,
                               [obs.guidance or CUE_NO_PERSON], hold, None, None, {})
        if obs.exercise is None:
            self.cues.reset()
            hold = self.holds.update(obs.t_ms, None, None, False, 0.0, False)
            return FrameResult(obs.t_ms, True, None, obs.confidence, obs.facing, obs.facing, obs.view, {}, {},
                               [obs.guidance] if obs.guidance else [], hold, obs.landmarks_px, obs.visibility, {})
        if verdicts is None:
            verdicts = self.verdicts(obs)
        hold, cue = self.advance(obs, verdicts)
        return FrameResult(
            t_ms=obs.t_ms, pose=True, exercise=obs.exercise, confidence=obs.confidence, facing=obs.facing,
            side=obs.side, view=obs.view, angles={n: round_measure(v, n) for n, v in obs.measures.items()},
            checks={cid: VERDICT_NAMES[v] for cid, v in verdicts.items()}, cues=[cue] if cue else [], hold=hold,
            landmarks_px=obs.landmarks_px, visibility=obs.visibility, anchors=obs.anchors, depth_deg=self._depth_now,
            breathing=obs.breathing,
        )


    def _track(self, obs: Observation) -> None:
        """A new exercise, or a frame without a person, starts the checks' history afresh."""
        if obs.exercise != self._exercise or not obs.pose:
            self._states = {}
            self._rep_state = UNKNOWN
            self._exercise = obs.exercise

    def advance(self, obs: Observation, verdicts: dict[str, int]) -> tuple[HoldStatus, str | None]:
        """Move the reps, hold timer and cue on by one frame of an exercise, given its verdicts."""
        self._track(obs)
        spec = self.catalogue[obs.exercise]
        self._states = verdicts
        required = [c for c in spec.checks if c.required and obs.view in c.views]
        good = (not spec.checks) or (bool(required) and all(verdicts[c.id] == PASS for c in required))
        if spec.reps_check is not None:
            before, self._rep_state = self._rep_state, verdicts[spec.reps_check]
            if before == PASS and self._rep_state == FAIL:
                self.holds.add_rep()
        hold = self.holds.update(obs.t_ms, obs.exercise, obs.side, spec.each_side, spec.hold_s, good)
        depth = obs.measures.get(spec.depth_measure, float("nan")) - spec.depth_zero if spec.depth_measure else None
        self._depth_now = self.depth.update(obs.t_ms, obs.exercise, obs.side, good, depth)
        cue = self.cues.pick(obs.t_ms, spec, verdicts, obs.measures, guidance_for(spec, verdicts, obs))
        return hold, cue


_FEET = (lm.LEFT_ANKLE, lm.RIGHT_ANKLE, lm.LEFT_HEEL, lm.RIGHT_HEEL, lm.LEFT_FOOT, lm.RIGHT_FOOT)  # feet in view: any seen
_HEAD = (lm.NOSE, lm.LEFT_EAR, lm.RIGHT_EAR)  # the head in view: any seen


class Observer:
    """Landmarks to observations: smoothing, body orientation, recognition, measures.

    Nothing here depends on a threshold of the checks, so a session's observations can be
    kept and judged again under another profile without running anything but the Judge.
    """

    def __init__(self, catalogue, exercise: str | None, params: CoachParams) -> None:
        self.catalogue = catalogue
        self.forced = exercise
        self.params = params
        self._filter = OneEuroFilter(params.smoothing)
        self._recognition = RecognitionSmoother(still_image=params.still_image)
        self._steady = {name: SteadyReading() for name in IMAGE_MEASURES}
        self._last_recognised: tuple[float, Recognition] | None = None
        breathing: BreathingParams | None = getattr(catalogue, "breathing", None)
        self._breathing = None if breathing is None else BreathingMeter(breathing)

    @property
    def recognition_due_ms(self) -> float | None:
        """When recognition next runs (None when the exercise is forced): from this time on."""
        if self.forced is not None or self._last_recognised is None:
            return None
        return self._last_recognised[0] + self.params.recognise_every_ms

    @property
    def entry_due_ms(self) -> float | None:
        """When a position now waiting to have lasted will be recognised (None: none waiting)."""
        return None if self.forced is not None else self._recognition.entry_due_ms

    def _recognise(self, t_ms: float, body: Body) -> Recognition:
        last = self._last_recognised
        if last is not None and 0 <= t_ms - last[0] < self.params.recognise_every_ms:
            return last[1]
        rec = self._recognition.update(t_ms, recognize(body)[0])
        self._last_recognised = (t_ms, rec)
        return rec

    def observe(self, t_ms: float, landmarks: np.ndarray | None, width_px: int, height_px: int,
                image_measures: dict[str, float] | None = None) -> Observation:
        framing = self.params.framing
        guidance = CUE_POOR_LIGHT if light_is_poor(image_measures, framing) else None
        if landmarks is None or not np.isfinite(landmarks[:, :2]).any():
            self._filter.reset()
            for reading in self._steady.values():
                reading.reset()
            self._last_recognised = None
            self._pause_breathing()
            return Observation(t_ms, False, self.forced, 0.0, None, None, None, {}, False, False, guidance=guidance)
        raw = only_in_frame(landmarks)
        if guidance is None and cut_by_side_edge(raw, framing):
            guidance = CUE_AT_EDGE
        scale = float(max(width_px, height_px))
        smooth = self._filter(lm.landmarks_to_px(raw, width_px, height_px) / scale, t_ms) * scale
        body = analyse_body(smooth[None], raw[None, :, 3], raw[None, :, 2], self.params.body)
        if self.forced is not None:
            exercise, confidence = self.forced, 1.0
        else:
            rec = self._recognise(t_ms, body)
            exercise, confidence = rec.exercise, rec.confidence
        view = VIEW_NAMES[int(body.view[0])] if body.view[0] >= 0 else None
        facing = SIDE_NAMES[int(body.facing[0])] if body.facing[0] >= 0 else None
        vis_min = self.params.body.min_visibility
        vis = raw[:, 3].tolist()
        feet_seen = any(vis[i] >= vis_min for i in _FEET)
        head_seen = any(vis[i] >= vis_min for i in _HEAD)
        if exercise is None:
            self._pause_breathing()
            if guidance is None and view == "oblique" and not body.upright[0]:
                guidance = CUE_CAMERA_TO_SIDE  # lying, seen at an angle: not recognised, so say how to be seen
            return Observation(t_ms, True, None, confidence, facing, facing, view, {}, feet_seen, head_seen,
                               smooth, raw[:, 3], guidance=guidance)
        spec = self.catalogue[exercise]
        if spec.front_leg_rule == "bent_knee":
            body = replace(body, front_leg=bent_knee_leg(body))
        arrays = compute_measures(body, spec.measures)
        measures = {n: float(v[0]) for n, v in arrays.items()}
        unsteady = set()
        for name in IMAGE_MEASURES:
            value = (image_measures or {}).get(name)
            value = float("nan") if value is None else float(value)
            # a photo has one reading and no steadiness to ask of it
            steady = value if self.params.still_image else self._steady[name].update(t_ms, value)[0]
            if name in spec.measures:
                measures[name] = steady
                if math.isnan(steady) and math.isfinite(value):
                    unsteady.add(name)
        breathing = inputs = None
        if not spec.breathing:
            self._pause_breathing()
        elif self._breathing is not None:
            inputs = self._breathing_input(spec, view, body, image_measures)
            breathing = self._breathing.update(t_ms, *inputs)
            measures.update(breathing_measures(spec, breathing))
        if guidance is not None:  # the picture cannot be judged: nothing is measured
            measures = dict.fromkeys(measures, float("nan"))
        side_idx = int(working_side(body, spec.side_rule)[0])
        side = SIDE_NAMES[side_idx] if side_idx >= 0 else None
        anchors = _anchors(measures, body)
        turn = turn_cue(body, self.params.body.face_min_visibility) if view == "oblique" else None
        return Observation(t_ms, True, exercise, confidence, facing, side, view, measures, feet_seen, head_seen,
                           smooth, raw[:, 3], anchors, guidance, turn, frozenset(unsteady), breathing, inputs)

    def _pause_breathing(self) -> None:
        if self._breathing is not None:
            self._breathing.pause()

    def _breathing_input(self, spec, view: str | None, body: Body,
                         image_measures: dict[str, float] | None) -> tuple[float | None, float | None, str | None]:
        """What a frame of a breathing exercise gives the meter: the trunk's belly and chest
        thickness (``belly_rise``, ``chest_rise`` of the image measures, trunk lengths), or the
        reason they cannot be trusted (not a side view, a hand or forearm over the trunk)."""
        assert self._breathing is not None
        reason = None
        if view != "side":
            reason = NOT_SIDE_VIEW
        else:
            for points, why in ((lm.KNEE, KNEE_OVER_TRUNK), ((*lm.WRIST, *lm.ELBOW), ARMS_OVER_TRUNK)):
                idx = list(points)
                if over_trunk(body.hip_mid[0], body.shoulder_mid[0], body.belly[0], body.xy[0, idx][body.seen[0, idx]],
                              self._breathing.params):
                    reason = why
                    break
        values = image_measures or {}
        belly, chest = values.get("belly_rise"), values.get("chest_rise")
        if reason is not None:
            belly = chest = None
        return belly, chest, reason


def breathing_measures(spec, reading: BreathingReading) -> dict[str, float]:
    """The exercise's breathing measures from a reading (NaN unless it is known)."""
    known = reading.state == KNOWN
    values = {"breath_rate_bpm": reading.rate_bpm, "belly_share": reading.belly_share}
    return {name: float(v) if known and v is not None else float("nan") for name, v in values.items()
            if name in spec.measures}


class BreathingRelay:
    """The breathing of observations made apart (the default review's segments, each with a
    meter of its own that starts afresh at its cut) read again in time order by one meter, as
    one sequential run reads it: each observation's ``breathing_input`` fed on, the meter
    starting afresh after frames without a breathing exercise, as the Observer's does."""

    def __init__(self, catalogue) -> None:
        self.catalogue = catalogue
        params: BreathingParams | None = getattr(catalogue, "breathing", None)
        self._meter = None if params is None else BreathingMeter(params)

    def __call__(self, obs: Observation) -> Observation:
        if self._meter is None:
            return obs
        if obs.breathing_input is None or not obs.pose or obs.exercise is None:
            self._meter.pause()
            return obs
        reading = self._meter.update(obs.t_ms, *obs.breathing_input)
        spec = self.catalogue[obs.exercise]
        measures = dict(obs.measures)
        if obs.guidance is None:  # the picture could not be judged: its measures stay unknown
            measures.update(breathing_measures(spec, reading))
        return replace(obs, breathing=reading, measures=measures)


class Coach:
    """Stateful per-frame engine for one person's stream: an Observer and a Judge.

    ``exercise`` None recognises the exercise on each frame; an id forces it.
    """

    def __init__(self, catalogue, exercise: str | None = None, params: CoachParams | None = None) -> None:
        self.catalogue = catalogue
        self.params = params or CoachParams()
        self.observer = Observer(catalogue, exercise, self.params)
        self.judge = Judge(catalogue, self.params)
        self.last_observation: Observation | None = None

    @property
    def holds(self) -> HoldTracker:
        return self.judge.holds

    def step(
        self, t_ms: float, landmarks: np.ndarray | None, width_px: int, height_px: int,
        image_measures: dict[str, float] | None = None,
    ) -> FrameResult:
        """Judge one frame. ``landmarks``: (33, 4) normalised x, y, z, visibility, or None."""
        obs = self.observer.observe(t_ms, landmarks, width_px, height_px, image_measures)
        self.last_observation = obs
        return self.judge.judge(obs)
