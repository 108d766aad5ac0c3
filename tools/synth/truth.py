"""Ground-truth measures of a rendered frame, in the conventions of the analysis contract.

All angles are in degrees. 2D measures use pixel coordinates (x right, y down) of the
projected joint centres; 3D measures use the joints projected onto the body's sagittal plane
(the plane normal to the pelvis's left-right axis), except the knee and elbow, which are
true 3D inner angles.

- Knee/elbow: inner angle 0..180, 180 straight.
- Hip-vertex angles (``hip``, ``back_hip``, ``bent_hip``, ``hang_hip``, ``body_line``):
  vertex = that leg's hip joint, first arm = same-side shoulder, second arm = that leg's
  knee (ankle for ``body_line``), measured through the belly side: in the sense of rotation
  that turns the trunk arm toward the pelvis's front direction (see :func:`front_angle_2d`).
  0..360, 180 straight, >180 extension, <180 flexion.
- ``trunk_lean``: mid-hip -> mid-shoulder against vertical, positive toward the facing
  direction; only for upright or kneeling trunks (within 45 degrees of vertical), else None.
- ``hip_level``: front/back view only; tilt of the hip line, positive when the LEFT hip is
  higher in the image.
- ``lumbar_curve``: see :func:`lumbar_curve`.
"""

from __future__ import annotations

import math

import numpy as np

from .body import Body, root_rotation
from .scene import Camera

JOINT_BONES = {
    "shoulder": "upperarm01",
    "elbow": "lowerarm01",
    "wrist": "wrist",
    "hip": "upperleg01",
    "knee": "lowerleg01",
    "ankle": "foot",
}
SIDE_NAMES = {"L": "left", "R": "right"}
OTHER = {"L": "R", "R": "L"}
SPINE_CHAIN = ("spine04", "spine03", "spine02", "spine01")

#: Starting bands (EXERCISES.md) and our own thresholds for checks it leaves open.
BANDS: dict[str, dict[str, object]] = {
    "lunge": {
        "front_knee_90": [80, 100],
        "knee_over_ankle": {"front_shin_vertical_abs_max": 15},
        "trunk_upright": [-10, 15],
        "no_lumbar_arch": {"trunk_lean_min": -10, "lumbar_curve_2d_max": 0.06},
        "back_knee_down": {"back_knee_height_max": 0.4},
    },
    "cobra": {
        "elbow_bend": {"beginner": [75, 105], "advanced": [160, 180]},
        "hips_down": {"hip_height_max": 0.35},
        "neck_neutral": {"neck_max": 10},
    },
    "glute_bridge": {"hips_lifted": {"hip_min": 160}, "no_overarch": {"hip_max": 195}, "knee_angle": [80, 110]},
    "knee_to_chest": {
        "knee_to_chest": {"bent_hip_max": 70},
        "other_leg_straight": {"straight_knee_min": 160},
        "other_leg_down": {"straight_hip_min": 160},
    },
    "edge_hang": {
        "hang_thigh_down": {"hang_hip_min": 185},
        "knee_to_chest": {"bent_hip_max": 70},
        "no_lumbar_arch": {"lumbar_curve_2d_max": 0.06},
    },
    "constructive_rest": {"knees_bent": [40, 75], "feet_flat": {"foot_tilt_abs_max": 20}},
    "legs_on_chair": {"hip_90": [70, 110], "knee_90": [70, 110]},
    "knees_together_rest": {"knees_together": {"knee_gap_max": 0.6}, "feet_flat": {"foot_tilt_abs_max": 20}},
    "figure_four_rest": {"ankle_on_knee": {"ankle_knee_dist_max": 0.35}},
    "pigeon": {"hips_square": {"hip_level_abs_max": 10}, "back_leg_straight": {"back_knee_min": 150}},
    "plank": {"body_line": [170, 190]},
    "smr_release": {"prone": {"trunk_tilt_abs_max": 25, "hip_height_max": 0.45}},
}


