"""What the camera really saw: landmarks outside the picture, a body cut by its edge, and
light too poor to judge by. Pure functions of normalised landmarks and image measures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posecoach.core import landmarks as lm
from posecoach.core.settings import from_table

CUE_POOR_LIGHT = "The light is poor: turn on a light or face a window, not your back to it"
CUE_AT_EDGE = "Move toward the middle of the picture: part of you is out of frame"

TRUNK = (lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER, lm.LEFT_HIP, lm.RIGHT_HIP)
_TRUNK_ROWS = list(TRUNK)


@dataclass(frozen=True)
@from_table("framing")
class FramingParams:
    """Thresholds on the picture (fractions: of the frame's width, or of full brightness 0..1);
    values and reasons in settings.toml [framing]."""

    edge_margin_frac_width: float  # a shoulder or hip this close to the left or right edge: the body is cut
    min_visibility: float = lm.MIN_VISIBILITY  # a trunk landmark below this visibility does not count for the edge rule
    min_brightness: float  # mean luma of the frame below this: too dark
    min_contrast: float  # luma standard deviation below this: flat, fogged or nearly black
    min_subject_brightness: float  # median luma on the person below this: backlit, a silhouette
    # With nobody found (no ``subject_brightness``), only a picture dim throughout hides a person:
    min_highlights: float  # the brightest thousandth of the picture below this: nothing in it is lit
    max_flat_share: float  # this share at one brightness or more: a blank or a cut to black, not a room


def only_in_frame(landmarks: np.ndarray) -> np.ndarray:
    """A copy of (33, 4) normalised landmarks whose points outside the picture have visibility 0:
    the model guesses them, the camera did not see them. (In plain floats: it runs first on
    every analysed frame, right after the model; NaN counts as outside, as with arrays.)"""
    rows = np.asarray(landmarks, dtype=float).tolist()
    for row in rows:
        if not (0.0 <= row[0] <= 1.0 and 0.0 <= row[1] <= 1.0):
            row[3] = 0.0
    return np.array(rows, dtype=float).reshape(np.shape(landmarks))


def cut_by_side_edge(landmarks: np.ndarray, p: FramingParams = FramingParams()) -> bool:
    """True when a seen shoulder or hip lies at the left or right edge: half the trunk is outside,
    and the model's guess of the rest is not to be judged."""
    margin = p.edge_margin_frac_width
    return any(row[3] >= p.min_visibility and (row[0] < margin or row[0] > 1.0 - margin)
               for row in landmarks[_TRUNK_ROWS].tolist())


def light_is_poor(measures: dict[str, float] | None, p: FramingParams = FramingParams()) -> bool:
    """Whether the frame's light (``brightness``, ``contrast``, ``subject_brightness``,
    ``highlights``, ``flat_share`` in 0..1, as measured by the light adapter) is too poor to
    judge form by. Missing measures count as fine.

    With a person found (``subject_brightness`` measured), a dim frame, a flat one (fog, a
    covered lens) or a dim person (backlit) is poor light. With nobody found, the mean
    brightness says nothing: a black title card with white text, a cut to black or a blank
    one-colour frame has a low mean or no contrast, yet no one is hidden in it. Then the light
    is poor only when the picture is dim throughout (even its ``highlights`` below
    ``min_highlights``) and not a blank (``flat_share`` under ``max_flat_share``); otherwise
    nothing is said about light and the usual no-person guidance applies. Measures from before
    ``highlights`` and ``flat_share`` existed (a stored session) keep the rule they were judged by.
    """
    if not measures:
        return False
    person = "subject_brightness" in measures
    if not person and "highlights" in measures and "flat_share" in measures:
        return bool(measures["flat_share"] < p.max_flat_share and measures["highlights"] < p.min_highlights)
    low = (("brightness", p.min_brightness), ("contrast", p.min_contrast), ("subject_brightness", p.min_subject_brightness))
    return any(name in measures and measures[name] < limit for name, limit in low)
