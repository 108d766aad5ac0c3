"""The Pose type: one person's 33 landmarks in one frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posecoach.core.landmarks import N_LANDMARKS


@dataclass(frozen=True)
class Pose:
    """One detected person.

    ``landmarks`` is a float array of shape (33, 4): x and y normalised to 0..1 of the
    image width and height (y down), z MediaPipe's relative depth (smaller is nearer the
    camera, same scale as x), and visibility 0..1. ``width_px`` and ``height_px`` are the
    analysed image's size; ``t_ms`` the frame's presentation time in milliseconds.
    """

    landmarks: np.ndarray
    width_px: int
    height_px: int
    t_ms: float

    def __post_init__(self) -> None:
        if self.landmarks.shape != (N_LANDMARKS, 4):
            raise ValueError(f"landmarks must have shape (33, 4), not {self.landmarks.shape}")

    @property
    def xy_px(self) -> np.ndarray:
        """Pixel coordinates, shape (33, 2), y down: the aspect ratio restored."""
        return self.landmarks[:, :2] * np.array([self.width_px, self.height_px], dtype=float)

    @property
    def visibility(self) -> np.ndarray:
        """Visibility per landmark, shape (33,), 0..1."""
        return self.landmarks[:, 3]


def landmarks_to_px(landmarks: np.ndarray, width_px: int, height_px: int) -> np.ndarray:
    """Normalised landmarks (..., 33, >=2) to pixel coordinates (..., 33, 2)."""
    return np.asarray(landmarks)[..., :2] * np.array([width_px, height_px], dtype=float)
