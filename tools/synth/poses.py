"""The catalogue poses, solved so that the body rests on the floor and props.

Each builder returns a :class:`Built`: joint angles (see :mod:`body`), the pelvis position,
the props it needs and the roles of the legs. Builders work in the body's frame with
``yaw`` 0 (body front along -Y, left side toward +X); the camera picks the side seen.

Sagittal bookkeeping: a segment that points down in the neutral pose and is rotated by
``Rx(phi)`` points along ``(y, z) = (sin phi, -cos phi)``; ``phi`` adds along a chain:
``phi_thigh = pitch - hip_flex``, ``phi_shin = phi_thigh + knee_flex``,
``phi_chest = pitch - lumbar_ext - thoracic_ext``, ``phi_upper_arm = phi_chest - sh_flex``,
``phi_forearm = phi_upper_arm - elbow_flex``, ``phi_hand = phi_forearm - wrist_ext``
(with 90 degrees of pronation), and a foot is flat when ``phi_shin - ankle_dorsi = 0``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .body import Body, Pose, Posed, root_rotation
from .scene import Prop
from .truth import front_angle_2d

OTHER = {"L": "R", "R": "L"}
HAND_Z = 0.035  # wrist joint height with the palm flat on the floor (m)
CUSHION_RGB = (0.55, 0.16, 0.32)
BED_RGB = (0.92, 0.92, 0.95)
WOOD_RGB = (0.45, 0.28, 0.15)
BALL_RGB = (0.95, 0.55, 0.10)


@dataclass
class Built:
    """A solved pose: angles, pelvis position (m), props and leg roles."""

    pose: Pose
    trans: np.ndarray
    props: list[Prop] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)


def _wrap(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


def _phi(v: np.ndarray) -> float:
    """Sagittal angle of a (y, z) direction of a neutral-down segment."""
    return math.degrees(math.atan2(v[0], -v[1]))


def two_link(root: np.ndarray, target: np.ndarray, l1: float, l2: float, bend: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2D two-link IK: (middle joint, reached end). ``bend`` picks the side of the middle joint."""
    d = target - root
    dist = float(np.linalg.norm(d))
    dist_c = min(max(dist, abs(l1 - l2) + 1e-6), l1 + l2 - 1e-6)
    u = d / (dist + 1e-12)
    a = (l1 * l1 - l2 * l2 + dist_c * dist_c) / (2 * dist_c)
    h = math.sqrt(max(l1 * l1 - a * a, 0.0))
    n = np.array([-u[1], u[0]])
    if n @ bend < 0:
        n = -n
    mid = root + u * a + n * h
    end = root + u * dist_c
    return mid, end


def secant(f: Callable[[float], float], x0: float, x1: float, iters: int = 8, tol: float = 0.2) -> float:
    """Root of ``f`` by the secant method, clamped steps."""
    f0, f1 = f(x0), f(x1)
    for _ in range(iters):
        if abs(f1) < tol or f1 == f0:
            break
        x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
        x2 = max(min(x2, x1 + 30), x1 - 30)
        x0, f0, x1, f1 = x1, f1, x2, f(x2)
    return x1


def bisect(f: Callable[[float], float], lo: float, hi: float, iters: int = 14) -> float:
    """Root of an increasing ``f`` in [lo, hi] by bisection (the nearer end if none)."""
    flo, fhi = f(lo), f(hi)
    if flo >= 0 or fhi <= 0:
        return lo if abs(flo) < abs(fhi) else hi
    for _ in range(iters):
        mid = (lo + hi) / 2
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def support_shift(verts: np.ndarray, props: list[Prop]) -> float:
    """Vertical shift (m) that rests ``verts`` on the floor and the supporting props."""
    shift = -float(verts[:, 2].min())
    for p in props:
        if not p.name.startswith("support"):
            continue
        cx, cy, _ = p.centre
        if p.kind == "ball":
            r = p.size[0] / 2
            inside = (verts[:, 0] - cx) ** 2 + (verts[:, 1] - cy) ** 2 < (r * 0.8) ** 2
            top = p.centre[2] + r - 0.09  # a soft ball sinks into the belly
        else:
            inside = (np.abs(verts[:, 0] - cx) < p.size[0] / 2) & (np.abs(verts[:, 1] - cy) < p.size[1] / 2)
            top = p.centre[2] + p.size[2] / 2
        if inside.any():
            shift = max(shift, top - float(verts[inside, 2].min()))
    return shift


