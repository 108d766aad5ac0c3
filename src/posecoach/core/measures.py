"""Measures: named angles and distances computed from a Body, vectorised over frames.

Conventions follow the report contract: knee and elbow angles are inner angles 0..180
(180 straight); angles at the hip vertex are measured through the belly side, 0..360
(180 straight, above 180 extension / arch / sag, below 180 flexion); ``trunk_lean`` is
positive toward the facing direction; ``hip_level`` is positive when the left hip is
higher. Distances are divided by the trunk length (dimensionless). A measure is NaN where
a landmark it needs is not visible enough, or the body's orientation is unknown.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from posecoach.core import landmarks as lm
from posecoach.core.body import Body
from posecoach.core.geometry import (
    dot2,
    front_angle_deg,
    inner_angle_deg,
    line_tilt_deg,
    norm2,
    tilt_from_vertical_deg,
)

MeasureFn = Callable[[Body], np.ndarray]

# Which leg (or arm) an exercise works on, as a per-frame MediaPipe label.
LegRule = Callable[[Body], np.ndarray]


def _nan_unless(ok: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.where(ok, values, np.nan)


def _hip_front_angle(b: Body, leg: np.ndarray, end: tuple[int, int]) -> np.ndarray:
    """Front-side angle shoulder-hip-(knee or ankle) for the chosen leg."""
    ok = b.seen_at(lm.HIP, leg) & b.seen_at(end, leg) & ~np.isnan(b.belly[:, 0])
    ok &= b.seen[:, list(lm.SHOULDER)].any(axis=1)
    angle = front_angle_deg(b.shoulder_mid, b.point(lm.HIP, leg), b.point(end, leg), b.belly0)
    return _nan_unless(ok, angle)


def _knee_angle(b: Body, leg: np.ndarray) -> np.ndarray:
    ok = b.seen_at(lm.HIP, leg) & b.seen_at(lm.KNEE, leg) & b.seen_at(lm.ANKLE, leg)
    return _nan_unless(ok, inner_angle_deg(b.point(lm.HIP, leg), b.point(lm.KNEE, leg), b.point(lm.ANKLE, leg)))


def front_leg(b: Body) -> np.ndarray:
    """The leg ahead of the hips in the facing direction (lunge, pigeon)."""
    return b.front_leg


def back_leg(b: Body) -> np.ndarray:
    return np.where(b.front_leg >= 0, 1 - b.front_leg, -1)


def near_leg(b: Body) -> np.ndarray:
    """The limbs nearer the camera."""
    return b.near


def _hip_flexion_pair(b: Body) -> np.ndarray:
    """Front hip angle of both legs, (T, 2) by label."""
    both = [np.full(len(b.xy), s) for s in (0, 1)]
    return np.stack([_hip_front_angle(b, leg, lm.KNEE) for leg in both], axis=1)


def bent_leg(b: Body) -> np.ndarray:
    """The leg with the more flexed hip (knee to chest, edge hang's top leg)."""
    pair = _hip_flexion_pair(b)
    pair = np.where(np.isnan(pair), np.inf, pair)
    return np.where(np.isfinite(pair).any(axis=1), np.argmin(pair, axis=1), -1)


def straight_leg(b: Body) -> np.ndarray:
    leg = bent_leg(b)
    return np.where(leg >= 0, 1 - leg, -1)


def bent_knee_leg(b: Body) -> np.ndarray:
    """The leg with the more bent knee (pigeon's front leg, seen from any side)."""
    both = np.stack([_knee_angle(b, np.full(len(b.xy), s)) for s in (0, 1)], axis=1)
    both = np.where(np.isnan(both), np.inf, both)
    return np.where(np.isfinite(both).any(axis=1), np.argmin(both, axis=1), -1)


LEG_RULES: dict[str, LegRule] = {
    "front_leg": front_leg,
    "bent_leg": bent_leg,
    "bent_knee": bent_knee_leg,
    "near": near_leg,
}


def working_side(b: Body, rule: str) -> np.ndarray:
    """Anatomical working side per frame (0 left, 1 right, -1 unknown).

    ``facing`` is found from geometry; a chosen leg is on the facing side when it is the
    limb nearer the camera, else on the other side.
    """
    if rule == "facing":
        return b.facing
    leg = LEG_RULES[rule](b)
    side = np.where(leg == b.near, b.facing, 1 - b.facing)
    return np.where((leg >= 0) & (b.facing >= 0), side, -1)


def m_front_knee(b: Body) -> np.ndarray:
    return _knee_angle(b, front_leg(b))


def m_back_hip(b: Body) -> np.ndarray:
    return _hip_front_angle(b, back_leg(b), lm.KNEE)


def m_trunk_lean(b: Body) -> np.ndarray:
    ok = b.upright & ~np.isnan(b.facing_x)
    return _nan_unless(ok, tilt_from_vertical_deg(b.hip_mid, b.shoulder_mid, b.facing_x0))


def m_front_shin(b: Body) -> np.ndarray:
    """Front shin's lean from vertical, degrees; positive with the knee ahead of the ankle."""
    leg = front_leg(b)
    ok = b.seen_at(lm.KNEE, leg) & b.seen_at(lm.ANKLE, leg) & ~np.isnan(b.facing_x)
    lean = tilt_from_vertical_deg(b.point(lm.ANKLE, leg), b.point(lm.KNEE, leg), b.facing_x0)
    return _nan_unless(ok, lean)


def m_back_shin_rise(b: Body) -> np.ndarray:
    """Rise of the back shin from horizontal, degrees 0..90: near 0 with the back knee down on
    the floor (kneeling), steep when the back knee is lifted (standing split stance). Knee and
    ankle of the same leg, so camera height does not bias it as comparing two legs would."""
    back = back_leg(b)
    ok = b.seen_at(lm.KNEE, back) & b.seen_at(lm.ANKLE, back)
    d = b.point(lm.KNEE, back) - b.point(lm.ANKLE, back)
    return _nan_unless(ok, np.degrees(np.arctan2(np.abs(d[:, 1]), np.abs(d[:, 0]))))


def m_elbow(b: Body) -> np.ndarray:
    arm = near_leg(b)
    ok = b.seen_at(lm.SHOULDER, arm) & b.seen_at(lm.ELBOW, arm) & b.seen_at(lm.WRIST, arm)
    return _nan_unless(ok, inner_angle_deg(b.point(lm.SHOULDER, arm), b.point(lm.ELBOW, arm), b.point(lm.WRIST, arm)))


def m_hip(b: Body) -> np.ndarray:
    return _hip_front_angle(b, near_leg(b), lm.KNEE)


def m_knee(b: Body) -> np.ndarray:
    return _knee_angle(b, near_leg(b))


def m_bent_hip(b: Body) -> np.ndarray:
    return _hip_front_angle(b, bent_leg(b), lm.KNEE)


def m_straight_knee(b: Body) -> np.ndarray:
    return _knee_angle(b, straight_leg(b))


def m_straight_hip(b: Body) -> np.ndarray:
    return _hip_front_angle(b, straight_leg(b), lm.KNEE)


def m_body_line(b: Body) -> np.ndarray:
    return _hip_front_angle(b, near_leg(b), lm.ANKLE)


def m_hip_level(b: Body) -> np.ndarray:
    ok = b.seen[:, lm.LEFT_HIP] & b.seen[:, lm.RIGHT_HIP] & ((b.view == 1) | (b.view == 2))
    return _nan_unless(ok, line_tilt_deg(b.xy[:, lm.LEFT_HIP], b.xy[:, lm.RIGHT_HIP]))


def m_neck(b: Body) -> np.ndarray:
    """Head tipped back relative to the trunk, degrees (0 neutral, positive looking up).

    The face direction (ears to nose) is compared with the trunk's belly normal: in a
    neutral neck the face looks along the belly side; tipping the head back turns it
    toward the head end of the trunk.
    """
    ear = near_leg(b)
    ok = b.seen[:, lm.NOSE] & b.seen_at(lm.EAR, ear) & ~np.isnan(b.belly[:, 0])
    face = b.xy[:, lm.NOSE] - b.point(lm.EAR, ear)
    trunk = b.shoulder_mid - b.hip_mid
    belly = b.belly0
    along = (face * trunk).sum(axis=1) / np.maximum(np.hypot(trunk[:, 0], trunk[:, 1]), 1e-6)
    across = (face * belly).sum(axis=1)
    return _nan_unless(ok, np.degrees(np.arctan2(along, across)))


def m_back_knee(b: Body) -> np.ndarray:
    """Knee angle of the back leg (pigeon: straight behind)."""
    return _knee_angle(b, back_leg(b))


def m_hip_lift(b: Body) -> np.ndarray:
    """Height of the hip above the line of the lower leg (knee to ankle) lying on the floor,
    in trunk lengths, positive away from the belly (prone: hips lifted off the floor)."""
    leg = near_leg(b)
    ok = b.seen_at(lm.HIP, leg) & b.seen_at(lm.KNEE, leg) & b.seen_at(lm.ANKLE, leg) & ~np.isnan(b.belly[:, 0])
    hip, knee, ankle = b.point(lm.HIP, leg), b.point(lm.KNEE, leg), b.point(lm.ANKLE, leg)
    d = knee - ankle
    t = dot2(hip - ankle, d) / np.maximum(dot2(d, d), 1e-6)
    foot_of_perp = ankle + d * t[:, None]
    lift = -dot2(hip - foot_of_perp, b.belly0) / b.trunk_px
    return _nan_unless(ok, lift)


def m_foot_tilt(b: Body) -> np.ndarray:
    """Tilt of the near foot (heel to toe) from image horizontal, degrees 0..90: a flat foot
    on a level floor reads near 0."""
    leg = near_leg(b)
    ok = b.seen_at(lm.HEEL, leg) & b.seen_at(lm.FOOT, leg)
    d = b.point(lm.FOOT, leg) - b.point(lm.HEEL, leg)
    return _nan_unless(ok, np.degrees(np.arctan2(np.abs(d[:, 1]), np.abs(d[:, 0]))))


def _front_view_ratio(b: Body, pair: tuple[int, int]) -> np.ndarray:
    """Distance between a left/right pair over the hip width, in a front or back view."""
    ok = b.seen[:, pair[0]] & b.seen[:, pair[1]] & b.seen[:, lm.LEFT_HIP] & b.seen[:, lm.RIGHT_HIP]
    ok &= (b.view == 1) | (b.view == 2)
    hip_w = norm2(b.xy[:, lm.LEFT_HIP] - b.xy[:, lm.RIGHT_HIP])
    ratio = norm2(b.xy[:, pair[0]] - b.xy[:, pair[1]]) / np.maximum(hip_w, 1e-6)
    return _nan_unless(ok, ratio)


def m_feet_width(b: Body) -> np.ndarray:
    """Ankle-to-ankle distance over hip width (front view): about 1 is hip-width apart."""
    return _front_view_ratio(b, lm.ANKLE)


def m_knee_gap(b: Body) -> np.ndarray:
    """Knee-to-knee distance over hip width (front view): near 0 when the knees rest together."""
    return _front_view_ratio(b, lm.KNEE)


def m_ankle_to_knee(b: Body) -> np.ndarray:
    """Figure four: distance from the crossed leg's ankle to the other knee, trunk lengths."""
    best = np.full(len(b.xy), np.inf)
    for s in (0, 1):
        ok = b.seen[:, lm.ANKLE[s]] & b.seen[:, lm.KNEE[1 - s]]
        d = norm2(b.xy[:, lm.ANKLE[s]] - b.xy[:, lm.KNEE[1 - s]]) / b.trunk_px
        best = np.where(ok, np.fmin(best, d), best)
    return np.where(np.isfinite(best), best, np.nan)


MEASURES: dict[str, MeasureFn] = {
    "front_knee": m_front_knee,
    "back_hip": m_back_hip,
    "trunk_lean": m_trunk_lean,
    "front_shin": m_front_shin,
    "back_shin_rise": m_back_shin_rise,
    "elbow": m_elbow,
    "hip": m_hip,
    "knee": m_knee,
    "bent_hip": m_bent_hip,
    "straight_knee": m_straight_knee,
    "straight_hip": m_straight_hip,
    "hang_hip": m_straight_hip,  # the hanging leg is the more extended one
    "body_line": m_body_line,
    "hip_level": m_hip_level,
    "neck": m_neck,
    "back_knee": m_back_knee,
    "hip_lift": m_hip_lift,
    "foot_tilt": m_foot_tilt,
    "feet_width": m_feet_width,
    "knee_gap": m_knee_gap,
    "ankle_to_knee": m_ankle_to_knee,
}

# Measures read from the landmarks file's per-frame image measures, not from landmarks.
IMAGE_MEASURES = ("lumbar_curve",)


# Measures a front or back view can show; every other one is a side-view (sagittal) measure,
# which a front view distorts (a 165-degree elbow reads 178), so it is unknown there.
FRONT_VIEW_MEASURES = frozenset({"hip_level", "feet_width", "knee_gap", "ankle_to_knee"})


def compute_measures(b: Body, names: list[str] | tuple[str, ...]) -> dict[str, np.ndarray]:
    """Compute the named landmark measures, each an array over frames (NaN = unknown)."""
    facing_camera = (b.view == 1) | (b.view == 2)
    out = {}
    for name in names:
        if name in MEASURES:
            values = MEASURES[name](b)
            out[name] = values if name in FRONT_VIEW_MEASURES else np.where(facing_camera, np.nan, values)
    return out
