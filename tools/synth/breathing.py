"""Breathing: the belly wall and the chest wall moving outward by known amounts at a known rate.

A breath moves the skin, not the joints. The posed mesh's vertices are pushed along their
normals by ``belly(t) * w_belly + chest(t) * w_chest``, where the weights are smooth masks
defined once on the neutral standing body (see :func:`region_weights`):

- belly: the front of the abdomen from just above the pubis to the lower ribs, fullest
  from about the navel to the pit of the stomach (0.18 to 0.42 trunk lengths above the hip
  joints), fading toward the pubis, the ribs and the flanks;
- chest: the front of the rib cage over the sternum and the upper ribs (0.68 to 0.86 trunk
  lengths), fading toward the lower ribs, the collarbones and the armpits.

The bones are never moved, so the joints' truth stays exact. Each breath is an inhale (a
half-cosine rise from rest to full) followed by an exhale (a half-cosine fall back to rest),
with small seeded breath-to-breath variations of the lengths and the depth, as people do.
A held breath is a still body. The truth records what the mesh actually did: the mean
displacement of the vertices at full weight along the wall's outward direction (see
:func:`measured_mm`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .body import Body

#: Where each region is fullest and where it fades to nothing, in trunk lengths above the hip
#: joints (z) and as a share of the trunk's half width at that height (x).
REGIONS = {
    "belly": {"z": (0.02, 0.18, 0.42, 0.60)},
    "chest": {"z": (0.54, 0.68, 0.86, 0.98)},
}
FULL = 0.9  # vertices at or above this share of the region's largest weight are "the wall"


@dataclass(frozen=True)
class BreathSpec:
    """A breathing pattern: ``pattern`` 'belly', 'chest' or 'held'; each breath an inhale of
    ``inhale_s`` and an exhale of ``exhale_s`` seconds moving the belly wall by ``belly_mm``
    and the chest wall by ``chest_mm`` at full inhale (negative: inward); from ``start`` s
    after the clip begins to its end. ``jitter`` and ``depth_jitter`` are the breath-to-breath
    variation (a share, uniform either way) of the lengths and the depth."""

    pattern: str
    inhale_s: float = 4.0
    exhale_s: float = 6.0
    belly_mm: float = 25.0
    chest_mm: float = 4.0
    start: float = 5.0
    jitter: float = 0.04
    depth_jitter: float = 0.08
    seed: int = 0
    hands_ride: bool = False  # hands resting on the belly rise and fall with it (see :func:`riders`)

    @property
    def rate_bpm(self) -> float:
        """Nominal breaths per minute (0 for a held breath)."""
        return 0.0 if self.pattern == "held" else 60.0 / (self.inhale_s + self.exhale_s)


@dataclass(frozen=True)
class Breath:
    """One breath: inhale from ``t0`` to ``t1``, exhale from ``t1`` to ``t2`` (s), depth ``depth`` (share)."""

    t0: float
    t1: float
    t2: float
    depth: float


def schedule(spec: BreathSpec, end: float) -> list[Breath]:
    """The breaths from ``spec.start`` until ``end`` (s); the last may be cut by the end."""
    if spec.pattern == "held":
        return []
    rng = np.random.default_rng(spec.seed)
    out: list[Breath] = []
    t = spec.start
    while t < end:
        ti = spec.inhale_s * (1 + spec.jitter * rng.uniform(-1, 1))
        te = spec.exhale_s * (1 + spec.jitter * rng.uniform(-1, 1))
        out.append(Breath(t, t + ti, t + ti + te, 1 + spec.depth_jitter * rng.uniform(-1, 1)))
        t += ti + te
    return out


def level(breaths: list[Breath], t: float) -> float:
    """How far in the breath is at ``t`` (s): 0 at rest (end of an exhale), about 1 at full inhale."""
    for b in breaths:
        if b.t0 <= t < b.t1:
            return b.depth * 0.5 * (1 - math.cos(math.pi * (t - b.t0) / (b.t1 - b.t0)))
        if b.t1 <= t < b.t2:
            return b.depth * 0.5 * (1 + math.cos(math.pi * (t - b.t1) / (b.t2 - b.t1)))
    return 0.0


def _ramp(x: np.ndarray, a: float, b: float) -> np.ndarray:
    """0 below ``a``, 1 above ``b``, smoothstep between."""
    u = np.clip((x - a) / (b - a), 0.0, 1.0)
    return u * u * (3 - 2 * u)


def vertex_normals(verts: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted unit vertex normals (V, 3)."""
    tri = verts[faces]
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    vn = np.zeros_like(verts)
    for k in range(3):
        np.add.at(vn, faces[:, k], fn)
    return vn / (np.linalg.norm(vn, axis=1, keepdims=True) + 1e-12)


def _smooth_on_mesh(w: np.ndarray, faces: np.ndarray, iterations: int) -> np.ndarray:
    """Average each vertex's weight with its mesh neighbours, ``iterations`` times."""
    edges = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    edges = np.concatenate([edges, edges[:, ::-1]])
    deg = np.bincount(edges[:, 0], minlength=len(w)).astype(float)
    for _ in range(iterations):
        acc = np.bincount(edges[:, 0], weights=w[edges[:, 1]], minlength=len(w))
        w = np.where(deg > 0, 0.5 * w + 0.5 * acc / np.maximum(deg, 1), w)
    return w


@dataclass
class Regions:
    """Per-vertex weights of the belly and chest walls, and which vertices are at full weight."""

    weights: dict[str, np.ndarray]
    full: dict[str, np.ndarray]