class Solver:
    """Forward passes of one body with grounding, and segment lengths."""

    def __init__(self, body: Body):
        self.body = body
        h = body.ref_heads
        i = body.idx
        self.thigh = float(np.linalg.norm(h[i("lowerleg01.L")] - h[i("upperleg01.L")]))
        self.shin = float(np.linalg.norm(h[i("foot.L")] - h[i("lowerleg01.L")]))
        self.upper_arm = float(np.linalg.norm(h[i("lowerarm01.L")] - h[i("upperarm01.L")]))
        self.forearm = float(np.linalg.norm(h[i("wrist.L")] - h[i("lowerarm01.L")]))
        neutral = body.forward([{}])
        feet = body.vertex_mask("foot", "toe")
        v = neutral.vertices[0]
        self.ankle_h = float(neutral.heads[0, i("foot.L"), 2] - v[feet, 2].min())
        self.masks = {
            "feet": feet,
            "toes": body.vertex_mask("toe"),
            "forearms": body.vertex_mask("lowerarm", "wrist", "finger", "metacarpal"),
            "lower_legs": body.vertex_mask("lowerleg"),
            "trunk": body.vertex_mask("spine", "root", "pelvis", "clavicle", "shoulder", "neck", "head"),
        }

    def pose(self, pose: Pose, props: list[Prop] | None = None, xy: tuple[float, float] = (0.0, 0.0)) -> tuple[Posed, np.ndarray]:
        """Pose, then rest on supports; returns the posed body and its pelvis position."""
        t = np.array([[xy[0], xy[1], 0.0]])
        p = self.body.forward([pose], t)
        dz = support_shift(p.vertices[0], props or [])
        p.vertices[0, :, 2] += dz
        p.heads[0, :, 2] += dz
        t[0, 2] = dz
        return p, t[0]

    def yz(self, posed: Posed, bone: str) -> np.ndarray:
        """(y, z) of a bone head."""
        return posed.heads[0, self.body.idx(bone), 1:3].copy()

    def leg_to_floor(self, pose: Pose, posed: Posed, s: str, knee_inner: float, forward: float = -1.0) -> None:
        """Set leg ``s`` so its foot is flat on the floor with the given knee angle.

        The foot goes toward ``forward`` (-1: -Y) from the hip; the knee bends upward.
        """
        hip = self.yz(posed, f"upperleg01.{s}")
        d = math.sqrt(self.thigh**2 + self.shin**2 - 2 * self.thigh * self.shin * math.cos(math.radians(knee_inner)))
        dz = hip[1] - self.ankle_h
        dy = math.sqrt(max(d * d - dz * dz, 1e-6))
        target = np.array([hip[0] + forward * dy, self.ankle_h])
        knee, ankle = two_link(hip, target, self.thigh, self.shin, np.array([0.0, 1.0]))
        self.set_leg(pose, s, _phi(knee - hip), _phi(ankle - knee))
        pose[f"ankle_dorsi.{s}"] = _wrap(_phi(ankle - knee))

    @staticmethod
    def set_leg(pose: Pose, s: str, phi_thigh: float, phi_shin: float) -> None:
        """Set hip and knee flexion from world sagittal segment angles."""
        pose[f"hip_flex.{s}"] = _wrap(pose.get("pitch", 0.0) - phi_thigh)
        pose[f"knee_flex.{s}"] = _wrap(phi_shin - phi_thigh)

    def arm_to(
        self, pose: Pose, posed: Posed, s: str, target: np.ndarray, bend: np.ndarray, hand_phi: float | None = None
    ) -> float:
        """Set arm ``s`` so the wrist reaches (y, z) ``target``; returns the elbow inner angle."""
        sh = self.yz(posed, f"upperarm01.{s}")
        el, wr = two_link(sh, target, self.upper_arm, self.forearm, bend)
        chest = pose.get("pitch", 0.0) - pose.get("lumbar_ext", 0.0) - pose.get("thoracic_ext", 0.0)
        pu, pf = _phi(el - sh), _phi(wr - el)
        pose[f"sh_flex.{s}"] = _wrap(chest - pu)
        pose[f"elbow_flex.{s}"] = _wrap(pu - pf)
        if hand_phi is not None:
            pose[f"pron.{s}"] = 90.0
            pose[f"wrist_ext.{s}"] = _wrap(pf - hand_phi)
        u, f = el - sh, wr - el
        return math.degrees(math.acos(np.clip(-(u @ f) / (np.linalg.norm(u) * np.linalg.norm(f)), -1, 1)))


# --------------------------------------------------------------------------- base poses


def standing(breath: float = 0.0) -> Pose:
    """Relaxed standing."""
    return {"sh_abd.L": 6.0, "sh_abd.R": 6.0, "elbow_flex.L": 8.0, "elbow_flex.R": 8.0, "thoracic_ext": breath}


def supine(breath: float = 0.0) -> Pose:
    """Lying on the back, legs straight, arms at the sides with palms down."""
    p: Pose = {"pitch": -90.0, "thoracic_ext": breath}
    for s in "LR":
        p.update({f"sh_abd.{s}": 10.0, f"pron.{s}": 90.0, f"ankle_dorsi.{s}": -25.0, f"elbow_flex.{s}": 5.0})
    return p


