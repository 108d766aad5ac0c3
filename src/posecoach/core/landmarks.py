"""MediaPipe's 33 pose landmarks: indices, names and the drawn skeleton, and their pixel
coordinates."""

from __future__ import annotations

import numpy as np

from posecoach.core import settings

MIN_VISIBILITY: float = settings.value("landmarks", "min_visibility")  # below it (MediaPipe's 0..1), not seen

NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
    "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index", "left_thumb",
    "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
    "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)
N_LANDMARKS = len(NAMES)
INDEX: dict[str, int] = {name: i for i, name in enumerate(NAMES)}

NOSE = 0
LEFT_EAR, RIGHT_EAR = 7, 8
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_ELBOW, RIGHT_ELBOW = 13, 14
LEFT_WRIST, RIGHT_WRIST = 15, 16
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_FOOT, RIGHT_FOOT = 31, 32

# Per-limb joint indices, keyed by MediaPipe's label (0 = left, 1 = right).
EAR = (LEFT_EAR, RIGHT_EAR)
SHOULDER = (LEFT_SHOULDER, RIGHT_SHOULDER)
ELBOW = (LEFT_ELBOW, RIGHT_ELBOW)
WRIST = (LEFT_WRIST, RIGHT_WRIST)
HIP = (LEFT_HIP, RIGHT_HIP)
KNEE = (LEFT_KNEE, RIGHT_KNEE)
ANKLE = (LEFT_ANKLE, RIGHT_ANKLE)
HEEL = (LEFT_HEEL, RIGHT_HEEL)
FOOT = (LEFT_FOOT, RIGHT_FOOT)

SIDES = ("left", "right")

# Bones drawn in overlays: pairs of landmark indices.
SKELETON: tuple[tuple[int, int], ...] = (
    (LEFT_SHOULDER, RIGHT_SHOULDER), (LEFT_HIP, RIGHT_HIP),
    (LEFT_SHOULDER, LEFT_HIP), (RIGHT_SHOULDER, RIGHT_HIP),
    (LEFT_SHOULDER, LEFT_ELBOW), (LEFT_ELBOW, LEFT_WRIST),
    (RIGHT_SHOULDER, RIGHT_ELBOW), (RIGHT_ELBOW, RIGHT_WRIST),
    (LEFT_HIP, LEFT_KNEE), (LEFT_KNEE, LEFT_ANKLE), (LEFT_ANKLE, LEFT_HEEL),
    (LEFT_HEEL, LEFT_FOOT), (LEFT_ANKLE, LEFT_FOOT),
    (RIGHT_HIP, RIGHT_KNEE), (RIGHT_KNEE, RIGHT_ANKLE), (RIGHT_ANKLE, RIGHT_HEEL),
    (RIGHT_HEEL, RIGHT_FOOT), (RIGHT_ANKLE, RIGHT_FOOT),
    (NOSE, LEFT_EAR), (NOSE, RIGHT_EAR),
)


def landmarks_to_px(landmarks: np.ndarray, width_px: int, height_px: int) -> np.ndarray:
    """Normalised landmarks (..., 33, >=2; x, y in 0..1 of the image, y down) to pixel
    coordinates (..., 33, 2): the aspect ratio restored."""
    return np.asarray(landmarks)[..., :2] * np.array([width_px, height_px], dtype=float)
