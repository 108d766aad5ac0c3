"""Posing the parametric human body (the ``anny`` model) from anatomical joint angles.

World frame (metres): Z up, floor at z = 0. In the body's own frame, +X is the body's left,
-Y its front (belly side), +Z its head direction.

A pose is a flat ``dict[str, float]`` of angles in degrees (missing keys are 0), so that
poses interpolate key by key. Keys:

- ``yaw``, ``pitch``, ``roll``: the whole body's orientation, ``Rz(yaw) @ Rx(pitch) @ Ry(roll)``.
  ``pitch`` tilts the pelvis forward: 0 upright, +90 prone (face down), -90 supine.
  ``yaw`` 0 turns the body's left side (+X) toward a camera on the +X axis.
- ``lumbar_ext``, ``thoracic_ext``, ``neck_ext``, ``head_ext``: extension (bending backward)
  of the lower back, upper back, neck and head; negative is flexion. ``spine_side`` bends the
  trunk toward the left, ``spine_twist`` turns the chest toward the left.
- per side ``S`` in ``L``/``R``: ``hip_flex.S`` (thigh forward), ``hip_abd.S`` (thigh
  outward), ``hip_rot.S`` (external rotation), ``knee_flex.S`` (0 straight), ``ankle_dorsi.S``
  (toes toward the shin; negative points the foot), ``sh_flex.S`` (arm forward),
  ``sh_abd.S`` (arm outward), ``sh_rot.S`` (external rotation), ``elbow_flex.S``,
  ``pron.S`` (forearm pronation, palm turning backward from facing the thigh),
  ``wrist_ext.S`` (back of the hand toward the forearm).

Angles are relative to a *neutral* pose: standing straight, legs vertical, feet forward,
arms hanging at the sides with straight elbows and palms facing the thighs. The model's own
rest pose (arms in an A, legs slightly apart) is corrected to it once per body.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np
import torch

Pose = dict[str, float]
SIDES = ("L", "R")

#: Colours (linear-ish RGB 0..1) of the body regions; see :class:`BodyType`.
REGIONS = ("skin", "shirt", "leggings", "hair")


@dataclass(frozen=True)
class BodyType:
    """A person: anny phenotype values (0..1) and clothing colours (RGB 0..1).

    ``age`` 0.5 is a teenager, 0.667 an adult, 1.0 old. ``gender`` 0 female, 1 male.
    """

    name: str
    gender: float
    age: float = 0.667
    muscle: float = 0.5
    weight: float = 0.5
    height: float = 0.5
    proportions: float = 0.5
    skin: tuple[float, float, float] = (0.80, 0.60, 0.48)
    shirt: tuple[float, float, float] = (0.75, 0.22, 0.20)
    leggings: tuple[float, float, float] = (0.13, 0.14, 0.20)
    hair: tuple[float, float, float] = (0.20, 0.13, 0.08)

    def phenotype(self) -> dict[str, float]:
        """Keyword arguments for ``anny.Anny(...)(phenotype_kwargs=...)``."""
        return {
            "gender": self.gender,
            "age": self.age,
            "muscle": self.muscle,
            "weight": self.weight,
            "height": self.height,
            "proportions": self.proportions,
        }

    def describe(self) -> dict[str, object]:
        """The body as written into a truth file."""
        return {"name": self.name, **self.phenotype()}


BODIES: dict[str, BodyType] = {
    "woman": BodyType("woman", gender=0.0, age=0.667),
    "man": BodyType(
        "man",
        gender=1.0,
        age=0.8,
        weight=0.65,
        height=0.6,
        muscle=0.55,
        skin=(0.55, 0.38, 0.28),
        shirt=(0.16, 0.45, 0.62),
        leggings=(0.10, 0.10, 0.10),
        hair=(0.07, 0.06, 0.05),
    ),
    "teen": BodyType(
        "teen",
        gender=0.3,
        age=0.5,
        weight=0.4,
        proportions=0.7,
        skin=(0.90, 0.72, 0.60),
        shirt=(0.30, 0.62, 0.30),
        leggings=(0.18, 0.12, 0.30),
        hair=(0.55, 0.38, 0.15),
    ),
}


def rot_x(deg: float) -> np.ndarray:
    """Rotation about +X by ``deg`` degrees (right-handed)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def rot_y(deg: float) -> np.ndarray:
    """Rotation about +Y by ``deg`` degrees (right-handed)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rot_z(deg: float) -> np.ndarray:
    """Rotation about +Z by ``deg`` degrees (right-handed)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def align(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest rotation taking direction ``a`` to direction ``b``."""
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    v = np.cross(a, b)
    c = float(np.dot(a, b))
    if np.linalg.norm(v) < 1e-9:
        return np.eye(3) if c > 0 else rot_x(180.0)
    vx = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + vx + vx @ vx * (1.0 / (1.0 + c))


def root_rotation(pose: Pose) -> np.ndarray:
    """World orientation of the pelvis for a pose (see module docstring)."""
    return rot_z(pose.get("yaw", 0.0)) @ rot_x(pose.get("pitch", 0.0)) @ rot_y(pose.get("roll", 0.0))


# Share of the lumbar and thoracic extension carried by each spine bone.
_LUMBAR = {"spine04": 0.2, "spine03": 0.4, "spine02": 0.4}
_THORACIC = {"spine01": 1.0}
_NECK = {"neck01": 0.4, "neck02": 0.3, "neck03": 0.3}


def anatomical_rotations(pose: Pose) -> dict[str, np.ndarray]:
    """Per-bone rotation (3x3, in the neutral frame of its parent) for a pose, root excluded."""
    g = pose.get
    out: dict[str, np.ndarray] = {}
    for bone, share in _LUMBAR.items():
        out[bone] = (
            rot_x(-g("lumbar_ext", 0.0) * share)
            @ rot_y(g("spine_side", 0.0) * share * 0.5)
            @ rot_z(g("spine_twist", 0.0) * share * 0.5)
        )
    out["spine01"] = rot_x(-g("thoracic_ext", 0.0)) @ rot_y(g("spine_side", 0.0) * 0.5) @ rot_z(g("spine_twist", 0.0) * 0.5)
    for bone, share in _NECK.items():
        out[bone] = rot_x(-g("neck_ext", 0.0) * share)
    out["head"] = rot_x(-g("head_ext", 0.0))
    for s in SIDES:
        m = 1.0 if s == "L" else -1.0  # mirror for the right side
        out[f"upperleg01.{s}"] = (
            rot_x(-g(f"hip_flex.{s}", 0.0)) @ rot_y(-m * g(f"hip_abd.{s}", 0.0)) @ rot_z(m * g(f"hip_rot.{s}", 0.0))
        )
        out[f"lowerleg01.{s}"] = rot_x(g(f"knee_flex.{s}", 0.0))
        out[f"foot.{s}"] = rot_x(-g(f"ankle_dorsi.{s}", 0.0))
        out[f"upperarm01.{s}"] = (
            rot_x(-g(f"sh_flex.{s}", 0.0)) @ rot_y(-m * g(f"sh_abd.{s}", 0.0)) @ rot_z(m * g(f"sh_rot.{s}", 0.0))
        )
        out[f"lowerarm01.{s}"] = rot_x(-g(f"elbow_flex.{s}", 0.0))
        out[f"lowerarm02.{s}"] = rot_z(-m * g(f"pron.{s}", 0.0))
        out[f"wrist.{s}"] = rot_y(-m * g(f"wrist_ext.{s}", 0.0))
    return out


def load_model():
    """The anny model (linear blend skinning), built once into a cache outside the repo."""
    os.environ.setdefault("ANNY_CACHE_DIR", os.path.expanduser("~/.cache/posecoach-anny"))
    import anny

    return anny.Anny(skinning_method="lbs")


@dataclass
class Posed:
    """A batch of posed bodies: vertices (N, V, 3) and bone heads (N, 104, 3), metres."""

    vertices: np.ndarray
    heads: np.ndarray
    rotations: np.ndarray  # (N, 104, 3, 3) world rotation of each bone relative to reference


@dataclass
class Body:
    """One body type, posable by anatomical angles. Build with :meth:`create`."""

    model: object
    body_type: BodyType
    labels: list[str]
    parents: list[int]
    faces: np.ndarray
    ref_heads: np.ndarray  # (104, 3) bone heads of the identity pose
    neutral: np.ndarray  # (104, 3, 3) world rotation (vs reference) of each bone in neutral
    colours: np.ndarray  # (V, 3) per-vertex RGB
    landmark_vertices: dict[str, int] = field(default_factory=dict)
    dominant: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # (V,) bone
    _phen: dict[str, float] = field(default_factory=dict)

    @classmethod
    def create(cls, model, body_type: BodyType) -> Body:
        """Prepare a body: neutral-pose corrections, region colours, landmark vertices."""
        labels = list(model.bone_labels)
        parents = [int(p) for p in model.bone_parents]
        with torch.no_grad():
            out = model(phenotype_kwargs=body_type.phenotype())
        heads = out["bone_poses"][0, :, :3, 3].numpy().astype(np.float64)
        verts = out["vertices"][0].numpy().astype(np.float64)
        body = cls(
            model=model,
            body_type=body_type,
            labels=labels,
            parents=parents,
            faces=model.get_triangular_faces().numpy().astype(np.int32),
            ref_heads=heads,
            neutral=np.repeat(np.eye(3)[None], len(labels), axis=0),
            colours=np.zeros((verts.shape[0], 3)),
            _phen=body_type.phenotype(),
        )
        w = model.vertex_bone_weights.numpy()
        ind = model.vertex_bone_indices.numpy()
        body.dominant = ind[np.arange(len(ind)), np.argmax(w, axis=1)]
        body.neutral = body._neutral_rotations()
        body.colours = body._region_colours(verts)
        body.landmark_vertices = body._landmark_vertices(verts)
        return body

    def idx(self, label: str) -> int:
        """Bone index by label."""
        return self.labels.index(label)

    def vertex_mask(self, *prefixes: str) -> np.ndarray:
        """Vertices whose dominant bone label starts with one of ``prefixes``."""
        names = np.array([self.labels[i] for i in range(len(self.labels))])
        bones = [i for i, n in enumerate(names) if n.startswith(prefixes)]
        return np.isin(self.dominant, bones)

    def _neutral_rotations(self) -> np.ndarray:
        """World rotations (vs the model's reference) that make the neutral standing pose."""
        h = self.ref_heads
        world = np.repeat(np.eye(3)[None], len(self.labels), axis=0)
        fixed: dict[int, np.ndarray] = {}
        down = np.array([0.0, 0.0, -1.0])
        for s in SIDES:
            hip, knee, ankle = (self.idx(f"{b}.{s}") for b in ("upperleg01", "lowerleg01", "foot"))
            fixed[hip] = align(h[knee] - h[hip], down)
            fixed[knee] = align(h[ankle] - h[knee], down)
            fixed[ankle] = np.eye(3)  # the reference foot already points forward, flat
            sh, el, wr = (self.idx(f"{b}.{s}") for b in ("upperarm01", "lowerarm01", "wrist"))
            m = 1.0 if s == "L" else -1.0
            arm_dir = np.array([m * 0.12, 0.0, -1.0])
            fixed[sh] = align(h[el] - h[sh], arm_dir)
            fore = align(h[wr] - h[el], arm_dir)
            # Twist the forearm about its axis so the thumb points forward (palm faces the thigh).
            thumb = h[self.idx(f"finger1-1.{s}")] - h[wr]
            mid = h[self.idx(f"finger3-1.{s}")] - h[wr]
            t = fore @ (thumb - mid)
            axis = arm_dir / np.linalg.norm(arm_dir)
            t = t - axis * (t @ axis)
            ang = math.degrees(math.atan2(np.cross(t, [0, -1, 0]) @ axis, t @ [0, -1, 0]))
            fixed[el] = _axis_angle(axis, ang) @ fore
        for i in range(len(self.labels)):
            p = self.parents[i]
            world[i] = fixed.get(i, world[p] if p >= 0 else np.eye(3))
        return world

    def _region_colours(self, verts: np.ndarray) -> np.ndarray:
        """Per-vertex colour by region: skin, shirt (trunk, upper arms), leggings, hair."""
        w = self.model.vertex_bone_weights.numpy()
        ind = self.model.vertex_bone_indices.numpy()
        dom = ind[np.arange(len(ind)), np.argmax(w, axis=1)]
        lab = [self.labels[i] for i in dom]
        bt = self.body_type
        waist = self.ref_heads[self.idx("spine04"), 2] + 0.01
        col = np.tile(np.array(bt.skin), (len(verts), 1))
        head_z = self.ref_heads[self.idx("head"), 2]
        eye_z = self.ref_heads[self.idx("eye.L"), 2]
        for v, name in enumerate(lab):
            base = name.split(".")[0]
            z = verts[v, 2]
            if base in ("root", "pelvis") or base.startswith(("upperleg", "lowerleg")):
                col[v] = bt.leggings if z < waist + 0.02 else bt.shirt
            elif base.startswith("spine") or base in ("clavicle", "shoulder01", "upperarm01"):
                col[v] = bt.leggings if z < waist else bt.shirt
            elif base == "head":
                back = verts[v, 1] > self.ref_heads[self.idx("head"), 1] + 0.01
                if z > eye_z + 0.035 or (back and z > head_z - 0.02):
                    col[v] = bt.hair
        return col

    def _landmark_vertices(self, verts: np.ndarray) -> dict[str, int]:
        """Mesh vertices standing for heel, toe tip, nose and ears (reference pose)."""
        w = self.model.vertex_bone_weights.numpy()
        ind = self.model.vertex_bone_indices.numpy()
        dom = ind[np.arange(len(ind)), np.argmax(w, axis=1)]
        out: dict[str, int] = {}
        for s, name in (("L", "left"), ("R", "right")):
            foot = self.idx(f"foot.{s}")
            ankle_z = self.ref_heads[foot, 2]
            cand = np.where((dom == foot) & (verts[:, 2] < ankle_z - 0.04))[0]
            out[f"{name}_heel"] = int(cand[np.argmax(verts[cand, 1])])
            toes = [self.idx(f"toe2-{k}.{s}") for k in (1, 2, 3)]
            cand = np.where(np.isin(dom, toes))[0]
            out[f"{name}_toe"] = int(cand[np.argmin(verts[cand, 1])])
            eye_z = self.ref_heads[self.idx("eye.L"), 2]
            m = 1.0 if s == "L" else -1.0
            head = self.idx("head")
            cand = np.where((dom == head) & (np.abs(verts[:, 2] - (eye_z - 0.03)) < 0.02))[0]
            ext = m * verts[cand, 0]
            out[f"{name}_ear"] = int(cand[np.argmax(ext)])
        head = self.idx("head")
        eye_z = self.ref_heads[self.idx("eye.L"), 2]
        cand = np.where((dom == head) & (np.abs(verts[:, 0]) < 0.01) & (verts[:, 2] < eye_z))[0]
        out["nose"] = int(cand[np.argmin(verts[cand, 1])])
        return out

    def deltas(self, pose: Pose) -> np.ndarray:
        """Per-bone delta transforms (104, 4, 4) for anny's 'local-ref' parameterisation.

        With ``H`` the anatomical world rotation (neutral frame) and ``Gn`` the neutral
        correction, a bone's world rotation is ``G = H @ Gn``; its delta is
        ``D = G_parent^-1 @ G = Gn_parent^-1 @ A @ Gn`` with ``A`` its anatomical rotation.
        """
        anat = anatomical_rotations(pose)
        n = len(self.labels)
        d = np.repeat(np.eye(4)[None], n, axis=0)
        d[0, :3, :3] = root_rotation(pose)
        for i in range(1, n):
            a = anat.get(self.labels[i])
            gn, gp = self.neutral[i], self.neutral[self.parents[i]]
            if a is None:
                if np.allclose(gn, gp):
                    continue
                a = np.eye(3)
            d[i, :3, :3] = gp.T @ a @ gn
        return d

    def forward(self, poses: list[Pose], translations: np.ndarray | None = None) -> Posed:
        """Pose the body for each pose; ``translations`` (N, 3) place the pelvis (root head)."""
        d = np.stack([self.deltas(p) for p in poses])
        if translations is not None:
            d[:, 0, :3, 3] = translations
        with torch.no_grad():
            out = self.model(
                pose_parameters=torch.as_tensor(d, dtype=self.model.dtype),
                phenotype_kwargs=self._phen,
            )
        bp = out["bone_poses"].numpy()
        rot = bp[:, :, :3, :3]
        return Posed(
            vertices=out["vertices"].numpy().astype(np.float64),
            heads=bp[:, :, :3, 3].astype(np.float64),
            rotations=rot.astype(np.float64),
        )


def _axis_angle(axis: np.ndarray, deg: float) -> np.ndarray:
    """Rotation by ``deg`` degrees about unit ``axis``."""
    a = axis / np.linalg.norm(axis)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    t = math.radians(deg)
    return np.eye(3) + math.sin(t) * k + (1 - math.cos(t)) * k @ k