def prone(breath: float = 0.0) -> Pose:
    """Lying face down, legs straight, tops of the feet on the floor, arms at the sides."""
    p: Pose = {"pitch": 90.0, "thoracic_ext": breath, "neck_ext": 10.0}
    for s in "LR":
        p.update({f"sh_abd.{s}": 10.0, f"pron.{s}": 90.0, f"ankle_dorsi.{s}": -60.0, f"elbow_flex.{s}": 5.0})
    return p


def tabletop(sv: Solver) -> Built:
    """On hands and knees."""
    p: Pose = {"pitch": 90.0, "neck_ext": 15.0}
    for s in "LR":
        p.update(
            {
                f"hip_flex.{s}": 90.0,
                f"knee_flex.{s}": 90.0,
                f"ankle_dorsi.{s}": -60.0,
                f"sh_flex.{s}": 90.0,
                f"pron.{s}": 90.0,
                f"wrist_ext.{s}": 90.0,
            }
        )
    posed, t = sv.pose(p)
    return Built(p, t)


# --------------------------------------------------------------------------- catalogue


def shin_tilt(sv: Solver, built: Built, side: str) -> float:
    """Forward tilt (deg) of a shin from vertical, positive with the knee ahead of the ankle."""
    posed, _t = sv.pose(built.pose, built.props)
    d = sv.yz(posed, f"lowerleg01.{side}") - sv.yz(posed, f"foot.{side}")
    return math.degrees(math.atan2(-d[0], d[1]))


def sagittal_hip(sv: Solver, built: Built, side: str, end: str = "lowerleg01") -> float:
    """Front-side angle (deg) at ``side``'s hip from its shoulder to ``end`` in the sagittal plane."""
    posed, _t = sv.pose(built.pose, built.props)
    rot = root_rotation(built.pose)
    f, u = rot @ np.array([0, -1.0, 0]), rot @ np.array([0, 0, 1.0])

    def sag(bone: str) -> np.ndarray:
        p = posed.heads[0, sv.body.idx(bone)]
        return np.array([p @ f, p @ u])

    return front_angle_2d(sag(f"upperleg01.{side}"), sag(f"upperarm01.{side}"), sag(f"{end}.{side}"), np.array([1.0, 0.0]))


def lunge(
    sv: Solver,
    front: str = "L",
    knee: float = 90.0,
    back_thigh: float | None = None,
    lean: float = 0.0,
    lumbar: float = 0.0,
    variant: str = "kneeling",
    breath: float = 0.0,
) -> Built:
    """Half-kneeling (or standing split-stance) lunge with the ``front`` leg forward.

    ``knee`` is the front knee's inner angle, ``back_thigh`` the back thigh's angle behind
    vertical (default: 15 kneeling; standing: what puts the shin vertical at a 90 knee),
    ``lean`` the trunk's forward lean, ``lumbar`` extra lower-back extension.
    """
    if back_thigh is None:
        if variant == "kneeling":
            back_thigh = 15.0
        else:
            back_thigh = secant(lambda bt: shin_tilt(sv, _lunge(sv, front, 90.0, bt, 0.0, 0.0, variant, 0.0), front), 45.0, 55.0)
    return _lunge(sv, front, knee, back_thigh, lean, lumbar, variant, breath)


def _lunge(
    sv: Solver, front: str, knee: float, back_thigh: float, lean: float, lumbar: float, variant: str, breath: float
) -> Built:
    b = OTHER[front]
    p = standing(breath)
    p.update({"lumbar_ext": lumbar, "pitch": lean + lumbar})
    props: list[Prop] = []

    def legs() -> None:
        nonlocal props
        if variant == "kneeling":
            Solver.set_leg(p, b, back_thigh, 87.0)
            p[f"ankle_dorsi.{b}"] = -80.0
            posed, _t = sv.pose(p)
            kn = posed.heads[0, sv.body.idx(f"lowerleg01.{b}")]
            props = [Prop("box", (float(kn[0]), float(kn[1]) - 0.02, 0.015), (0.34, 0.36, 0.03), CUSHION_RGB, "support_cushion")]
        else:
            Solver.set_leg(p, b, back_thigh, back_thigh + 8.0)
            p[f"ankle_dorsi.{b}"] = back_thigh + 8.0 - 45.0
        # Ground on the back leg only (the front foot follows by IK).
        p_back = dict(p)
        p_back[f"hip_flex.{front}"], p_back[f"knee_flex.{front}"] = 90.0, 0.0
        posed, _t = sv.pose(p_back, props)
        sv.leg_to_floor(p, posed, front, knee)

    for _ in range(4):
        legs()
        posed, t = sv.pose(p, props)
        hips = (posed.heads[0, sv.body.idx("upperleg01.L")] + posed.heads[0, sv.body.idx("upperleg01.R")]) / 2
        shs = (posed.heads[0, sv.body.idx("upperarm01.L")] + posed.heads[0, sv.body.idx("upperarm01.R")]) / 2
        tr = shs - hips
        got = math.degrees(math.atan2(-tr[1], tr[2]))
        p["pitch"] += lean - got
    legs()
    # Hands resting on the front thigh near the knee.
    posed, t = sv.pose(p, props)
    kn = sv.yz(posed, f"lowerleg01.{front}")
    hp = sv.yz(posed, f"upperleg01.{front}")
    target = hp + (kn - hp) * 0.8 + np.array([0.0, 0.09])
    for s in "LR":
        sv.arm_to(p, posed, s, target, np.array([0.3, -1.0]))
        p[f"sh_abd.{s}"] = 12.0
    posed, t = sv.pose(p, props)
    return Built(p, t, props, {"front": front})