def inner_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Inner angle at ``b`` between ``a`` and ``c`` (any dimension), 0..180."""
    u, v = a - b, c - b
    cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-12))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def front_angle_2d(vertex: np.ndarray, arm1: np.ndarray, arm2: np.ndarray, front: np.ndarray) -> float:
    """Angle at ``vertex`` from ``arm1`` to ``arm2`` through the belly side, 0..360.

    Measured in the sense of rotation that turns ``arm1`` (the trunk) toward ``front`` (the
    belly direction): for any angle above 90 this is the arc between the arms that contains
    ``front``; it also stays right in deep flexion (knee to chest, below 90), where the thigh
    has passed the belly direction.
    """
    u, w = arm1 - vertex, arm2 - vertex
    sense = 1.0 if u[0] * front[1] - u[1] * front[0] >= 0 else -1.0
    a = math.atan2(u[1], u[0])
    b = math.atan2(w[1], w[0])
    return math.degrees(((b - a) * sense) % (2 * math.pi))


def signed_tilt(vec: np.ndarray, toward: float) -> float:
    """Angle of 2D ``vec`` (pointing up-ish, y down) from vertical, positive toward ``toward`` (+1/-1 in x)."""
    return math.degrees(math.atan2(vec[0] * toward, -vec[1]))


def lumbar_curve(points: np.ndarray, front: np.ndarray, trunk_len: float) -> float:
    """Signed lower-back curve of the spine joints ``points`` (lowest first), 2D.

    The largest perpendicular distance of a spine joint from the chord joining the lowest
    and highest joint, over the trunk length; positive when the joints bow toward the
    belly (``front``), i.e. the curve is concave toward the back (lordosis, arched back).
    """
    a, b = points[0], points[-1]
    c = (b - a) / (np.linalg.norm(b - a) + 1e-12)
    n = np.array([-c[1], c[0]])
    if n @ front < 0:
        n = -n
    d = [(p - a) @ n for p in points[1:-1]]
    k = int(np.argmax(np.abs(d)))
    return float(d[k] / trunk_len)


class FrameMeasure:
    """Joints of one posed frame in 3D, in 2D, and in the sagittal plane."""

    def __init__(self, body: Body, heads: np.ndarray, verts: np.ndarray, pose: dict, cam: Camera):
        self.cam = cam
        j3: dict[str, np.ndarray] = {}
        for s, name in SIDE_NAMES.items():
            for joint, bone in JOINT_BONES.items():
                j3[f"{name}_{joint}"] = heads[body.idx(f"{bone}.{s}")]
            j3[f"{name}_eye"] = heads[body.idx(f"eye.{s}")] + np.array([0, 0, 0])
        for key, vi in body.landmark_vertices.items():
            j3[key] = verts[vi]
        self.j3 = j3
        self.spine3 = np.stack([heads[body.idx(b)] for b in SPINE_CHAIN])
        rot = root_rotation(pose)
        self.left_axis = rot @ np.array([1.0, 0, 0])
        self.front3 = rot @ np.array([0, -1.0, 0])
        self.head_axis = rot @ np.array([0, 0, 1.0])
        self.pelvis = heads[0]
        names = list(j3)
        pts = cam.project(np.stack([j3[k] for k in names]))
        self.j2 = {k: pts[i] for i, k in enumerate(names)}
        self.spine2 = cam.project(self.spine3)
        self.front2 = cam.direction_2d(self.pelvis, self.front3)
        # Sagittal plane coordinates: (forward, up) in the body's own frame.
        e_f = self.front3
        e_u = self.head_axis
        self.sag = {k: np.array([v @ e_f, v @ e_u]) for k, v in j3.items()}
        self.spine_sag = np.stack([[p @ e_f, p @ e_u] for p in self.spine3])
        eye = np.array(cam.eye)
        to_cam = eye - self.pelvis
        to_cam /= np.linalg.norm(to_cam)
        lat = float(self.left_axis @ to_cam)
        if abs(lat) >= math.cos(math.radians(50)):
            self.view = "side"
        else:
            # The frontal plane faces the camera: front if the belly side is toward it.
            self.view = "front" if self.front3 @ to_cam > 0 else "back"
        self.facing = ("left" if lat > 0 else "right") if self.view == "side" else None
        self.near = "L" if lat > 0 else "R"
        self.front_sign = 1.0 if self.front2[0] >= 0 else -1.0

    def mid(self, space: str, joint: str) -> np.ndarray:
        """Midpoint of the left and right ``joint`` in '2d', '3d' or 'sag'."""
        d = {"2d": self.j2, "3d": self.j3, "sag": self.sag}[space]
        return (d[f"left_{joint}"] + d[f"right_{joint}"]) / 2.0


def _hip_angles(m: FrameMeasure, side: str, end: str) -> tuple[float, float]:
    """(2D, 3D-sagittal) front-side angle at ``side``'s hip from its shoulder to its ``end``."""
    n = SIDE_NAMES[side]
    a2 = front_angle_2d(m.j2[f"{n}_hip"], m.j2[f"{n}_shoulder"], m.j2[f"{n}_{end}"], m.front2)
    a3 = front_angle_2d(m.sag[f"{n}_hip"], m.sag[f"{n}_shoulder"], m.sag[f"{n}_{end}"], np.array([1.0, 0.0]))
    return a2, a3


