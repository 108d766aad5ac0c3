"""Vectorised 2D geometry in image pixel space (x right, y down).

Every function takes points as arrays whose last axis holds (x, y) and broadcasts over
the leading axes, so one call measures a single frame or a whole session. Angles are in
degrees. Missing points are NaN and give NaN. ``degrees_atan2`` is the one-frame paths'
angle, on two floats.
"""

from __future__ import annotations

import numpy as np


def cross2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """z component of the cross product of 2D vectors (x right, y down)."""
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]


def dot2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dot product of 2D vectors."""
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1]


def norm2(a: np.ndarray) -> np.ndarray:
    """Length of 2D vectors."""
    return np.hypot(a[..., 0], a[..., 1])


def inner_angle_deg(a: np.ndarray, vertex: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Inner angle a-vertex-c in degrees, 0..180; 180 means the three points are straight."""
    u = a - vertex
    v = c - vertex
    return np.degrees(np.arctan2(np.abs(cross2(u, v)), dot2(u, v)))


def front_angle_deg(
    a: np.ndarray, vertex: np.ndarray, c: np.ndarray, front: np.ndarray
) -> np.ndarray:
    """Angle a-vertex-c measured through the front (belly) side, 0..360.

    The angle is swept from the arm ``vertex->a`` (the trunk, toward the shoulder) in the
    rotational sense that first turns it toward ``front`` (a direction pointing out of
    the belly), until it meets the arm ``vertex->c``. 180 is a straight line; below 180 the
    second arm has swung to the belly side (flexion); above 180 the vertex is pushed toward
    the belly side of the line (extension, arch, sag).
    """
    u = a - vertex
    v = c - vertex
    sense = np.sign(cross2(u, front))
    sense = np.where(sense == 0, np.nan, sense)
    swept = np.mod(np.degrees(np.arctan2(cross2(u, v), dot2(u, v))) * sense, 360.0)
    return np.where(swept >= 360.0, 0.0, swept)  # mod of a tiny negative rounds up to 360


def tilt_from_vertical_deg(low: np.ndarray, high: np.ndarray, forward_x: np.ndarray) -> np.ndarray:
    """Lean of the segment low->high from image vertical, -90..90 degrees.

    Positive when ``high`` lies toward ``forward_x`` (+1: image right, -1: image left) of
    ``low``; 0 when upright. NaN when the segment points downward (not upright).
    """
    d = high - low
    up = -d[..., 1]
    side = d[..., 0] * forward_x
    angle = np.degrees(np.arctan2(side, up))
    return np.where(up > 0, angle, np.nan)


def segment_tilt_from_vertical_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unsigned tilt of the segment a-b from image vertical, 0..90 degrees."""
    d = b - a
    return np.degrees(np.arctan2(np.abs(d[..., 0]), np.abs(d[..., 1])))


def line_tilt_deg(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Signed tilt of the line between two points from horizontal, -90..90 degrees.

    Positive when ``left`` is higher in the image (smaller y) than ``right``.
    """
    d = left - right
    return np.degrees(np.arctan2(d[..., 1] * -1.0, np.abs(d[..., 0])))


def point_to_line_signed(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signed perpendicular distance from p to the line a->b, in the units of the points.

    Positive on the side where ``cross2(b - a, p - a) > 0``.
    """
    d = b - a
    return cross2(d, p - a) / norm2(d)


def perpendicular(v: np.ndarray) -> np.ndarray:
    """The vector v rotated by +90 degrees in image coordinates: (x, y) -> (-y, x)."""
    return np.stack([-v[..., 1], v[..., 0]], axis=-1)


def degrees_atan2(y: float, x: float) -> float:
    """``np.degrees(np.arctan2(y, x))`` of two floats, for the one-frame paths in plain floats:
    numpy's own functions, as the vectorised ones use them (the standard library's may differ in
    the last bit)."""
    return float(np.degrees(np.arctan2(y, x)))