def cobra(
    sv: Solver, elbow: float = 90.0, hips_up: float = 0.0, head_back: float = 0.0, hand_offset: float = 0.12, breath: float = 0.0
) -> Built:
    """Cobra: prone, chest lifted by back extension, hands on the floor, hips down.

    ``elbow`` is the target elbow angle; ``hips_up`` raises the pelvis (degrees of body
    incline); ``head_back`` tips the head back (neck extension, degrees).
    """
    base = prone()
    base.update({"pitch": 90.0 - hips_up, "neck_ext": head_back * 0.7 - 10.0, "head_ext": head_back * 0.3})
    for s in "LR":
        base[f"hip_flex.{s}"] = -hips_up * 0.3
    result: dict[str, Pose] = {}

    def elbow_err(ext: float) -> float:
        p = dict(base)
        p["lumbar_ext"], p["thoracic_ext"] = ext * 0.65, ext * 0.35 + breath
        posed, _t = sv.pose(p)
        sh = sv.yz(posed, "upperarm01.L")
        target = np.array([sh[0] + hand_offset, HAND_Z])
        got = 0.0
        for s in "LR":
            got = sv.arm_to(p, posed, s, target, np.array([1.0, 0.4]), hand_phi=-90.0)
        result["p"] = p
        return got - elbow

    ext = bisect(elbow_err, -20.0, 100.0)
    elbow_err(ext)
    p = result["p"]
    posed, t = sv.pose(p)
    return Built(p, t)


def plank(sv: Solver, hip: float = 0.0, lumbar: float = 0.0, breath: float = 0.0) -> Built:
    """Forearm plank. ``hip`` flexes the hips (pike), negative ``lumbar``... sag uses positive ``lumbar``."""
    base: Pose = {"lumbar_ext": lumbar, "thoracic_ext": breath, "neck_ext": 10.0}
    for s in "LR":
        base.update({f"hip_flex.{s}": hip, f"ankle_dorsi.{s}": 5.0, f"pron.{s}": 90.0, f"elbow_flex.{s}": 90.0})
    result: dict[str, Pose] = {}

    def err(pitch: float) -> float:
        p = dict(base)
        p["pitch"] = pitch
        chest = pitch - lumbar - breath
        for s in "LR":
            p[f"sh_flex.{s}"] = chest - 0.0
        posed, _t = sv.pose(p)
        v = posed.vertices[0]
        result["p"] = p
        return 100.0 * (v[sv.masks["toes"], 2].min() - v[sv.masks["forearms"], 2].min())

    secant(err, 75.0, 70.0, iters=10, tol=0.3)
    p = result["p"]
    posed, t = sv.pose(p)
    return Built(p, t)


def glute_bridge(sv: Solver, hip: float = 180.0, knee: float = 95.0, lumbar: float = 0.0, breath: float = 0.0) -> Built:
    """Glute bridge: shoulders and feet on the floor, pelvis raised until the front-side hip
    angle is ``hip`` (180 a straight line); ``lumbar`` arches the lower back."""
    tilt = secant(lambda tl: sagittal_hip(sv, _bridge(sv, tl, knee, lumbar, 0.0), "L") - hip, 20.0, 30.0)
    return _bridge(sv, tilt, knee, lumbar, breath)


def _bridge(sv: Solver, tilt: float, knee: float, lumbar: float, breath: float) -> Built:
    p = supine(breath)
    p.update({"pitch": -90.0 - tilt + lumbar * 0.5, "lumbar_ext": lumbar, "neck_ext": -tilt - lumbar * 0.5})
    chest = p["pitch"] - lumbar - breath
    for s in "LR":
        p[f"sh_flex.{s}"] = chest + 90.0
        p[f"hip_flex.{s}"], p[f"knee_flex.{s}"] = 60.0, 90.0
    for _ in range(4):
        p_up = dict(p)
        for s in "LR":
            p_up[f"hip_flex.{s}"], p_up[f"knee_flex.{s}"] = 90.0, 0.0
        posed, t = sv.pose(p_up)
        for s in "LR":
            sv.leg_to_floor(p, posed, s, knee)
    posed, t = sv.pose(p)
    return Built(p, t)