def _inner(m: FrameMeasure, side: str, a: str, b: str, c: str) -> tuple[float, float]:
    n = SIDE_NAMES[side]
    return (
        inner_angle(m.j2[f"{n}_{a}"], m.j2[f"{n}_{b}"], m.j2[f"{n}_{c}"]),
        inner_angle(m.j3[f"{n}_{a}"], m.j3[f"{n}_{b}"], m.j3[f"{n}_{c}"]),
    )


def measure(m: FrameMeasure, exercise: str | None, roles: dict[str, str]) -> tuple[dict, dict, dict]:
    """Angles (2D, 3D) and extra scalar measures for a frame.

    ``roles`` names sides: ``front`` (lunge, pigeon), ``bent`` (knee_to_chest, edge_hang),
    ``support`` (figure_four_rest). Other exercises use the side nearer the camera.
    Returns ``(angles_2d, angles_3d, lumbar)`` where lumbar holds both curve values.
    """
    a2: dict[str, float | None] = {}
    a3: dict[str, float | None] = {}

    def put(name: str, pair: tuple[float, float]) -> None:
        a2[name], a3[name] = round(pair[0], 1), round(pair[1], 1)

    near = m.near
    for s, n in SIDE_NAMES.items():
        put(f"{n}_knee", _inner(m, s, "hip", "knee", "ankle"))
        put(f"{n}_elbow", _inner(m, s, "shoulder", "elbow", "wrist"))
        put(f"{n}_hip", _hip_angles(m, s, "knee"))

    # Trunk.
    tr2 = m.mid("2d", "shoulder") - m.mid("2d", "hip")
    tr_s = m.mid("sag", "shoulder") - m.mid("sag", "hip")
    trunk_len2 = float(np.linalg.norm(tr2))
    trunk_len3 = float(np.linalg.norm(m.mid("3d", "shoulder") - m.mid("3d", "hip")))
    tr3w = m.mid("3d", "shoulder") - m.mid("3d", "hip")
    upright = tr3w[2] / (np.linalg.norm(tr3w) + 1e-12) > math.cos(math.radians(45))
    if upright and m.view == "side":
        a2["trunk_lean"] = round(signed_tilt(tr2, m.front_sign), 1)
        # 3D: lean in the sagittal plane against world vertical, positive forward.
        up = np.array([0, 0, 1.0])
        fwd = m.front3 - (m.front3 @ up) * up
        fwd /= np.linalg.norm(fwd) + 1e-12
        a3["trunk_lean"] = round(math.degrees(math.atan2(tr3w @ fwd, tr3w @ up)), 1)
    else:
        a2["trunk_lean"] = a3["trunk_lean"] = None
    # Trunk against image horizontal (lying postures), 0..90.
    a2["trunk_tilt"] = round(math.degrees(math.atan2(abs(tr2[1]), abs(tr2[0]) + 1e-9)), 1)
    a3["trunk_tilt"] = round(math.degrees(math.asin(min(1.0, abs(tr3w[2]) / (np.linalg.norm(tr3w) + 1e-12)))), 1)
    del tr_s

    # Neck: head pitch against the trunk. The ear->nose line turned from the trunk's
    # perpendicular toward the head end (looking up, head tipped back) is positive.
    n = SIDE_NAMES[near]
    for space, out in (("2d", a2), ("sag", a3)):
        d = {"2d": m.j2, "sag": m.sag}[space]
        t = d["left_shoulder"] + d["right_shoulder"] - d["left_hip"] - d["right_hip"]
        h = d["nose"] - d[f"{n}_ear"]
        front = m.front2 if space == "2d" else np.array([1.0, 0.0])
        sense = 1.0 if t[0] * front[1] - t[1] * front[0] >= 0 else -1.0
        beta = math.degrees(math.atan2((t[0] * h[1] - t[1] * h[0]) * sense, t @ h))
        out["neck"] = round(90.0 - beta, 1)

    # Hip height over the lowest visible body point, in trunk lengths (2D), and in 3D metres/trunk.
    low_keys = [f"{n}_{j}" for n in ("left", "right") for j in ("knee", "ankle", "heel", "toe")]
    floor_y = max(m.j2[k][1] for k in low_keys)
    a2["hip_height"] = round(float(floor_y - m.mid("2d", "hip")[1]) / (trunk_len2 + 1e-9), 3)
    a3["hip_height"] = round(float(m.mid("3d", "hip")[2]) / trunk_len3, 3)

    ex = exercise
    side = near
    if ex in ("lunge", "pigeon"):
        f = roles.get("front", near)
        b = OTHER[f]
        put("front_knee", _inner(m, f, "hip", "knee", "ankle"))
        put("back_knee", _inner(m, b, "hip", "knee", "ankle"))
        put("back_hip", _hip_angles(m, b, "knee"))
        put("front_hip", _hip_angles(m, f, "knee"))
        fn, bn = SIDE_NAMES[f], SIDE_NAMES[b]
        shin2 = m.j2[f"{fn}_knee"] - m.j2[f"{fn}_ankle"]
        lunge_side = ex == "lunge" and m.view == "side"
        a2["front_shin_vertical"] = round(signed_tilt(shin2, m.front_sign), 1) if lunge_side else None
        up = np.array([0, 0, 1.0])
        s3 = m.j3[f"{fn}_knee"] - m.j3[f"{fn}_ankle"]
        fwd = m.front3 - (m.front3 @ up) * up
        fwd /= np.linalg.norm(fwd) + 1e-12
        a3["front_shin_vertical"] = round(math.degrees(math.atan2(s3 @ fwd, s3 @ up)), 1) if ex == "lunge" else None
        foot_y = max(m.j2[f"{fn}_heel"][1], m.j2[f"{fn}_toe"][1])
        thigh2 = float(np.linalg.norm(m.j2[f"{bn}_knee"] - m.j2[f"{bn}_hip"]))
        a2["back_knee_height"] = round(float(foot_y - m.j2[f"{bn}_knee"][1]) / (thigh2 + 1e-9), 3) if lunge_side else None
        foot_z = min(m.j3[f"{fn}_heel"][2], m.j3[f"{fn}_toe"][2])
        thigh3 = float(np.linalg.norm(m.j3[f"{bn}_knee"] - m.j3[f"{bn}_hip"]))
        a3["back_knee_height"] = round(float(m.j3[f"{bn}_knee"][2] - foot_z) / thigh3, 3) if ex == "lunge" else None
        side = f
    elif ex in ("knee_to_chest", "edge_hang"):
        bnt = roles.get("bent", near)
        oth = OTHER[bnt]
        put("bent_hip", _hip_angles(m, bnt, "knee"))
        if ex == "knee_to_chest":
            put("straight_knee", _inner(m, oth, "hip", "knee", "ankle"))
            put("straight_hip", _hip_angles(m, oth, "knee"))
        else:
            put("hang_hip", _hip_angles(m, oth, "knee"))
            put("hang_knee", _inner(m, oth, "hip", "knee", "ankle"))
        side = bnt
    elif ex == "plank":
        put("body_line", _hip_angles(m, near, "ankle"))
        put("hip", _hip_angles(m, near, "knee"))
    elif ex == "cobra":
        put("elbow", _inner(m, near, "shoulder", "elbow", "wrist"))
        put("hip", _hip_angles(m, near, "knee"))
    elif ex == "figure_four_rest":
        sup = roles.get("support", near)
        cr = OTHER[sup]
        put("knee", _inner(m, sup, "hip", "knee", "ankle"))
        put("cross_knee", _inner(m, cr, "hip", "knee", "ankle"))
        put("hip", _hip_angles(m, sup, "knee"))
        sn, cn = SIDE_NAMES[sup], SIDE_NAMES[cr]
        shin2 = float(np.linalg.norm(m.j2[f"{sn}_knee"] - m.j2[f"{sn}_ankle"]))
        shin3 = float(np.linalg.norm(m.j3[f"{sn}_knee"] - m.j3[f"{sn}_ankle"]))
        a2["ankle_knee_dist"] = round(float(np.linalg.norm(m.j2[f"{cn}_ankle"] - m.j2[f"{sn}_knee"])) / shin2, 3)
        a3["ankle_knee_dist"] = round(float(np.linalg.norm(m.j3[f"{cn}_ankle"] - m.j3[f"{sn}_knee"])) / shin3, 3)
    elif ex is not None:
        put("knee", _inner(m, near, "hip", "knee", "ankle"))
        put("hip", _hip_angles(m, near, "knee"))

    # Foot tilt against the trunk line (supine postures): heel->toe vs hip->shoulder, 0..90.
    n = SIDE_NAMES[side]
    ft2 = m.j2[f"{n}_toe"] - m.j2[f"{n}_heel"]
    ang = abs(math.degrees(math.atan2(tr2[0] * ft2[1] - tr2[1] * ft2[0], tr2 @ ft2)))
    a2["foot_tilt"] = round(min(ang, 180 - ang), 1)
    ft3 = m.sag[f"{n}_toe"] - m.sag[f"{n}_heel"]
    t3 = m.mid("sag", "shoulder") - m.mid("sag", "hip")
    ang = abs(math.degrees(math.atan2(t3[0] * ft3[1] - t3[1] * ft3[0], t3 @ ft3)))
    a3["foot_tilt"] = round(min(ang, 180 - ang), 1)

    # Front-view measures.
    if m.view in ("front", "back"):
        lh, rh = m.j2["left_hip"], m.j2["right_hip"]
        a2["hip_level"] = round(math.degrees(math.atan2(rh[1] - lh[1], abs(lh[0] - rh[0]) + 1e-9)), 1)
        hw = float(np.linalg.norm(lh - rh))
        a2["knee_gap"] = round(float(np.linalg.norm(m.j2["left_knee"] - m.j2["right_knee"])) / hw, 3)
        a2["feet_width"] = round(float(np.linalg.norm(m.j2["left_ankle"] - m.j2["right_ankle"])) / hw, 3)
    else:
        a2["hip_level"] = a2["knee_gap"] = a2["feet_width"] = None
    lh3, rh3 = m.j3["left_hip"], m.j3["right_hip"]
    a3["hip_level"] = round(math.degrees(math.asin((lh3[2] - rh3[2]) / np.linalg.norm(lh3 - rh3))), 1)
    hw3 = float(np.linalg.norm(lh3 - rh3))
    a3["knee_gap"] = round(float(np.linalg.norm(m.j3["left_knee"] - m.j3["right_knee"])) / hw3, 3)
    a3["feet_width"] = round(float(np.linalg.norm(m.j3["left_ankle"] - m.j3["right_ankle"])) / hw3, 3)

    lumbar = {
        "lumbar_curve": round(lumbar_curve(m.spine_sag, np.array([1.0, 0.0]), trunk_len3), 4),
        "lumbar_curve_2d": round(lumbar_curve(m.spine2, m.front2, trunk_len2), 4),
    }
    return a2, a3, {"side": side, **lumbar}


