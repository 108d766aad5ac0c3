"""Measures: named angles and distances computed from a Body, vectorised over frames.

Conventions follow the report contract: knee and elbow angles are inner angles 0..180
(180 straight); angles at the hip vertex are measured through the belly side, 0..360
(180 straight, above 180 extension / arch / sag, below 180 flexion); ``trunk_lean`` is
positive toward the facing direction; ``hip_level`` is positive when the left hip is
higher. Distances are divided by the trunk length (dimensionless). A measure is NaN where
a landmark it needs is not visible enough, or the body's orientation is unknown.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from posecoach.core import landmarks as lm
from posecoach.core.body import Body
from posecoach.core.geometry import (
    degrees_atan2,
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


def _once_per_body(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """``fn(body, *args)`` computed once per body and arguments (arrays compared by value) and
    kept in ``Body.derived``; the array given back is read-only, as it is shared."""
    def kept(b: Body, *args) -> np.ndarray:
        key = (fn.__name__, *((a.dtype.str, a.shape, a.tobytes()) if isinstance(a, np.ndarray) else a for a in args))
        derived = b.derived
        if key not in derived:
            value = fn(b, *args)
            value.flags.writeable = False
            derived[key] = value
        return derived[key]

    kept.__name__, kept.__doc__ = fn.__name__, fn.__doc__
    return kept


def _frame_lists(b: Body) -> tuple[list[list[float]], list[bool], list[float], tuple[float, float], bool]:
    """A one-frame body in plain floats, worked out once per body: pixels, seen flags, the
    shoulders' midpoint, the belly direction with an unknown one as (0, 0) (``belly0``), and
    whether it is unknown."""
    got = b.derived.get("frame_lists")
    if got is None:
        bx, by = b.belly[0].tolist()
        got = b.derived["frame_lists"] = (b.xy[0].tolist(), b.seen[0].tolist(), b.shoulder_mid[0].tolist(),
                                          (0.0 if bx != bx else bx, 0.0 if by != by else by), bx != bx)
    return got



def _front_angle_of_frame(b: Body, leg: int, end: tuple[int, int]) -> float:
    """``hip_front_angle`` of frame 0 in plain floats: ``front_angle_deg``'s operations in its
    order (``np.mod`` is Python's ``%`` on floats, NaN and signs alike)."""
    xy, seen, (ax, ay), (fx, fy), belly_unknown = _frame_lists(b)
    hip, other = (lm.HIP[1], end[1]) if leg == 1 else (lm.HIP[0], end[0])
    if not (leg >= 0 and seen[hip] and seen[other] and not belly_unknown and (seen[lm.SHOULDER[0]] or seen[lm.SHOULDER[1]])):
        return math.nan
    (vx, vy), (cx, cy) = xy[hip], xy[other]
    ux, uy, wx, wy = ax - vx, ay - vy, cx - vx, cy - vy
    turn = ux * fy - uy * fx
    if turn == 0 or turn != turn:  # np.sign 0 (or NaN): no side to measure through
        return math.nan
    swept = (degrees_atan2(ux * wy - uy * wx, ux * wx + uy * wy) * (1.0 if turn > 0 else -1.0)) % 360.0
    return 0.0 if swept >= 360.0 else swept  # mod of a tiny negative rounds up to 360


def _knee_angle_of_frame(b: Body, leg: int) -> float:
    """``knee_angle`` of frame 0 in plain floats (``inner_angle_deg``'s operations in its order)."""
    xy, seen, *_ = _frame_lists(b)
    side = 1 if leg == 1 else 0
    hip, knee, ankle = lm.HIP[side], lm.KNEE[side], lm.ANKLE[side]
    if not (leg >= 0 and seen[hip] and seen[knee] and seen[ankle]):
        return math.nan
    (hx, hy), (kx, ky), (ax, ay) = xy[hip], xy[knee], xy[ankle]
    ux, uy, vx, vy = hx - kx, hy - ky, ax - kx, ay - ky
    return degrees_atan2(abs(ux * vy - uy * vx), ux * vx + uy * vy)


@_once_per_body
def hip_front_angle(b: Body, leg: np.ndarray, end: tuple[int, int]) -> np.ndarray:
    """Front-side angle shoulder-hip-(knee or ankle) for the chosen leg."""
    if len(leg) == 1 and len(b.xy) == 1:  # one frame (live, and each frame of a review): plain floats
        return np.array([_front_angle_of_frame(b, int(leg[0]), end)])
    ok = b.seen_at(lm.HIP, leg) & b.seen_at(end, leg) & ~np.isnan(b.belly[:, 0])
    ok &= b.seen[:, list(lm.SHOULDER)].any(axis=1)
    angle = front_angle_deg(b.shoulder_mid, b.point(lm.HIP, leg), b.point(end, leg), b.belly0)
    return _nan_unless(ok, angle)


@_once_per_body
def knee_angle(b: Body, leg: np.ndarray) -> np.ndarray:
    if len(leg) == 1 and len(b.xy) == 1:
        return np.array([_knee_angle_of_frame(b, int(leg[0]))])
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
    return np.stack([hip_front_angle(b, leg, lm.KNEE) for leg in both], axis=1)


def bent_leg(b: Body) -> np.ndarray:
    """The leg with the more flexed hip (knee to chest, edge hang's top leg)."""
    pair = _hip_flexion_pair(b)
    pair = np.where(np.isnan(pair), np.inf, pair)
    return np.where(np.isfinite(pair).any(axis=1), np.argmin(pair, axis=1), -1)


def straight_leg(b: Body) -> np.ndarray:
    leg = bent_leg(b)
    return np.where(leg >= 0, 1 - leg, -1)


def bent_knee_leg(b: Body) -> np.ndarray:
    """The folded leg (pigeon's front leg, seen from any side): the one with the more bent knee
    when both knees are seen. When only one knee is, the hips decide (the folded leg's thigh is
    forward, its hip flexed): seen from the side, a folded shin points at the camera and is often
    lost, and the one knee left is then the straight back leg's."""
    both = np.stack([knee_angle(b, np.full(len(b.xy), s)) for s in (0, 1)], axis=1)
    hips = _hip_flexion_pair(b)
    by_knee = np.argmin(np.where(np.isnan(both), np.inf, both), axis=1)
    by_hip = np.argmin(np.where(np.isnan(hips), np.inf, hips), axis=1)
    knees_known = np.isfinite(both).sum(axis=1)
    hips_known = np.isfinite(hips).all(axis=1)
    leg = np.where(knees_known == 2, by_knee, np.where(hips_known, by_hip, by_knee))
    return np.where((knees_known > 0) | hips_known, leg, -1)


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
    return knee_angle(b, front_leg(b))


def m_back_hip(b: Body) -> np.ndarray:
    return hip_front_angle(b, back_leg(b), lm.KNEE)


def _tilt_of_frame(lx: float, ly: float, hx: float, hy: float, forward_x: float) -> float:
    """``tilt_from_vertical_deg`` of one segment in plain floats (its operations in its order)."""
    up = -(hy - ly)
    return degrees_atan2((hx - lx) * forward_x, up) if up > 0 else math.nan


def _one_frame(b: Body) -> bool:
    return len(b.xy) == 1


def m_trunk_lean(b: Body) -> np.ndarray:
    if _one_frame(b):  # plain floats, as the hip and knee angles
        fx = float(b.facing_x[0])
        if not (bool(b.upright[0]) and fx == fx):
            return np.array([math.nan])
        (hx, hy), (sx, sy) = b.hip_mid[0].tolist(), b.shoulder_mid[0].tolist()
        return np.array([_tilt_of_frame(hx, hy, sx, sy, fx)])
    ok = b.upright & ~np.isnan(b.facing_x)
    return _nan_unless(ok, tilt_from_vertical_deg(b.hip_mid, b.shoulder_mid, b.facing_x0))


def m_front_shin(b: Body) -> np.ndarray:
    """Front shin's lean from vertical, degrees; positive with the knee ahead of the ankle."""
    if _one_frame(b):
        xy, seen, *_ = _frame_lists(b)
        leg, fx = int(b.front_leg[0]), float(b.facing_x[0])
        knee, ankle = (lm.KNEE[1], lm.ANKLE[1]) if leg == 1 else (lm.KNEE[0], lm.ANKLE[0])
        if not (leg >= 0 and seen[knee] and seen[ankle] and fx == fx):
            return np.array([math.nan])
        return np.array([_tilt_of_frame(*xy[ankle], *xy[knee], fx)])
    leg = front_leg(b)
    ok = b.seen_at(lm.KNEE, leg) & b.seen_at(lm.ANKLE, leg) & ~np.isnan(b.facing_x)
    lean = tilt_from_vertical_deg(b.point(lm.ANKLE, leg), b.point(lm.KNEE, leg), b.facing_x0)
    return _nan_unless(ok, lean)


def m_back_shin_rise(b: Body) -> np.ndarray:
    """Rise of the back shin from horizontal, degrees 0..90: near 0 with the back knee down on
    the floor (kneeling), steep when the back knee is lifted (standing split stance). Knee and
    ankle of the same leg, so camera height does not bias it as comparing two legs would."""
    if _one_frame(b):
        xy, seen, *_ = _frame_lists(b)
        front = int(b.front_leg[0])
        leg = 1 - front if front >= 0 else -1
        knee, ankle = (lm.KNEE[1], lm.ANKLE[1]) if leg == 1 else (lm.KNEE[0], lm.ANKLE[0])
        if not (leg >= 0 and seen[knee] and seen[ankle]):
            return np.array([math.nan])
        (kx, ky), (ax, ay) = xy[knee], xy[ankle]
        return np.array([degrees_atan2(abs(ky - ay), abs(kx - ax))])
    back = back_leg(b)
    ok = b.seen_at(lm.KNEE, back) & b.seen_at(lm.ANKLE, back)
    d = b.point(lm.KNEE, back) - b.point(lm.ANKLE, back)
    return _nan_unless(ok, np.degrees(np.arctan2(np.abs(d[:, 1]), np.abs(d[:, 0]))))


def _floor_y(b: Body, leg: np.ndarray) -> np.ndarray:
    """Image y (pixels, down) of the floor under a standing or kneeling body: the lowest seen
    point of that leg's foot (heel, toe or ankle). NaN when none is seen."""
    ys = np.stack([np.where(b.seen_at(pair, leg), b.point(pair, leg)[:, 1], -np.inf)
                   for pair in (lm.HEEL, lm.FOOT, lm.ANKLE)], axis=1)
    low = ys.max(axis=1)
    return np.where(np.isfinite(low), low, np.nan)


# A back knee at or above this share of the front knee's height is a standing split stance
# (the lunge's standing variant), where the kneeling checks do not apply: a standing split
# stance's back knee reads 0.66-1.0 on the rendered clips, a kneeling one 0.24-0.31 (rendered)
# and about 0.1 (real); between the two edges a knee hovers above the floor.
STANDING_SPLIT_MIN_RATIO = 0.55
# Below this share the back knee is down (kneeling): what the kneeling back-hip measure needs.
KNEELING_MAX_RATIO = 0.5


def _knee_height_ratio_of_frame(b: Body) -> float:
    """``_knee_height_ratio`` of frame 0 in plain floats (``_floor_y``'s lowest foot point)."""
    xy, seen, *_ = _frame_lists(b)
    front = int(b.front_leg[0])
    if front < 0:
        return math.nan
    floor = max(xy[pair[front]][1] if seen[pair[front]] else -math.inf for pair in (lm.HEEL, lm.FOOT, lm.ANKLE))
    knee_f, knee_b = lm.KNEE[front], lm.KNEE[1 - front]
    if not (seen[knee_b] and seen[knee_f] and math.isfinite(floor)):
        return math.nan
    front_h = floor - xy[knee_f][1]
    if not front_h > 0.2 * float(b.trunk_px[0]):
        return math.nan
    return (floor - xy[knee_b][1]) / front_h


@_once_per_body
def _knee_height_ratio(b: Body) -> np.ndarray:
    """Back knee's height above the floor over the front knee's (the front shin as the ruler)."""
    if _one_frame(b):
        return np.array([_knee_height_ratio_of_frame(b)])
    back, front = back_leg(b), front_leg(b)
    floor = _floor_y(b, front)
    ok = b.seen_at(lm.KNEE, back) & b.seen_at(lm.KNEE, front) & ~np.isnan(floor)
    with np.errstate(invalid="ignore", divide="ignore"):
        front_h = floor - b.point(lm.KNEE, front)[:, 1]
        ratio = (floor - b.point(lm.KNEE, back)[:, 1]) / front_h
    return _nan_unless(ok & (front_h > 0.2 * b.trunk_px), ratio)


def m_back_knee_height(b: Body) -> np.ndarray:
    """Height of the back knee above the floor, in heights of the front knee (0: on the
    floor; a kneeling knee on a cushion reads about 0.1-0.35). The floor is the lowest point
    of the front foot, so the back foot may rest on its toes or be raised against a wall:
    only the knee counts. NaN in a standing split stance (the back knee as high as the front
    knee or nearly: the lunge's standing variant), where a kneeling check does not apply."""
    ratio = _knee_height_ratio(b)
    with np.errstate(invalid="ignore"):
        return np.where(ratio < STANDING_SPLIT_MIN_RATIO, ratio, np.nan)


def m_kneeling_back_hip(b: Body) -> np.ndarray:
    """``back_hip`` while the back knee is down (kneeling), else NaN.

    With the back knee on the floor and the trunk upright, the angle between the trunk and
    the back thigh beyond 180 is the hip's extension plus the pelvis tipping forward, and a
    hip joint alone extends only 10-20 degrees: a much larger angle means the lower back is
    arching. In a standing split stance the straight back leg opens this angle by itself, so
    the measure applies only to the kneeling stretch.
    """
    with np.errstate(invalid="ignore"):
        kneeling = _knee_height_ratio(b) < KNEELING_MAX_RATIO
    return _nan_unless(kneeling, m_back_hip(b))


def m_elbow(b: Body) -> np.ndarray:
    arm = near_leg(b)
    ok = b.seen_at(lm.SHOULDER, arm) & b.seen_at(lm.ELBOW, arm) & b.seen_at(lm.WRIST, arm)
    return _nan_unless(ok, inner_angle_deg(b.point(lm.SHOULDER, arm), b.point(lm.ELBOW, arm), b.point(lm.WRIST, arm)))


def m_hip(b: Body) -> np.ndarray:
    return hip_front_angle(b, near_leg(b), lm.KNEE)


def m_knee(b: Body) -> np.ndarray:
    return knee_angle(b, near_leg(b))


# Legs whose knees and ankles lie within this many trunk lengths of each other are drawn on one
# another: in a side view that is either two legs in the same place or the model putting both
# on one leg (it does so on real footage when one leg is hugged and hidden).
LEGS_TOGETHER_MAX = 0.12


def _legs_apart(b: Body) -> np.ndarray:
    """Whether the two legs are told apart (knees or ankles apart), (T,) bool."""
    gap = np.maximum(norm2(b.xy[:, lm.LEFT_KNEE] - b.xy[:, lm.RIGHT_KNEE]),
                     norm2(b.xy[:, lm.LEFT_ANKLE] - b.xy[:, lm.RIGHT_ANKLE]))
    with np.errstate(invalid="ignore"):
        return gap > LEGS_TOGETHER_MAX * b.trunk_px


def m_bent_hip(b: Body) -> np.ndarray:
    """The more flexed hip; unknown when the legs cannot be told apart (one drawn on the other),
    since the bent leg is then not where the model says."""
    return _nan_unless(_legs_apart(b), hip_front_angle(b, bent_leg(b), lm.KNEE))


def m_straight_knee(b: Body) -> np.ndarray:
    return _nan_unless(_legs_apart(b), knee_angle(b, straight_leg(b)))


def m_straight_hip(b: Body) -> np.ndarray:
    return _nan_unless(_legs_apart(b), hip_front_angle(b, straight_leg(b), lm.KNEE))


def m_body_line(b: Body) -> np.ndarray:
    return hip_front_angle(b, near_leg(b), lm.ANKLE)


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
    return knee_angle(b, back_leg(b))


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


def m_hip_height(b: Body) -> np.ndarray:
    """Height of the mid-hip above the lowest seen point of the legs (knees, ankles, heels,
    toes: what rests on the floor when lying face down), in trunk lengths. A real pelvis is
    thick, so hips flat on the floor read about 0.15-0.3 (the hip joint sits at mid-depth of
    the pelvis); lifted hips read more. Unlike the hip's distance from the line of the lower
    legs, it rises when the thighs lift with the hips."""
    pts = [lm.KNEE, lm.ANKLE, lm.HEEL, lm.FOOT]
    ys = np.stack([np.where(b.seen[:, pair[s]], b.xy[:, pair[s], 1], -np.inf) for pair in pts for s in (0, 1)], axis=1)
    floor = ys.max(axis=1)
    ok = np.isfinite(floor) & b.seen[:, list(lm.HIP)].any(axis=1) & (b.trunk_px > 0)
    with np.errstate(invalid="ignore"):
        height = (np.where(ok, floor, 0.0) - b.hip_mid[:, 1]) / b.trunk_px
    return _nan_unless(ok, height)


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
    "back_knee_height": m_back_knee_height,
    "kneeling_back_hip": m_kneeling_back_hip,
    "elbow": m_elbow,
    "hip": m_hip,
    "knee": m_knee,
    "bent_hip": m_bent_hip,
    "straight_knee": m_straight_knee,
    "straight_hip": m_straight_hip,
    "hang_hip": m_straight_hip,  # the hanging leg is the more extended one
    "hang_knee": m_straight_knee,  # its knee: the Thomas test's rectus femoris reading
    "body_line": m_body_line,
    "hip_level": m_hip_level,
    "neck": m_neck,
    "back_knee": m_back_knee,
    "hip_lift": m_hip_lift,
    "hip_height": m_hip_height,
    "foot_tilt": m_foot_tilt,
    "feet_width": m_feet_width,
    "knee_gap": m_knee_gap,
    "ankle_to_knee": m_ankle_to_knee,
}