def _hug(sv: Solver, p: Pose, posed: Posed, leg: str) -> None:
    """Both hands hold the shin of ``leg`` just below the knee."""
    kn = sv.yz(posed, f"lowerleg01.{leg}")
    an = sv.yz(posed, f"foot.{leg}")
    target = kn + (an - kn) * 0.25
    shin = (an - kn) / np.linalg.norm(an - kn)
    n = np.array([-shin[1], shin[0]])
    if n[0] > 0:  # toward the feet (-Y): the front of the shin
        n = -n
    target = target + n * 0.06
    for s in "LR":
        sv.arm_to(p, posed, s, target, np.array([0.0, -1.0]))
        p[f"sh_abd.{s}"] = 18.0
        p[f"pron.{s}"] = 0.0


def knee_to_chest(
    sv: Solver, bent: str = "L", hip: float = 125.0, knee: float = 140.0, other_knee: float | None = None, breath: float = 0.0
) -> Built:
    """Supine, ``bent`` knee drawn to the chest with the hands; the other leg straight.

    ``other_knee`` (inner angle) bends the other leg with its foot on the floor (a fault).
    """
    o = OTHER[bent]
    p = supine(breath)
    p[f"hip_flex.{bent}"], p[f"knee_flex.{bent}"] = hip, knee
    p[f"ankle_dorsi.{bent}"] = -10.0
    posed, t = sv.pose(p)
    if other_knee is not None:
        sv.leg_to_floor(p, posed, o, other_knee)
    posed, t = sv.pose(p)
    _hug(sv, p, posed, bent)
    posed, t = sv.pose(p)
    return Built(p, t, roles={"bent": bent})


def constructive_rest(sv: Solver, knee: float = 62.0, breath: float = 0.0, feet_apart: float = 0.0) -> Built:
    """Supine, knees bent, feet flat hip-width apart; ``knee`` is the inner knee angle."""
    p = supine(breath)
    posed, t = sv.pose(p)
    for s in "LR":
        sv.leg_to_floor(p, posed, s, knee)
        p[f"hip_abd.{s}"] = feet_apart
    posed, t = sv.pose(p)
    return Built(p, t)


def _palm_cost(h: np.ndarray, knuckle: int, tip: int, wrist: int, trunk: np.ndarray, up: np.ndarray, m: float) -> float:
    """How far a hand (bone heads ``h``) is from lying on the trunk: the knuckles and the finger
    tips a finger's thickness off the skin, and the fingers pointing toward the middle."""
    c = 0.0
    for j, lift in ((knuckle, 0.022), (tip, 0.012)):
        d = h[j] - trunk[np.argmin(np.linalg.norm(trunk - h[j], axis=1))]
        c += (d @ up - lift) ** 2
    return c + 0.5 * max(0.0, m * (h[tip, 0] - h[wrist, 0])) ** 2


def hands_on_belly(sv: Solver, knee: float = 62.0) -> Built:
    """Constructive rest with both hands resting on the belly: elbows on the floor beside the
    waist, palms flat on the belly either side of the navel, fingers toward the middle."""
    from .breathing import region_weights, vertex_normals

    b = constructive_rest(sv, knee)
    p = b.pose
    posed, t = sv.pose(p)
    v = posed.vertices[0]
    belly = region_weights(sv.body).full["belly"]
    centre = v[belly].mean(axis=0)
    up = vertex_normals(v, sv.body.faces)[belly].mean(axis=0)
    up /= np.linalg.norm(up)
    trunk = v[sv.masks["trunk"]]
    for s in "LR":
        m = 1.0 if s == "L" else -1.0
        # the wrist above the belly's side, a palm's thickness off the skin
        side_pt = centre + np.array([m * 0.10, 0.03, 0.0])
        skin = v[belly][np.argmin(np.linalg.norm(v[belly][:, :2] - side_pt[:2], axis=1))]
        wrist_t = np.array([side_pt[0], side_pt[1], skin[2]]) + up * 0.03
        keys = [f"sh_flex.{s}", f"sh_abd.{s}", f"sh_rot.{s}", f"elbow_flex.{s}"]
        x = np.array([10.0, 25.0, -40.0, 80.0])
        wrist, elbow = sv.body.idx(f"wrist.{s}"), sv.body.idx(f"lowerarm01.{s}")

        def resid(x: np.ndarray, keys=keys, wrist=wrist, elbow=elbow, wrist_t=wrist_t) -> np.ndarray:
            q = dict(p)
            q.update(dict(zip(keys, x.tolist(), strict=True)))
            h = sv.body.forward([q], t[None]).heads[0]
            return np.append(h[wrist] - wrist_t, (h[elbow, 2] - 0.06) * 0.5)

        for _ in range(15):
            e0 = resid(x)
            if np.linalg.norm(e0) < 0.004:
                break
            jac = np.stack([resid(x + dx) - e0 for dx in np.eye(4)], axis=1)
            step = np.linalg.solve(jac.T @ jac + np.eye(4) * 2e-5, -jac.T @ e0)
            x = x + np.clip(step, -15, 15)
            x[3] = np.clip(x[3], 20, 140)
        p.update(dict(zip(keys, x.tolist(), strict=True)))
        # The palm flat on the skin, fingers toward the middle: the forearm twist and the
        # wrist bend that bring the knuckles and the finger tips nearest the belly's surface.
        grid = [(pr, we) for pr in range(0, 181, 15) for we in range(-80, 81, 10)]
        cands = []
        for pr, we in grid:
            q = dict(p)
            q[f"pron.{s}"], q[f"wrist_ext.{s}"] = float(pr), float(we)
            cands.append(q)
        heads = sv.body.forward(cands, np.repeat(t[None], len(cands), axis=0)).heads
        knuckle, tip = sv.body.idx(f"finger3-1.{s}"), sv.body.idx(f"finger3-3.{s}")
        costs = [_palm_cost(h, knuckle, tip, wrist, trunk, up, m) for h in heads]
        best = int(np.argmin(costs))
        p[f"pron.{s}"], p[f"wrist_ext.{s}"] = float(grid[best][0]), float(grid[best][1])
    posed, t = sv.pose(p)
    return Built(p, t)


