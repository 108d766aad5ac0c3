"""A side-view stick figure for unit tests, posed by segment directions.

Directions are degrees in the body's own frame: 0 = the way the belly faces when standing
(forward), 90 = up, 180 = backward, 270 = down. The belly always lies 90 degrees clockwise
of the trunk direction (hip to shoulder), so a supine body has its trunk at 180 (head
backward, belly up) and a prone body at 0. ``facing="left"`` mirrors the picture, which
brings the body's left side toward the camera.
"""

from __future__ import annotations

import math

import numpy as np

from posecoach.core.landmarks import NAMES
from tests.poses import make_landmarks

L_TRUNK, L_THIGH, L_SHIN, L_UPPER, L_FORE, L_NECK = 120.0, 95.0, 90.0, 62.0, 58.0, 32.0


def _at(p, angle_deg: float, length: float):
    a = math.radians(angle_deg)
    return (p[0] + length * math.cos(a), p[1] + length * math.sin(a))


def stick(
    *, trunk: float = 90, head_back: float = 0, hip=(320.0, 140.0),
    near_thigh: float = 270, near_shin: float = 270, far_thigh: float = 270, far_shin: float = 270,
    near_foot: float | None = None, far_foot: float | None = None,
    upper_arm: float | None = None, forearm: float | None = None,
    facing: str = "right", width: int = 640, height: int = 480, visibility: float = 0.95,
    far_visibility: float | None = None, swap_labels: bool = False,
) -> np.ndarray:
    """(33, 4) normalised landmarks. ``near_*`` is the leg nearer the camera.

    Coordinates are built with y up around ``hip`` (in a y-up frame) and then flipped into
    image space (y down), 640x480 by default.
    """
    j: dict[str, tuple[float, float]] = {}
    near, far = ("right", "left") if facing == "right" else ("left", "right")
    if swap_labels:
        near, far = far, near
    hip_p = (0.0, 0.0)
    shoulder = _at(hip_p, trunk, L_TRUNK)
    ear = _at(shoulder, trunk + head_back, L_NECK)
    nose = _at(ear, trunk + head_back - 90 - 10, 20)
    j["nose"] = nose
    for side, dz in ((near, 0), (far, 1)):
        j[f"{side}_ear"] = ear
        j[f"{side}_shoulder"] = (shoulder[0] + dz, shoulder[1])
        j[f"{side}_hip"] = (hip_p[0] + dz, hip_p[1])
    legs = {near: (near_thigh, near_shin, near_foot), far: (far_thigh, far_shin, far_foot)}
    for side, (thigh, shin, foot) in legs.items():
        knee = _at(j[f"{side}_hip"], thigh, L_THIGH)
        ankle = _at(knee, shin, L_SHIN)
        foot_dir = shin + 90 if foot is None else foot
        j[f"{side}_knee"], j[f"{side}_ankle"] = knee, ankle
        j[f"{side}_heel"] = _at(ankle, foot_dir + 180, 8)
        j[f"{side}_foot_index"] = _at(ankle, foot_dir, 24)
    up = trunk + 180 if upper_arm is None else upper_arm
    fore = up if forearm is None else forearm
    for side in (near, far):
        elbow = _at(j[f"{side}_shoulder"], up, L_UPPER)
        j[f"{side}_elbow"], j[f"{side}_wrist"] = elbow, _at(elbow, fore, L_FORE)
    sign = 1.0 if facing == "right" else -1.0
    cy = height - hip[1] - 60
    img = {n: (width / 2 + sign * (x + hip[0] - 320), cy - y) for n, (x, y) in j.items()}
    lms = make_landmarks(img, width, height, near=near, visibility=visibility)
    if far_visibility is not None:
        for i, name in enumerate(NAMES):
            if name.startswith(far):
                lms[i, 3] = far_visibility
    return lms


# Poses of the catalogue, built to pass their checks (angles in the body frame).
def kneeling_lunge(**kw):
    """Front leg (far) forward with a 90-degree knee, back knee (near) on the floor."""
    base = dict(trunk=90, far_thigh=0, far_shin=270, near_thigh=245, near_shin=180, near_foot=180)
    return stick(**{**base, **kw})


def cobra(**kw):
    base = dict(trunk=30, head_back=5, hip=(320, 120), near_thigh=180, near_shin=180, far_thigh=180, far_shin=180,
                near_foot=200, far_foot=200, upper_arm=270, forearm=0)
    return stick(**{**base, **kw})


def supine(**kw):
    """On the back, head backward (trunk 180), legs forward along the floor."""
    base = dict(trunk=180, head_back=0, hip=(320, 100), near_thigh=0, near_shin=0, far_thigh=0, far_shin=0,
                near_foot=90, far_foot=90, upper_arm=0, forearm=0)
    return stick(**{**base, **kw})


def knee_to_chest(**kw):
    return supine(**{**dict(far_thigh=120, far_shin=20, near_thigh=0, near_shin=0), **kw})


def constructive_rest(**kw):
    return supine(**{**dict(near_thigh=55, near_shin=-55, far_thigh=55, far_shin=-55, near_foot=0, far_foot=0), **kw})


def legs_on_chair(**kw):
    return supine(**{**dict(near_thigh=90, near_shin=0, far_thigh=90, far_shin=0, near_foot=90, far_foot=90), **kw})


def bridge(**kw):
    """Hips lifted: shoulders on the floor, a straight line shoulders-hips-knees."""
    base = dict(trunk=195, hip=(320, 150), near_thigh=15, near_shin=-80, far_thigh=15, far_shin=-80,
                near_foot=0, far_foot=0, upper_arm=15, forearm=15)
    return stick(**{**base, **kw})


def plank(**kw):
    base = dict(trunk=0, head_back=0, hip=(320, 160), near_thigh=180, near_shin=180, far_thigh=180, far_shin=180,
                near_foot=250, far_foot=250, upper_arm=270, forearm=270)
    return stick(**{**base, **kw})


def standing(**kw):
    return stick(**{**dict(trunk=90, hip=(320, 230)), **kw})