# Measures read from the landmarks file's per-frame image measures, not from landmarks.
IMAGE_MEASURES = ("lumbar_curve",)
# Measures of the breathing meter (core/breathing.py) over the last window, not of one frame:
# breaths a minute, and the belly's share of the breathing motion (0..1).
BREATHING_MEASURES = ("breath_rate_bpm", "belly_share")


# Measures a front or back view can show; every other one is a side-view (sagittal) measure,
# which a front view distorts (a 165-degree elbow reads 178), so it is unknown there.
FRONT_VIEW_MEASURES = frozenset({"hip_level", "feet_width", "knee_gap", "ankle_to_knee"})


def compute_measures(b: Body, names: list[str] | tuple[str, ...]) -> dict[str, np.ndarray]:
    """Compute the named landmark measures, each an array over frames (NaN = unknown)."""
    out = {}
    if _one_frame(b):  # a frame alone: no arrays to broadcast over
        facing = int(b.view[0]) in (1, 2)
        for name in names:
            if name in MEASURES:
                values = MEASURES[name](b)
                out[name] = (values.astype(float, copy=False) if name in FRONT_VIEW_MEASURES or not facing
                             else np.array([math.nan]))
        return out
    facing_camera = (b.view == 1) | (b.view == 2)
    for name in names:
        if name in MEASURES:
            values = MEASURES[name](b)
            out[name] = values if name in FRONT_VIEW_MEASURES else np.where(facing_camera, np.nan, values)
    return out