def legs_on_chair(sv: Solver, hip: float = 90.0, breath: float = 0.0) -> Built:
    """Supine with the lower legs horizontal on a chair seat; ``hip`` is the hip flexion."""
    p = supine(breath)
    for s in "LR":
        p[f"hip_flex.{s}"], p[f"knee_flex.{s}"] = hip, hip
        p[f"ankle_dorsi.{s}"] = -15.0
    posed, t = sv.pose(p)
    v = posed.vertices[0]
    legs = sv.masks["lower_legs"]
    seat_top = float(v[legs, 2].min())
    kn = posed.heads[0, sv.body.idx("lowerleg01.L"), 1]
    an = posed.heads[0, sv.body.idx("foot.L"), 1]
    y0, y1 = kn - 0.10, an - 0.30  # the feet point to -Y; the backrest stands clear of the toes
    cy, depth = (y0 + y1) / 2, abs(y0 - y1)
    props = [Prop("box", (0.0, cy, seat_top - 0.025), (0.5, depth, 0.05), WOOD_RGB, "support_seat")]
    for dx in (-0.22, 0.22):
        for dy in (-depth / 2 + 0.03, depth / 2 - 0.03):
            props.append(Prop("box", (dx, cy + dy, (seat_top - 0.05) / 2), (0.04, 0.04, seat_top - 0.05), WOOD_RGB, "leg"))
    back_y = cy - depth / 2 - 0.02
    props.append(Prop("box", (0.0, back_y, seat_top + 0.22), (0.5, 0.04, 0.5), WOOD_RGB, "back"))
    posed, t = sv.pose(p, props)
    return Built(p, t, props)


def knees_together_rest(sv: Solver, knee: float = 75.0, together: bool = True, breath: float = 0.0) -> Built:
    """Supine, knees bent; ``together``: feet apart and knees resting on each other, else knees fallen open."""
    b = constructive_rest(sv, knee, breath)
    p = b.pose
    for s in "LR":
        if together:
            p[f"hip_abd.{s}"] = -9.0
            p[f"hip_rot.{s}"] = -28.0
        else:
            p[f"hip_abd.{s}"] = 22.0
            p[f"hip_rot.{s}"] = 25.0
    posed, t = sv.pose(p)
    return Built(p, t)