def _band(v: float | None, lo: float, hi: float) -> str:
    if v is None:
        return "unknown"
    return "pass" if lo <= v <= hi else "fail"


def _max(v: float | None, hi: float) -> str:
    return "unknown" if v is None else ("pass" if v <= hi else "fail")


def _min(v: float | None, lo: float) -> str:
    return "unknown" if v is None else ("pass" if v >= lo else "fail")


def checks(exercise: str | None, a2: dict, lumbar2: float, view: str, profile: str, variant: str | None) -> dict[str, str]:
    """Expected check verdicts from the 2D truth and :data:`BANDS`; {} when not in an exercise."""
    if exercise is None:
        return {}
    b = BANDS.get(exercise, {})
    side = view == "side"
    front = view in ("front", "back")
    out: dict[str, str] = {}

    def sv(status: str, need_side: bool = True) -> str:
        return status if (side or not need_side) else "unknown"

    g = a2.get
    if exercise == "lunge":
        out["front_knee_90"] = sv(_band(g("front_knee"), *b["front_knee_90"]))
        shin = g("front_shin_vertical")
        out["knee_over_ankle"] = sv(
            _max(None if shin is None else abs(shin), b["knee_over_ankle"]["front_shin_vertical_abs_max"])
        )
        out["trunk_upright"] = sv(_band(g("trunk_lean"), *b["trunk_upright"]))
        la = b["no_lumbar_arch"]
        lean = g("trunk_lean")
        if lean is None:
            out["no_lumbar_arch"] = "unknown"
        else:
            bad = lean < la["trunk_lean_min"] or lumbar2 > la["lumbar_curve_2d_max"]
            out["no_lumbar_arch"] = sv("fail" if bad else "pass")
        if variant == "kneeling":
            out["back_knee_down"] = sv(_max(g("back_knee_height"), b["back_knee_down"]["back_knee_height_max"]))
    elif exercise == "cobra":
        lo, hi = b["elbow_bend"][profile if profile in b["elbow_bend"] else "beginner"]
        out["elbow_bend"] = sv(_band(g("elbow"), lo, hi))
        out["hips_down"] = sv(_max(g("hip_height"), b["hips_down"]["hip_height_max"]))
        out["neck_neutral"] = sv(_max(g("neck"), b["neck_neutral"]["neck_max"]))
    elif exercise == "glute_bridge":
        out["hips_lifted"] = sv(_min(g("hip"), b["hips_lifted"]["hip_min"]))
        out["no_overarch"] = sv(_max(g("hip"), b["no_overarch"]["hip_max"]))
        out["knee_angle"] = sv(_band(g("knee"), *b["knee_angle"]))
    elif exercise == "knee_to_chest":
        out["knee_to_chest"] = sv(_max(g("bent_hip"), b["knee_to_chest"]["bent_hip_max"]))
        out["other_leg_straight"] = sv(_min(g("straight_knee"), b["other_leg_straight"]["straight_knee_min"]))
        out["other_leg_down"] = sv(_min(g("straight_hip"), b["other_leg_down"]["straight_hip_min"]))
    elif exercise == "edge_hang":
        out["hang_thigh_down"] = sv(_min(g("hang_hip"), b["hang_thigh_down"]["hang_hip_min"]))
        out["knee_to_chest"] = sv(_max(g("bent_hip"), b["knee_to_chest"]["bent_hip_max"]))
        out["no_lumbar_arch"] = sv(_max(lumbar2, b["no_lumbar_arch"]["lumbar_curve_2d_max"]))
    elif exercise == "constructive_rest":
        out["knees_bent"] = sv(_band(g("knee"), *b["knees_bent"]))
        out["feet_flat"] = sv(_max(g("foot_tilt"), b["feet_flat"]["foot_tilt_abs_max"]))
    elif exercise == "legs_on_chair":
        out["hip_90"] = sv(_band(g("hip"), *b["hip_90"]))
        out["knee_90"] = sv(_band(g("knee"), *b["knee_90"]))
    elif exercise == "knees_together_rest":
        out["knees_together"] = _max(g("knee_gap"), b["knees_together"]["knee_gap_max"]) if front else "unknown"
        out["feet_flat"] = sv(_max(g("foot_tilt"), b["feet_flat"]["foot_tilt_abs_max"]))
    elif exercise == "figure_four_rest":
        out["ankle_on_knee"] = _max(g("ankle_knee_dist"), b["ankle_on_knee"]["ankle_knee_dist_max"])
    elif exercise == "pigeon":
        hl = g("hip_level")
        out["hips_square"] = _max(None if hl is None else abs(hl), b["hips_square"]["hip_level_abs_max"]) if front else "unknown"
        out["back_leg_straight"] = sv(_min(g("back_knee"), b["back_leg_straight"]["back_knee_min"]))
    elif exercise == "plank":
        out["body_line"] = sv(_band(g("body_line"), *b["body_line"]))
    elif exercise == "smr_release":
        pr = b["prone"]
        tilt, hh = g("trunk_tilt"), g("hip_height")
        ok = tilt is not None and hh is not None and tilt <= pr["trunk_tilt_abs_max"] and hh <= pr["hip_height_max"]
        out["prone"] = sv("pass" if ok else "fail")
    return out


def joints_2d_json(m: FrameMeasure) -> dict[str, list[float]]:
    """Pixel coordinates of the landmarks, rounded to 0.1 px."""
    return {k: [round(float(v[0]), 1), round(float(v[1]), 1)] for k, v in m.j2.items()}