def region_weights(body: Body) -> Regions:
    """The belly and chest weights (0..1 per vertex), defined on the neutral standing body."""
    neutral = body.forward([{}])
    v, h = neutral.vertices[0], neutral.heads[0]
    i = body.idx
    hip_z = (h[i("upperleg01.L"), 2] + h[i("upperleg01.R"), 2]) / 2
    sh_z = (h[i("upperarm01.L"), 2] + h[i("upperarm01.R"), 2]) / 2
    trunk = sh_z - hip_z
    zt = (v[:, 2] - hip_z) / trunk
    on_trunk = body.vertex_mask("spine", "root", "pelvis", "clavicle", "breast", "neck")
    normals = vertex_normals(v, body.faces)
    # The trunk's half width at each height (2 cm slices), from the trunk's own vertices.
    half = np.zeros(len(v))
    for z0 in np.arange(v[on_trunk, 2].min(), v[on_trunk, 2].max() + 0.02, 0.02):
        sl = on_trunk & (np.abs(v[:, 2] - z0) < 0.02)
        band = np.abs(v[:, 2] - z0) < 0.01
        if sl.any():
            half[band] = np.abs(v[sl, 0]).max()
    front = _ramp(-normals[:, 1], 0.2, 0.7)  # the surface faces forward (-Y)
    weights, full = {}, {}
    for name, spec in REGIONS.items():
        a, b, c, d = spec["z"]
        wz = _ramp(zt, a, b) * (1 - _ramp(zt, c, d))
        wx = 1 - _ramp(np.abs(v[:, 0]) / np.maximum(half, 1e-3), 0.45, 0.9)
        w = np.where(on_trunk, wz * wx * front, 0.0)
        w = _smooth_on_mesh(w, body.faces, 6)
        w[~on_trunk] = 0.0
        w /= w.max()
        weights[name] = w
        full[name] = np.where(w >= FULL)[0]
    return Regions(weights, full)


def displace(verts: np.ndarray, faces: np.ndarray, regions: Regions, belly_mm: float, chest_mm: float) -> np.ndarray:
    """``verts`` (a posed body) with the belly and chest walls moved along their normals."""
    if belly_mm == 0 and chest_mm == 0:
        return verts
    amount = (belly_mm * regions.weights["belly"] + chest_mm * regions.weights["chest"]) / 1000.0
    moving = amount != 0
    normals = vertex_normals(verts, faces)
    out = verts.copy()
    out[moving] += normals[moving] * amount[moving, None]
    return out


def measured_mm(base: np.ndarray, moved: np.ndarray, faces: np.ndarray, regions: Regions) -> tuple[float, float]:
    """(belly, chest) displacement in mm actually rendered: the mean over each region's vertices
    at full weight of their displacement along the wall's outward direction there (the mean
    normal of those vertices on the posed body without breath), positive outward."""
    normals = vertex_normals(base, faces)
    out = []
    for name in ("belly", "chest"):
        ix = regions.full[name]
        front = normals[ix].mean(axis=0)
        front /= np.linalg.norm(front)
        out.append(float(((moved[ix] - base[ix]) @ front).mean()) * 1000.0)
    return out[0], out[1]


@dataclass
class Riders:
    """Hands resting on the trunk: per side, the vertices that ride on it with their share
    (1 for the hand, falling to 0 along the forearm to the elbow), the bone heads that ride
    (wrist and hand bones) and the trunk vertex the palm rests on."""

    vertices: list[tuple[np.ndarray, np.ndarray]]
    heads: list[tuple[np.ndarray, np.ndarray]]
    contact: list[int]


def riders(body: Body, verts: np.ndarray, heads: np.ndarray) -> Riders:
    """The hands of a posed body (``verts``, ``heads``), resting on the belly: what rides on it."""
    out = Riders([], [], [])
    trunk = np.where(body.vertex_mask("spine", "root", "pelvis", "clavicle", "breast", "neck"))[0]
    for s in ("L", "R"):
        hand_bones = [
            i for i, n in enumerate(body.labels) if n.endswith(f".{s}") and n.startswith(("wrist", "finger", "metacarpal"))
        ]
        fore_bones = [body.idx(f"lowerarm01.{s}"), body.idx(f"lowerarm02.{s}")]
        el, wr = heads[body.idx(f"lowerarm01.{s}")], heads[body.idx(f"wrist.{s}")]
        axis = wr - el
        hand = np.isin(body.dominant, hand_bones)
        fore = np.isin(body.dominant, fore_bones)
        share = np.clip((verts - el) @ axis / (axis @ axis), 0.0, 1.0)
        ix = np.where(hand | fore)[0]
        out.vertices.append((ix, np.where(hand[ix], 1.0, share[ix] ** 2)))
        hb = np.array(hand_bones)
        out.heads.append((hb, np.ones(len(hb))))
        palm = heads[body.idx(f"finger3-1.{s}")] * 0.5 + wr * 0.5
        out.contact.append(int(trunk[np.argmin(np.linalg.norm(verts[trunk] - palm, axis=1))]))
    return out


def ride(verts: np.ndarray, moved: np.ndarray, heads: np.ndarray, r: Riders) -> tuple[np.ndarray, np.ndarray]:
    """Move the riding hands by the displacement of the skin under each palm (``verts`` before,
    ``moved`` after the breath moved the trunk); returns (vertices, heads)."""
    out_v, out_h = moved.copy(), heads.copy()
    for (vi, vs), (hi, hs), c in zip(r.vertices, r.heads, r.contact, strict=True):
        d = moved[c] - verts[c]
        out_v[vi] += vs[:, None] * d
        out_h[hi] += hs[:, None] * d
    return out_v, out_h
