"""Constructed poses for unit tests: landmarks placed by name in pixel space."""

from __future__ import annotations

import numpy as np

from posecoach.core.landmarks import INDEX, N_LANDMARKS


def make_landmarks(joints: dict[str, tuple[float, float]], width: int = 640, height: int = 480,
                   near: str = "right", visibility: float = 0.95) -> np.ndarray:
    """(33, 4) normalised landmarks from pixel positions; unnamed landmarks are invisible.

    ``near`` gets the smaller z (nearer the camera), as MediaPipe reports depth.
    """
    arr = np.zeros((N_LANDMARKS, 4))
    arr[:, :2] = 0.5
    for name, (x, y) in joints.items():
        i = INDEX[name]
        arr[i, 0], arr[i, 1] = x / width, y / height
        arr[i, 3] = visibility
        if name.startswith(near):
            arr[i, 2] = -0.1
        elif name.startswith(("left", "right")):
            arr[i, 2] = 0.1
    return arr


def kneeling_lunge_facing_right(front_knee=(420, 250), front_ankle=(420, 350), shoulders=(325, 130)):
    """Side view, facing image right, left leg forward (far side), right knee down (near side)."""
    sx, sy = shoulders
    return {
        "nose": (sx + 22, sy - 35), "left_ear": (sx, sy - 30), "right_ear": (sx, sy - 30),
        "left_shoulder": (sx - 2, sy + 2), "right_shoulder": (sx + 2, sy),
        "left_elbow": (sx + 5, sy + 60), "right_elbow": (sx + 7, sy + 60),
        "left_wrist": (sx + 25, sy + 110), "right_wrist": (sx + 27, sy + 110),
        "left_hip": (318, 252), "right_hip": (322, 250),
        "left_knee": front_knee, "left_ankle": front_ankle,
        "left_heel": (front_ankle[0] - 10, front_ankle[1] + 5), "left_foot_index": (front_ankle[0] + 30, front_ankle[1] + 8),
        "right_knee": (270, 350), "right_ankle": (170, 350),
        "right_heel": (168, 342), "right_foot_index": (150, 358),
    }


def mirror(joints: dict[str, tuple[float, float]], width: int = 640) -> dict[str, tuple[float, float]]:
    """The same body seen from the other side: x flipped and left/right swapped, so that
    the person faces the other way with the other side toward the camera."""
    out = {}
    for name, (x, y) in joints.items():
        swapped = name.replace("left", "@").replace("right", "left").replace("@", "right")
        out[swapped] = (width - x, y)
    return out


def front_view(hip_tilt_px: float = 0.0, knee_gap_px: float = 70.0, ankle_gap_px: float = 70.0,
               nose_visible: bool = True) -> np.ndarray:
    """A person facing the camera (their left on image right). ``hip_tilt_px`` raises the
    left hip; gaps are centre-to-centre in pixels (hips are 70 px apart)."""
    cx = 320
    joints = {
        "nose": (cx, 90), "left_ear": (cx + 18, 95), "right_ear": (cx - 18, 95),
        "left_shoulder": (cx + 60, 130), "right_shoulder": (cx - 60, 130),
        "left_elbow": (cx + 70, 190), "right_elbow": (cx - 70, 190),
        "left_wrist": (cx + 72, 245), "right_wrist": (cx - 72, 245),
        "left_hip": (cx + 35, 250 - hip_tilt_px / 2), "right_hip": (cx - 35, 250 + hip_tilt_px / 2),
        "left_knee": (cx + knee_gap_px / 2, 340), "right_knee": (cx - knee_gap_px / 2, 340),
        "left_ankle": (cx + ankle_gap_px / 2, 430), "right_ankle": (cx - ankle_gap_px / 2, 430),
        "left_heel": (cx + ankle_gap_px / 2, 438), "right_heel": (cx - ankle_gap_px / 2, 438),
        "left_foot_index": (cx + ankle_gap_px / 2 + 5, 446), "right_foot_index": (cx - ankle_gap_px / 2 - 5, 446),
    }
    lms = make_landmarks(joints, near="none")
    if not nose_visible:
        lms[:11, 3] = 0.1
    return lms
