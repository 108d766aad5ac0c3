"""How well lit a frame is: brightness and contrast of the whole picture and of the person.

The coach says "the light is poor" instead of judging when these are too low (the rule is
``posecoach.core.framing.light_is_poor``). Values are fractions of full brightness, 0..1,
and go into the frame's image measures, so a stored session is re-scored the same way.
"""

from __future__ import annotations

import numpy as np

LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114], dtype=np.float32) / 255.0
SAMPLE_SIDE_PX = 160  # the frame is sampled on a grid about this many points across
MIN_VISIBILITY = 0.5


def _luma(rgb: np.ndarray) -> np.ndarray:
    step = max(1, max(rgb.shape[:2]) // SAMPLE_SIDE_PX)
    return rgb[::step, ::step].astype(np.float32) @ LUMA_WEIGHTS


def _on_body(luma: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Luma at the seen landmarks inside the picture: points on the person's body."""
    h, w = luma.shape
    lms = landmarks[(landmarks[:, 3] >= MIN_VISIBILITY) & np.isfinite(landmarks[:, :2]).all(axis=1)]
    inside = lms[(lms[:, 0] >= 0) & (lms[:, 0] < 1) & (lms[:, 1] >= 0) & (lms[:, 1] < 1)]
    cols, rows = (inside[:, 0] * w).astype(int), (inside[:, 1] * h).astype(int)
    return luma[rows, cols]


def light_measures(rgb: np.ndarray, landmarks: np.ndarray | None = None) -> dict[str, float]:
    """``brightness`` (mean luma), ``contrast`` (luma standard deviation) of an RGB uint8 frame,
    and ``subject_brightness`` (median luma at the person's seen landmarks, which lie on the
    body: dark on a silhouette against a window) when ``landmarks`` are given."""
    luma = _luma(rgb)
    out = {"brightness": round(float(luma.mean()), 3), "contrast": round(float(luma.std()), 3)}
    if landmarks is not None:
        body = _on_body(luma, np.asarray(landmarks, dtype=float))
        if body.size >= 4:
            out["subject_brightness"] = round(float(np.median(body)), 3)
    return out