def figure_four_rest(sv: Solver, support: str = "L", on_knee: bool = True, breath: float = 0.0) -> Built:
    """Supine; the ``support`` foot on the floor, the other ankle resting on its knee
    (``on_knee`` False: the crossing leg held up off the knee, a fault)."""
    c = OTHER[support]
    p = supine(breath)
    posed, t = sv.pose(p)
    sv.leg_to_floor(p, posed, support, 70.0)
    p[f"hip_abd.{support}"] = 0.0
    posed, t = sv.pose(p)
    kn = posed.heads[0, sv.body.idx(f"lowerleg01.{support}")]
    target = kn + np.array([0.0, 0.06, 0.085 if on_knee else 0.30])
    keys = [f"hip_flex.{c}", f"hip_abd.{c}", f"hip_rot.{c}", f"knee_flex.{c}"]
    x = np.array([70.0, 30.0, 50.0, 80.0])
    ankle = sv.body.idx(f"foot.{c}")
    knee_c = sv.body.idx(f"lowerleg01.{c}")

    def resid(x: np.ndarray) -> np.ndarray:
        """Ankle on the target, and the crossing shin level (its knee at the ankle's height)."""
        q = dict(p)
        q.update(dict(zip(keys, x.tolist(), strict=True)))
        h = sv.body.forward([q], t[None]).heads[0]
        return np.append(h[ankle] - target, (h[knee_c, 2] - target[2]) * 0.7)

    for _ in range(15):
        e = resid(x)
        if np.linalg.norm(e) < 0.005:
            break
        e0 = resid(x)
        jac = np.stack([resid(x + dx) - e0 for dx in np.eye(4)], axis=1)
        step = np.linalg.solve(jac.T @ jac + np.eye(4) * 2e-5, -jac.T @ e)
        x = x + np.clip(step, -15, 15)
        x[1] = np.clip(x[1], -10, 60)
        x[2] = np.clip(x[2], -20, 90)
        x[3] = np.clip(x[3], 20, 150)
    p.update(dict(zip(keys, x.tolist(), strict=True)))
    p[f"ankle_dorsi.{c}"] = 5.0
    posed, t = sv.pose(p)
    return Built(p, t, roles={"support": support})


def pigeon(sv: Solver, front: str = "L", roll: float = 0.0, back_knee: float = 0.0, breath: float = 0.0) -> Built:
    """Pigeon: ``front`` shin across in front of the pelvis, the other leg straight back,
    trunk up on straight arms. ``roll`` tilts the pelvis sideways (hips not square)."""
    b = OTHER[front]
    pitch = 35.0
    p: Pose = {
        "pitch": pitch,
        "roll": roll,
        "spine_side": -roll * 1.4,
        "lumbar_ext": 12.0,
        "thoracic_ext": 4.0 + breath,
        "neck_ext": 10.0,
    }
    p.update(
        {
            f"hip_flex.{front}": pitch + 80.0,
            f"hip_abd.{front}": 25.0,
            f"hip_rot.{front}": 85.0,
            f"knee_flex.{front}": 95.0,
            f"ankle_dorsi.{front}": -30.0,
            f"hip_flex.{b}": pitch - 92.0,
            f"knee_flex.{b}": back_knee,
            f"ankle_dorsi.{b}": -70.0,
            f"hip_rot.{b}": -5.0,
        }
    )
    for _ in range(2):
        posed, t = sv.pose(p)
        for s in "LR":
            sh = sv.yz(posed, f"upperarm01.{s}")
            arm = sv.upper_arm + sv.forearm - 0.02
            dz = sh[1] - HAND_Z
            dy = math.sqrt(max(arm * arm - dz * dz, 0.0))
            sv.arm_to(p, posed, s, np.array([sh[0] - dy, HAND_Z]), np.array([1.0, 0.0]), hand_phi=-90.0)
            p[f"sh_abd.{s}"] = 8.0
    posed, t = sv.pose(p)
    return Built(p, t, roles={"front": front})


def edge_hang(sv: Solver, bent: str = "L", foot_on_floor: bool = True, lumbar: float = 0.0, breath: float = 0.0) -> Built:
    """Supine at the end of a bed: the ``bent`` knee held to the chest, the other leg hanging
    off the edge (foot on the floor: intermediate; free: advanced). ``lumbar`` arches the back."""
    h = OTHER[bent]
    p = supine(breath)
    p.update({"pitch": -90.0 + lumbar * 0.8, "lumbar_ext": lumbar, "thoracic_ext": breath - lumbar * 0.2})
    p[f"hip_flex.{bent}"], p[f"knee_flex.{bent}"], p[f"ankle_dorsi.{bent}"] = 120.0 + lumbar * 0.5, 135.0, -10.0
    p[f"hip_flex.{h}"] = -28.0 + lumbar * 0.8
    posed, t = sv.pose(p)
    phi_thigh = p["pitch"] - p[f"hip_flex.{h}"]
    p[f"knee_flex.{h}"] = 0.0 - phi_thigh - 8.0
    p[f"ankle_dorsi.{h}"] = -8.0
    posed, t = sv.pose(p)
    _hug(sv, p, posed, bent)
    posed, t = sv.pose(p)
    v = posed.vertices[0]
    hip_y = posed.heads[0, sv.body.idx(f"upperleg01.{h}"), 1]
    edge = hip_y - 0.10
    on_bed = v[:, 1] > edge
    foot = sv.masks["feet"] & ~on_bed
    height = float(v[on_bed, 2].min() - v[foot, 2].min()) + (0.0 if foot_on_floor else 0.12)
    props = [Prop("box", (0.0, edge + 1.0, height / 2), (1.0, 2.0, height), BED_RGB, "support_bed")]
    posed, t = sv.pose(p, props)
    return Built(p, t, props, {"bent": bent})


