"""Body orientation from image geometry: belly side, facing side, view and legs.

MediaPipe's left/right labels swap (above all at a distance and in side views), so
nothing here trusts them for "front leg" or "belly side". Everything is vectorised over
a leading frame axis: ``xy`` is (T, 33, 2) pixels (y down), ``vis`` is (T, 33) and
``z`` is (T, 33) MediaPipe relative depth (smaller is nearer the camera).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from posecoach.core import landmarks as lm
from posecoach.core.geometry import cross2, degrees_atan2, dot2, norm2, perpendicular
from posecoach.core.settings import from_table


@dataclass(frozen=True)
@from_table("body")
class BodyParams:
    """Settings of the orientation decisions; values, units and reasons in settings.toml [body]."""

    min_visibility: float = lm.MIN_VISIBILITY  # a landmark below this visibility counts as not seen
    side_view_max_width_trunks: float  # shoulder or hip width / trunk length below: side view
    front_view_min_width_trunks: float  # above: front or back view
    face_min_visibility: float  # nose visibility above which a wide view is a front view
    lying_beyond_deg: float  # trunk beyond this from vertical: lying
    min_belly_score: float  # weaker evidence leaves the belly side unknown
    end_on_max_thigh_lengths: float  # lying, the trunk shorter than this many thigh lengths: seen end-on


END_ON_MAX_THIGH_LENGTHS: float = BodyParams.end_on_max_thigh_lengths  # shared with recognition


@dataclass(frozen=True)
class Body:
    """Per-frame orientation, arrays over T frames.

    ``belly``: unit vector (T, 2) out of the belly, perpendicular to the trunk, NaN when
    unknown. ``facing_x``: +1 when the person faces image right, -1 left, NaN unknown.
    ``facing``: anatomical side nearer the camera, 0 left, 1 right, -1 unknown.
    ``view``: 0 side, 1 front, 2 back, 3 oblique (between side and front: sagittal angles are
    foreshortened, so side-view checks are not judged), -1 unknown. ``near``: MediaPipe label (0/1) of the
    limbs nearer the camera. ``front_leg``: label of the leg ahead in the facing direction.
    ``trunk_px``: hip-to-shoulder distance in pixels.
    """

    xy: np.ndarray
    vis: np.ndarray
    seen: np.ndarray
    hip_mid: np.ndarray
    shoulder_mid: np.ndarray
    trunk_px: np.ndarray
    belly: np.ndarray
    belly_score: np.ndarray
    facing_x: np.ndarray
    facing: np.ndarray
    view: np.ndarray
    near: np.ndarray
    front_leg: np.ndarray
    upright: np.ndarray

    def point(self, pair: tuple[int, int], label: np.ndarray) -> np.ndarray:
        """Pixel position (T, 2) of a left/right landmark chosen per frame by ``label``."""
        if len(label) == 1:  # the live path: one frame, a plain slice
            return self.xy[:, pair[1] if label[0] == 1 else pair[0]]
        return self.xy[np.arange(len(label)), np.where(label == 1, pair[1], pair[0])]

    def seen_at(self, pair: tuple[int, int], label: np.ndarray) -> np.ndarray:
        """Whether that landmark is visible enough, (T,) bool."""
        if len(label) == 1:
            return self.seen[:, pair[1] if label[0] == 1 else pair[0]] & (label >= 0)
        return self.seen[np.arange(len(label)), np.where(label == 1, pair[1], pair[0])] & (label >= 0)

    @cached_property
    def derived(self) -> dict:
        """Values computed from this body and kept, so that a measure asked for twice in a
        frame (by recognition and by the exercise's measures, or by two measures) is computed
        once (``core.measures``); a replaced body starts empty."""
        return {}

    @cached_property
    def belly0(self) -> np.ndarray:
        """The belly direction with unknown frames as (0, 0)."""
        return np.where(np.isnan(self.belly), 0.0, self.belly)

    @cached_property
    def facing_x0(self) -> np.ndarray:
        """``facing_x`` with unknown frames as 0."""
        return np.where(np.isnan(self.facing_x), 0.0, self.facing_x)


VIEW_NAMES = ("side", "front", "back", "oblique")
OBLIQUE = 3


def _mid(xy: np.ndarray, vis: np.ndarray, pair: tuple[int, int]) -> np.ndarray:
    """Visibility-weighted midpoint of a left/right pair, (T, 2)."""
    # Written out for the pair (the same floats as a weighted sum over the pair's axis).
    w0 = np.minimum(np.maximum(vis[:, pair[0], None], 1e-3), 1.0)
    w1 = np.minimum(np.maximum(vis[:, pair[1], None], 1e-3), 1.0)
    return (xy[:, pair[0]] * w0 + xy[:, pair[1]] * w1) / (w0 + w1)


def _unit(v: np.ndarray) -> np.ndarray:
    n = norm2(v)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, v / n, 0.0)


def _turn(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signed sine of the turn from direction a to direction b (positive: cross2 > 0)."""
    return cross2(a, b) / np.maximum(norm2(a) * norm2(b), 1e-9)


# The joint turns that show the belly side (see ``_belly_evidence``), as landmark indices: the
# turn from segment A (``A_FROM`` -> ``A_TO``) to segment B (``B_FROM`` -> ``B_TO``), for
# each side a knee, an elbow and a foot, then the face (indices ``_EAR_MID`` and
# ``_SHOULDER_MID`` are points appended after the 33 landmarks). ``_NEEDS``: the landmarks a
# limb's turn needs seen; ``_MIN_TURN``: the turn's sine below which the joint is taken as
# straight; ``_WEIGHT``: the signed weight of its evidence, in the order it is summed.
_EAR_MID, _SHOULDER_MID = lm.N_LANDMARKS, lm.N_LANDMARKS + 1
_LIMB_TURNS = [(side, joint) for side in (0, 1) for joint in ("knee", "elbow", "foot")]
_SEGMENTS = {  # (A_FROM, A_TO, B_FROM, B_TO) of each limb turn, by side
    "knee": lambda s: (lm.HIP[s], lm.KNEE[s], lm.KNEE[s], lm.ANKLE[s]),
    "elbow": lambda s: (lm.SHOULDER[s], lm.ELBOW[s], lm.ELBOW[s], lm.WRIST[s]),
    "foot": lambda s: (lm.KNEE[s], lm.ANKLE[s], lm.HEEL[s], lm.FOOT[s]),
}
_NEEDS_SEEN = {
    "knee": lambda s: (lm.HIP[s], lm.KNEE[s], lm.ANKLE[s], lm.ANKLE[s]),
    "elbow": lambda s: (lm.SHOULDER[s], lm.ELBOW[s], lm.WRIST[s], lm.WRIST[s]),
    "foot": lambda s: (lm.KNEE[s], lm.ANKLE[s], lm.HEEL[s], lm.FOOT[s]),
}
_MIN_TURN_SINE = {"knee": 0.26, "elbow": 0.34, "foot": 0.34}  # bent 15+, 20+, 20+ degrees
_TURN_WEIGHT = {"knee": 1.0, "elbow": -0.6, "foot": -0.4}
_FACE_WEIGHT = 0.8
_TURN_INDEX = np.array([_SEGMENTS[j](s) for s, j in _LIMB_TURNS] + [(_SHOULDER_MID, _EAR_MID, _EAR_MID, lm.NOSE)]).T
_NEEDS = np.array([_NEEDS_SEEN[j](s) for s, j in _LIMB_TURNS])
_MIN_TURN = np.array([_MIN_TURN_SINE[j] for _, j in _LIMB_TURNS])
_WEIGHT = np.array([_TURN_WEIGHT[j] for _, j in _LIMB_TURNS] + [_FACE_WEIGHT])
# The same as plain lists, for one frame's path (``_trunk_of_frame``).
_TURN_LIST = [tuple(int(i) for i in col) for col in _TURN_INDEX.T]
_NEEDS_LIST = [tuple(int(i) for i in row) for row in _NEEDS]
_MIN_TURN_LIST = _MIN_TURN.tolist()
_WEIGHT_LIST = _WEIGHT.tolist()


def _belly_evidence(xy: np.ndarray, seen: np.ndarray, normal: np.ndarray, trunk_px: np.ndarray) -> np.ndarray:
    """Signed evidence (T,) that the belly lies along +normal, where normal = perp(trunk).

    Joints bend one way only, so the turn from one segment to the next shows which side
    of the body faces the camera, whatever the posture: a knee flexes with the shin turning
    backward, an elbow with the forearm turning forward, the foot points forward from the
    shin, and the face looks forward from the neck. In the image each gives the sign of
    cross2(trunk, belly); bent joints give strong evidence, straight ones almost none.
    All the turns are measured in one pass and summed in a fixed order (left knee, elbow,
    foot, right knee, elbow, foot, face), so the sum is the same float frame by frame.
    """
    del normal, trunk_px  # perp(trunk) is the belly when cross2(trunk, belly) > 0
    ears = seen[:, list(lm.EAR)]
    w = np.where(ears, 1.0, 1e-3)
    ear_mid = (xy[:, list(lm.EAR)] * w[..., None]).sum(axis=1) / w.sum(axis=1)[:, None]
    shoulder_mid = (xy[:, lm.LEFT_SHOULDER] + xy[:, lm.RIGHT_SHOULDER]) / 2.0
    points = np.concatenate([xy, ear_mid[:, None], shoulder_mid[:, None]], axis=1)
    a_from, a_to, b_from, b_to = _TURN_INDEX
    turns = _turn(points[:, a_to] - points[:, a_from], points[:, b_to] - points[:, b_from])  # (T, 7)
    limbs = seen[:, _NEEDS].all(axis=2) & (np.abs(turns[:, :-1]) > _MIN_TURN)
    face = seen[:, lm.NOSE] & ears.any(axis=1) & (seen[:, lm.LEFT_SHOULDER] | seen[:, lm.RIGHT_SHOULDER])
    used = np.concatenate([limbs, face[:, None]], axis=1)
    terms = np.concatenate([np.zeros((len(xy), 1)), np.where(used, _WEIGHT * turns, 0.0)], axis=1)
    return np.cumsum(terms, axis=1)[:, -1]  # summed left to right, one term after another


@dataclass(frozen=True)
class Trunk:
    """The trunk and its belly side, arrays over T frames (the part of ``Body`` that the
    silhouette measures need; see ``Body`` for the fields)."""

    xy: np.ndarray
    vis: np.ndarray
    seen: np.ndarray
    hip_mid: np.ndarray
    shoulder_mid: np.ndarray
    trunk: np.ndarray
    trunk_px: np.ndarray
    trunk_ok: np.ndarray
    belly: np.ndarray
    belly_score: np.ndarray
    known: np.ndarray


def _pair_mid(x: list, v: list, pair: tuple[int, int]) -> tuple[float, float]:
    """``_mid`` of one frame in plain floats (the same operations in the same order)."""
    (x0, y0), (x1, y1) = x[pair[0]], x[pair[1]]
    w0, w1 = min(max(v[pair[0]], 1e-3), 1.0), min(max(v[pair[1]], 1e-3), 1.0)
    return (x0 * w0 + x1 * w1) / (w0 + w1), (y0 * w0 + y1 * w1) / (w0 + w1)


class FrameTrunk(NamedTuple):
    """``Trunk``'s values for one frame in plain Python (pixels; ``belly`` NaN when unknown;
    ``vis`` with NaN read as 0)."""

    vis: list[float]
    seen: list[bool]
    hip_mid: tuple[float, float]
    shoulder_mid: tuple[float, float]
    trunk: tuple[float, float]
    trunk_px: float
    trunk_ok: bool
    belly: tuple[float, float]
    belly_score: float
    known: bool


def trunk_of_frame(x: list[list[float]], vis: list[float], params: BodyParams | None = None) -> FrameTrunk:
    """``analyse_trunk`` of one frame, in plain floats: ``x`` the 33 landmarks' [x, y] in
    pixels, ``vis`` their visibilities. The per-frame path pays for a handful of numpy calls
    instead of some eighty. Every value is the vectorised path's to the last bit (the same
    operations in the same order; lengths by ``np.hypot``, all in one call)."""
    p = params or BodyParams()
    v = [0.0 if a != a else a for a in vis]
    s = [a >= p.min_visibility and px == px and py == py for a, (px, py) in zip(v, x, strict=True)]
    hip = _pair_mid(x, v, lm.HIP)
    shoulder = _pair_mid(x, v, lm.SHOULDER)
    tx, ty = shoulder[0] - hip[0], shoulder[1] - hip[1]
    # The belly evidence (``_belly_evidence``): the seven turns, summed from 0.0 in their order.
    ears = (s[lm.EAR[0]], s[lm.EAR[1]])
    we0, we1 = (1.0 if ears[0] else 1e-3), (1.0 if ears[1] else 1e-3)
    (ax, ay), (bx, by) = x[lm.EAR[0]], x[lm.EAR[1]]
    ear_mid = ((ax * we0 + bx * we1) / (we0 + we1), (ay * we0 + by * we1) / (we0 + we1))
    (lx, ly), (rx, ry) = x[lm.LEFT_SHOULDER], x[lm.RIGHT_SHOULDER]
    points = x + [ear_mid, ((lx + rx) / 2.0, (ly + ry) / 2.0)]
    turns = []  # each turn's two segments, (ux, uy, wx, wy)
    for a_from, a_to, b_from, b_to in _TURN_LIST:
        (p0x, p0y), (p1x, p1y) = points[a_from], points[a_to]
        (q0x, q0y), (q1x, q1y) = points[b_from], points[b_to]
        turns.append((p1x - p0x, p1y - p0y, q1x - q0x, q1y - q0y))
    # Every length in one call of numpy's hypot: the trunk, its normal, then each turn's two segments.
    lengths = np.hypot([tx, -ty, *(c for t in turns for c in (t[0], t[2]))],
                       [ty, tx, *(c for t in turns for c in (t[1], t[3]))]).tolist()
    trunk_px, n = lengths[0], lengths[1]
    trunk_ok = (s[lm.HIP[0]] or s[lm.HIP[1]]) and (s[lm.SHOULDER[0]] or s[lm.SHOULDER[1]]) and trunk_px > 1.0
    normal = (-ty / n, tx / n) if n > 0 else (0.0, 0.0)
    face = s[lm.NOSE] and (ears[0] or ears[1]) and (s[lm.LEFT_SHOULDER] or s[lm.RIGHT_SHOULDER])
    evidence = 0.0
    for k, (ux, uy, wx, wy) in enumerate(turns):
        length = lengths[2 + 2 * k] * lengths[3 + 2 * k]
        turn = (ux * wy - uy * wx) / (length if length != length or length > 1e-9 else 1e-9)
        used = face if k == len(_TURN_LIST) - 1 else (all(s[i] for i in _NEEDS_LIST[k]) and abs(turn) > _MIN_TURN_LIST[k])
        evidence += _WEIGHT_LIST[k] * turn if used else 0.0
    sign = 1.0 if evidence >= 0 else -1.0
    known = trunk_ok and abs(evidence) >= p.min_belly_score
    belly = (normal[0] * sign, normal[1] * sign) if known else (math.nan, math.nan)
    return FrameTrunk(v, s, hip, shoulder, (tx, ty), trunk_px, trunk_ok, belly, evidence, known)


def trunk_of_landmarks(landmarks: np.ndarray, width_px: int, height_px: int,
                       params: BodyParams | None = None) -> FrameTrunk:
    """``trunk_of_frame`` of one frame's normalised landmarks ((33, >=4): x, y, z, visibility)
    in a picture ``width_px`` x ``height_px``, placed in pixels as ``landmarks_to_px`` does."""
    rows = landmarks.tolist()
    return trunk_of_frame([[r[0] * width_px, r[1] * height_px] for r in rows], [r[3] for r in rows], params)


def _trunk_of_frame(xy: np.ndarray, vis: np.ndarray, p: BodyParams) -> Trunk:
    """``analyse_trunk`` of one frame ((1, 33, 2) pixels, (1, 33) visibility): ``trunk_of_frame``
    as arrays of one frame."""
    t = trunk_of_frame(xy[0].tolist(), vis[0].tolist(), p)
    return Trunk(xy, np.array([t.vis]), np.array([t.seen], dtype=bool), np.array([t.hip_mid]),
                 np.array([t.shoulder_mid]), np.array([t.trunk]), np.array([t.trunk_px]), np.array([t.trunk_ok]),
                 np.array([t.belly]), np.array([t.belly_score]), np.array([t.known]))


def analyse_trunk(xy: np.ndarray, vis: np.ndarray, params: BodyParams | None = None) -> Trunk:
    """Hip and shoulder midpoints and the belly side for each frame (``analyse_body``'s
    first step, on its own for callers that need no more)."""
    p = params or BodyParams()
    xy = np.asarray(xy, dtype=float)
    vis = np.asarray(vis, dtype=float)
    if len(xy) == 1 and vis.shape == (1, xy.shape[1]):  # the per-frame path (live, and each frame of a review)
        return _trunk_of_frame(xy, vis, p)
    vis = np.where(np.isnan(vis), 0.0, vis)
    seen = (vis >= p.min_visibility) & ~np.isnan(xy).any(axis=-1)
    hip_mid = _mid(xy, vis, lm.HIP)
    shoulder_mid = _mid(xy, vis, lm.SHOULDER)
    trunk = shoulder_mid - hip_mid
    trunk_px = norm2(trunk)
    trunk_ok = seen[:, list(lm.HIP)].any(axis=1) & seen[:, list(lm.SHOULDER)].any(axis=1) & (trunk_px > 1.0)
    normal = _unit(perpendicular(trunk))
    evidence = _belly_evidence(xy, seen, normal, trunk_px)
    sign = np.where(evidence >= 0, 1.0, -1.0)
    known = trunk_ok & (np.abs(evidence) >= p.min_belly_score)
    belly = np.where(known[:, None], normal * sign[:, None], np.nan)
    return Trunk(xy, vis, seen, hip_mid, shoulder_mid, trunk, trunk_px, trunk_ok, belly, evidence, known)


def analyse_body(xy: np.ndarray, vis: np.ndarray, z: np.ndarray, params: BodyParams | None = None) -> Body:
    """Decide belly side, facing, view, near limbs and front leg for each frame."""
    p = params or BodyParams()
    xy = np.asarray(xy, dtype=float)
    vis = np.asarray(vis, dtype=float)
    if len(xy) == 1 and vis.shape == (1, xy.shape[1]):  # the per-frame path: plain floats from the start
        return _body_of_frame(xy, trunk_of_frame(xy[0].tolist(), vis[0].tolist(), p), z, p)
    t = analyse_trunk(xy, vis, p)
    xy, vis, seen, hip_mid, shoulder_mid = t.xy, t.vis, t.seen, t.hip_mid, t.shoulder_mid
    trunk, trunk_px, trunk_ok, belly, evidence, known = t.trunk, t.trunk_px, t.trunk_ok, t.belly, t.belly_score, t.known

    facing_x = np.where(known, np.sign(belly[:, 0]), np.nan)
    facing_x = np.where(facing_x == 0, np.nan, facing_x)
    # Left axis = up x front; its depth component tells which side faces the camera.
    belly0 = np.where(np.isnan(belly), 0.0, belly)
    left_depth = cross2(trunk, belly0)
    facing = np.where(known, np.where(left_depth > 0, 1, 0), -1)

    widths = np.maximum(
        norm2(xy[:, lm.LEFT_SHOULDER] - xy[:, lm.RIGHT_SHOULDER]),
        norm2(xy[:, lm.LEFT_HIP] - xy[:, lm.RIGHT_HIP]),
    ) / np.maximum(trunk_px, 1e-6)
    tilt = np.degrees(np.arctan2(np.abs(trunk[:, 0]), -trunk[:, 1]))  # trunk from vertical
    face_on = vis[:, lm.NOSE] >= p.face_min_visibility
    view = np.where(widths <= p.side_view_max_width_trunks, 0,
                    np.where(widths >= p.front_view_min_width_trunks, np.where(face_on, 1, 2), OBLIQUE))
    # A body lying down looks wide from anywhere but its side; it is seen from the front (or
    # back) only end-on, along its length, when the trunk is foreshortened below the thighs.
    thighs = np.stack([np.where(seen[:, lm.HIP[s]] & seen[:, lm.KNEE[s]], norm2(xy[:, lm.KNEE[s]] - xy[:, lm.HIP[s]]), np.nan)
                       for s in (0, 1)], axis=1)
    with np.errstate(invalid="ignore"):
        thigh = np.where(np.isnan(thighs), -np.inf, thighs).max(axis=1)  # no NaN left: nanmax's answer, without its overhead
        lying = tilt > p.lying_beyond_deg
        end_on = trunk_px < p.end_on_max_thigh_lengths * thigh
    view = np.where(((view == 1) | (view == 2)) & lying & ~end_on & np.isfinite(thigh), OBLIQUE, view)
    view = np.where(trunk_ok, view, -1)

    depth = np.asarray(z, dtype=float)
    depth = np.where(np.isnan(depth), 0.0, depth)
    # Means of three, summed from 0.0 one after another as numpy's mean sums them.
    left_z = (0.0 + depth[:, lm.LEFT_SHOULDER] + depth[:, lm.LEFT_HIP] + depth[:, lm.LEFT_KNEE]) / 3.0
    right_z = (0.0 + depth[:, lm.RIGHT_SHOULDER] + depth[:, lm.RIGHT_HIP] + depth[:, lm.RIGHT_KNEE]) / 3.0
    near = np.where(left_z <= right_z, 0, 1)

    ahead = np.stack(
        [dot2(xy[:, lm.KNEE[s]] - hip_mid, belly0) for s in (0, 1)], axis=1
    )
    front_leg = np.where(known, np.argmax(ahead, axis=1), -1)

    upright = trunk_ok & (tilt <= p.lying_beyond_deg)
    return Body(
        xy=xy, vis=vis, seen=seen, hip_mid=hip_mid, shoulder_mid=shoulder_mid,
        trunk_px=np.where(trunk_ok, trunk_px, np.nan), belly=belly, belly_score=evidence,
        facing_x=facing_x, facing=facing, view=view, near=near, front_leg=front_leg,
        upright=upright,
    )


def _nan_max(a: float, b: float) -> float:
    """``np.maximum`` of two floats: NaN when either is."""
    return a if a != a else b if b != b else a if a >= b else b


def _body_of_frame(xy: np.ndarray, t: FrameTrunk, z: np.ndarray, p: BodyParams) -> Body:
    """``analyse_body`` of one frame ((1, 33, 2) pixels) after its trunk (``trunk_of_frame``), in
    plain floats: the vectorised path's values to the last bit, angles and lengths by numpy's
    own functions (the lengths in one call)."""
    x, v, s = xy[0].tolist(), t.vis, t.seen
    (tx, ty), trunk_px, trunk_ok, known, belly = t.trunk, t.trunk_px, t.trunk_ok, t.known, t.belly
    hip_x, hip_y = t.hip_mid
    b = belly[0]
    sign_x = (1.0 if b > 0 else -1.0 if b < 0 else math.nan if b != b else 0.0) if known else math.nan  # np.sign's
    facing_x = math.nan if sign_x == 0 else sign_x
    b0x, b0y = (0.0 if belly[0] != belly[0] else belly[0]), (0.0 if belly[1] != belly[1] else belly[1])
    facing = (1 if tx * b0y - ty * b0x > 0 else 0) if known else -1
    lengths = np.hypot([x[i][0] - x[j][0] for i, j in _LENGTH_PAIRS], [x[i][1] - x[j][1] for i, j in _LENGTH_PAIRS]).tolist()
    widths = _nan_max(lengths[0], lengths[1]) / _nan_max(trunk_px, 1e-6)
    tilt = degrees_atan2(abs(tx), -ty)
    if widths <= p.side_view_max_width_trunks:
        view = 0
    elif widths >= p.front_view_min_width_trunks:
        view = 1 if v[lm.NOSE] >= p.face_min_visibility else 2
    else:
        view = OBLIQUE
    thighs = [lengths[2 + k] if s[lm.HIP[k]] and s[lm.KNEE[k]] else math.nan for k in (0, 1)]
    thigh = max(-math.inf if d != d else d for d in thighs)
    lying = tilt > p.lying_beyond_deg
    end_on = trunk_px < p.end_on_max_thigh_lengths * thigh
    if view in (1, 2) and lying and not end_on and math.isfinite(thigh):
        view = OBLIQUE
    view = view if trunk_ok else -1
    depth = [0.0 if d != d else d for d in np.asarray(z, dtype=float)[0].tolist()]
    left_z = (0.0 + depth[lm.LEFT_SHOULDER] + depth[lm.LEFT_HIP] + depth[lm.LEFT_KNEE]) / 3.0
    right_z = (0.0 + depth[lm.RIGHT_SHOULDER] + depth[lm.RIGHT_HIP] + depth[lm.RIGHT_KNEE]) / 3.0
    ahead = [(x[lm.KNEE[k]][0] - hip_x) * b0x + (x[lm.KNEE[k]][1] - hip_y) * b0y for k in (0, 1)]
    first = 0 if ahead[0] != ahead[0] else 1 if ahead[1] != ahead[1] else 0 if ahead[0] >= ahead[1] else 1  # argmax's
    return Body(
        xy=xy, vis=np.array([v]), seen=np.array([s], dtype=bool), hip_mid=np.array([t.hip_mid]),
        shoulder_mid=np.array([t.shoulder_mid]), trunk_px=np.array([trunk_px if trunk_ok else math.nan]),
        belly=np.array([belly]), belly_score=np.array([t.belly_score]),
        facing_x=np.array([facing_x]), facing=np.array([facing]), view=np.array([view]),
        near=np.array([0 if left_z <= right_z else 1]), front_leg=np.array([first if known else -1]),
        upright=np.array([trunk_ok and tilt <= p.lying_beyond_deg]),
    )


# The lengths a frame's body needs: shoulder width, hip width, each thigh (knee to hip).
_LENGTH_PAIRS = ((lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER), (lm.LEFT_HIP, lm.RIGHT_HIP), (lm.KNEE[0], lm.HIP[0]),
                 (lm.KNEE[1], lm.HIP[1]))
