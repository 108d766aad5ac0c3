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


def _person_box(landmarks: np.ndarray, pad: float = 0.1) -> tuple[float, float, float, float] | None:
    """The seen landmarks' bounding box (normalised x0, y0, x1, y1), padded and clipped to the picture."""
    seen = landmarks[landmarks[:, 3] >= MIN_VISIBILITY, :2]
    seen = seen[np.isfinite(seen).all(axis=1)]
    if len(seen) < 4:
        return None
    (x0, y0), (x1, y1) = seen.min(axis=0), seen.max(axis=0)
    dx, dy = (x1 - x0) * pad, (y1 - y0) * pad
    box = (max(0.0, x0 - dx), max(0.0, y0 - dy), min(1.0, x1 + dx), min(1.0, y1 + dy))
    return box if box[2] > box[0] and box[3] > box[1] else None


def light_measures(rgb: np.ndarray, landmarks: np.ndarray | None = None) -> dict[str, float]:
    """``brightness`` (mean luma), ``contrast`` (luma standard deviation) of an RGB uint8 frame,
    and ``subject_brightness`` (mean luma around the person) when ``landmarks`` are given."""
    luma = _luma(rgb)
    out = {"brightness": round(float(luma.mean()), 3), "contrast": round(float(luma.std()), 3)}
    box = None if landmarks is None else _person_box(np.asarray(landmarks, dtype=float))
    if box is not None:
        h, w = luma.shape
        x0, y0 = int(box[0] * w), int(box[1] * h)
        x1, y1 = max(x0 + 1, int(np.ceil(box[2] * w))), max(y0 + 1, int(np.ceil(box[3] * h)))
        out["subject_brightness"] = round(float(luma[y0:y1, x0:x1].mean()), 3)
    return out
