"""What every pose estimator gives for a frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Detection:
    """One frame's estimate: ``landmarks`` (33, 4) normalised x, y, z, visibility or None;
    ``mask`` the person's segmentation mask (H, W) float 0..1 when asked for (at the size the
    model saw); ``n_people`` how many people the model found in the frame."""

    landmarks: np.ndarray | None
    mask: np.ndarray | None = None
    n_people: int = 0
    light: dict[str, float] | None = None  # the frame's light measures (``posecoach.adapters.light``)