def smr_release(sv: Solver, ball_side: str = "L", on_ball: bool = True, breath: float = 0.0) -> Built:
    """Prone on a soft ball beside the navel (``on_ball`` False: on all fours over it, a fault)."""
    m = 1.0 if ball_side == "L" else -1.0
    if on_ball:
        p = prone(breath)
        p["neck_ext"] = 20.0
        for s in "LR":
            p[f"hip_rot.{s}"] = 10.0
    else:
        p = tabletop(sv).pose
    posed, t = sv.pose(p)
    navel_y = posed.heads[0, 0, 1] - (0.10 if on_ball else 0.22)  # head toward -Y when prone
    ball = Prop("ball", (m * 0.06, float(navel_y), 0.06), (0.12, 0.12, 0.12), BALL_RGB, "support_ball" if on_ball else "ball")
    posed, t = sv.pose(p, [ball])
    return Built(p, t, [ball])


def cobra_rest(sv: Solver, breath: float = 0.0) -> Built:
    """Lying prone with the hands flat beside the chest, ready to lift."""
    p = prone(breath)
    p["neck_ext"] = 0.0
    posed, t = sv.pose(p)
    for s in "LR":
        sh = sv.yz(posed, f"upperarm01.{s}")
        sv.arm_to(p, posed, s, np.array([sh[0] + 0.16, HAND_Z]), np.array([0.3, 1.0]), hand_phi=-90.0)
    posed, t = sv.pose(p)
    return Built(p, t)


def plank_rest(sv: Solver, breath: float = 0.0) -> Built:
    """Forearm plank on the knees (the start of a plank)."""
    b = plank(sv, breath=breath)
    p = dict(b.pose)
    p["pitch"] = p["pitch"] + 22.0
    for s in "LR":
        p[f"hip_flex.{s}"] = 35.0
        p[f"knee_flex.{s}"] = 110.0
        p[f"sh_flex.{s}"] = p[f"sh_flex.{s}"] + 22.0
        p[f"ankle_dorsi.{s}"] = -40.0
    posed, t = sv.pose(p)
    return Built(p, t)


def bent_legs_up(sv: Solver, hip: float = 90.0, knee: float = 135.0, breath: float = 0.0) -> Built:
    """Supine with both knees drawn up and the feet in the air."""
    p = supine(breath)
    for s in "LR":
        p[f"hip_flex.{s}"], p[f"knee_flex.{s}"] = hip, knee
    posed, t = sv.pose(p)
    return Built(p, t)


def edge_rest(sv: Solver, bent: str = "L", breath: float = 0.0) -> Built:
    """At the end of the bed hugging both knees (before letting one leg hang)."""
    b = edge_hang(sv, bent, True, 0.0, breath)
    p = dict(b.pose)
    h = OTHER[bent]
    for k in ("hip_flex", "knee_flex", "ankle_dorsi"):
        p[f"{k}.{h}"] = p[f"{k}.{bent}"] - (15.0 if k == "hip_flex" else 0.0)
    return Built(p, b.trans, b.props, b.roles)


def walking(phase: float, amp: float = 1.0) -> Pose:
    """Walking in place at gait ``phase`` (radians)."""
    p = standing()
    for s, off in (("L", 0.0), ("R", math.pi)):
        lift = max(0.0, math.sin(phase + off)) * amp
        p[f"hip_flex.{s}"] = 35.0 * lift
        p[f"knee_flex.{s}"] = 60.0 * lift
        p[f"sh_flex.{s}"] = -18.0 * math.sin(phase + off) * amp
        p[f"elbow_flex.{s}"] = 20.0
    return p


BUILDERS: dict[str, Callable[..., Built]] = {
    "lunge": lunge,
    "cobra": cobra,
    "plank": plank,
    "glute_bridge": glute_bridge,
    "knee_to_chest": knee_to_chest,
    "constructive_rest": constructive_rest,
    "legs_on_chair": legs_on_chair,
    "hands_on_belly": hands_on_belly,
    "knees_together_rest": knees_together_rest,
    "figure_four_rest": figure_four_rest,
    "pigeon": pigeon,
    "edge_hang": edge_hang,
    "smr_release": smr_release,
    "standing": lambda sv, breath=0.0: Built(standing(breath), np.zeros(3)),
    "supine": lambda sv, breath=0.0: Built(supine(breath), np.zeros(3)),
    "tabletop": lambda sv, breath=0.0: tabletop(sv),
    "cobra_rest": cobra_rest,
    "plank_rest": plank_rest,
    "bent_legs_up": bent_legs_up,
    "edge_rest": edge_rest,
    "walking": lambda sv, phase=0.0, breath=0.0: Built(walking(phase), np.zeros(3)),
}
