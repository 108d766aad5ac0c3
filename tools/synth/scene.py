"""The room, props, camera and offscreen rendering (pyrender on OSMesa).

World frame in metres: Z up, floor at z = 0. Pixel coordinates: x right, y down, origin at
the top-left corner of the image.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

os.environ.setdefault("PYOPENGL_PLATFORM", "osmesa")

import numpy as np  # noqa: E402

if not hasattr(np, "infty"):  # pyrender 0.1.45 still uses the NumPy 1 alias
    np.infty = np.inf  # type: ignore[attr-defined]

import pyrender  # noqa: E402
import trimesh  # noqa: E402

FLOOR_RGB = (0.42, 0.50, 0.60)  # blue-grey: contrasts with skin and dark leggings
WALL_RGB = (0.86, 0.84, 0.79)


@dataclass(frozen=True)
class Prop:
    """A static box or ball in the room. ``centre`` and ``size`` in metres (ball: size[0] = diameter)."""

    kind: str  # "box" | "ball"
    centre: tuple[float, float, float]
    size: tuple[float, float, float]
    rgb: tuple[float, float, float]
    name: str = ""


@dataclass(frozen=True)
class Camera:
    """A pinhole camera placed by its position and the point it looks at (metres)."""

    eye: tuple[float, float, float]
    target: tuple[float, float, float]
    yfov_deg: float = 50.0
    width: int = 640
    height: int = 480

    def pose(self) -> np.ndarray:
        """Camera-to-world 4x4 in OpenGL convention (looks along -Z, +Y up)."""
        eye = np.array(self.eye, dtype=float)
        fwd = np.array(self.target, dtype=float) - eye
        fwd /= np.linalg.norm(fwd)
        right = np.cross(fwd, [0.0, 0.0, 1.0])
        right /= np.linalg.norm(right)
        up = np.cross(right, fwd)
        m = np.eye(4)
        m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = right, up, -fwd, eye
        return m

    def focal_px(self) -> float:
        """Focal length in pixels (square pixels)."""
        return (self.height / 2.0) / math.tan(math.radians(self.yfov_deg) / 2.0)

    def project(self, points: np.ndarray) -> np.ndarray:
        """Pixel coordinates (..., 2) of world points (..., 3)."""
        inv = np.linalg.inv(self.pose())
        p = points @ inv[:3, :3].T + inv[:3, 3]
        depth = -p[..., 2]
        f = self.focal_px()
        u = self.width / 2.0 + f * p[..., 0] / depth
        v = self.height / 2.0 - f * p[..., 1] / depth
        return np.stack([u, v], axis=-1)

    def direction_2d(self, origin: np.ndarray, direction: np.ndarray, scale: float = 0.1) -> np.ndarray:
        """Image direction (unit 2-vector) of a world direction at a world point."""
        a, b = self.project(np.stack([origin, origin + scale * direction]))
        d = b - a
        n = np.linalg.norm(d)
        return d / n if n > 1e-9 else d


def _material(rgb: tuple[float, float, float], rough: float = 0.9) -> pyrender.MetallicRoughnessMaterial:
    return pyrender.MetallicRoughnessMaterial(baseColorFactor=(*rgb, 1.0), metallicFactor=0.0, roughnessFactor=rough)


def _box(centre, size, rgb) -> pyrender.Mesh:
    tm = trimesh.creation.box(extents=size)
    tm.apply_translation(centre)
    return pyrender.Mesh.from_trimesh(tm, material=_material(rgb), smooth=False)


@dataclass
class Renderer:
    """Renders body meshes in a plain room (floor, back wall) with static props."""

    camera: Camera
    props: list[Prop] = field(default_factory=list)
    wall_y: float | None = None  # unused: the wall is placed behind the body from the camera
    _scene: pyrender.Scene | None = None
    _renderer: pyrender.OffscreenRenderer | None = None

    def __post_init__(self) -> None:
        scene = pyrender.Scene(bg_color=(*WALL_RGB, 1.0), ambient_light=(0.35, 0.35, 0.35))
        cam = self.camera
        eye = np.array(cam.eye)
        tgt = np.array(cam.target)
        # Floor: a large slab whose top is z = 0.
        scene.add(_box((tgt[0], tgt[1], -0.05), (14.0, 14.0, 0.1), FLOOR_RGB))
        # Back wall: facing the camera, 2.2 m behind the target.
        horiz = tgt[:2] - eye[:2]
        horiz /= np.linalg.norm(horiz)
        wall_c = np.array([*(tgt[:2] + horiz * 2.2), 1.5])
        wall = trimesh.creation.box(extents=(14.0, 0.1, 3.0))
        ang = math.atan2(horiz[1], horiz[0]) - math.pi / 2
        wall.apply_transform(trimesh.transformations.rotation_matrix(ang, [0, 0, 1]))
        wall.apply_translation(wall_c)
        scene.add(pyrender.Mesh.from_trimesh(wall, material=_material(WALL_RGB), smooth=False))
        for p in self.props:
            if p.kind == "box":
                scene.add(_box(p.centre, p.size, p.rgb))
            else:
                tm = trimesh.creation.icosphere(subdivisions=3, radius=p.size[0] / 2.0)
                tm.apply_translation(p.centre)
                scene.add(pyrender.Mesh.from_trimesh(tm, material=_material(p.rgb, 0.6), smooth=True))
        scene.add(pyrender.PerspectiveCamera(yfov=math.radians(cam.yfov_deg)), pose=cam.pose())
        # Key light from above the camera, fill light from the other side.
        key = _look_pose(eye + np.array([0.0, 0.0, 2.0]), tgt)
        scene.add(pyrender.DirectionalLight(color=np.ones(3), intensity=2.6), pose=key)
        fill = _look_pose(np.array([tgt[0] - (eye[0] - tgt[0]), tgt[1] + 1.5, 3.0]), tgt)
        scene.add(pyrender.DirectionalLight(color=np.ones(3), intensity=1.0), pose=fill)
        self._scene = scene
        self._renderer = pyrender.OffscreenRenderer(cam.width, cam.height)

    def render(self, vertices: np.ndarray, faces: np.ndarray, colours: np.ndarray) -> np.ndarray:
        """RGB uint8 image (H, W, 3) of one posed body."""
        assert self._scene is not None and self._renderer is not None
        tm = trimesh.Trimesh(vertices=vertices, faces=faces, process=False)
        prim = pyrender.Primitive(
            positions=vertices.astype(np.float32),
            normals=np.asarray(tm.vertex_normals, dtype=np.float32),
            color_0=np.concatenate([colours, np.ones((len(colours), 1))], axis=1).astype(np.float32),
            indices=faces.astype(np.uint32),
            material=_material((1.0, 1.0, 1.0), 0.85),
        )
        node = self._scene.add(pyrender.Mesh([prim]))
        try:
            color, _ = self._renderer.render(self._scene)
        finally:
            self._scene.remove_node(node)
        return np.ascontiguousarray(color[:, :, :3])

    def close(self) -> None:
        """Release the OpenGL context."""
        if self._renderer is not None:
            self._renderer.delete()
            self._renderer = None


def _look_pose(eye: np.ndarray, target: np.ndarray) -> np.ndarray:
    return Camera(tuple(eye), tuple(target)).pose()
