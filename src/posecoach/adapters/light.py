"""How well lit a frame is: brightness and contrast of the whole picture and of the person.

The coach says "the light is poor" instead of judging when these are too low (the rule is
``posecoach.core.framing.light_is_poor``). Values are fractions of full brightness (or of the
picture, for ``flat_share``), 0..1, and go into the frame's image measures, so a stored
session is re-scored the same way.

The mean and the spread alone cannot tell a dim picture from a black title card with white
text (mostly black: a low mean, and the text gives spread) or a cut to black: two measures of
the brightness distribution can. ``highlights`` is how bright the brightest thousandth of the
picture is (white text: 1.0; a dim room: as dim as the rest), and ``flat_share`` the share of
the picture at one brightness (within one level of 255): a blank, a title card's background.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from posecoach.core import landmarks as lm

SAMPLE_SIDE_PX = 160  # the frame is sampled on a grid about this many points across
MIN_VISIBILITY = lm.MIN_VISIBILITY
HIGHLIGHTS_QUANTILE = 0.999  # ``highlights``: the brightness this share of the picture is at or below
_LEVELS = np.arange(256, dtype=np.int64)  # the luma levels, and their squares (for the deviation)
_LEVELS_SQUARED = _LEVELS * _LEVELS
_LEVELS.flags.writeable = _LEVELS_SQUARED.flags.writeable = False


def _luma(rgb: np.ndarray) -> np.ndarray:
    """Luma (ITU-R BT.601, uint8) of every ``step``-th pixel each way (OpenCV: a fraction of
    the time numpy takes, without holding the GIL while the model runs on another thread).
    The pixels are OpenCV's nearest shrink's; where they are every ``step``-th row and column
    (``_rows_and_columns_sample``), the luma of every ``step``-th row is sliced instead: the
    same values, without the shrink's own cost (89 against 49 us a 640x480 frame after the
    model, the frame just converted)."""
    import cv2

    h, w = rgb.shape[:2]
    step = max(1, max(h, w) // SAMPLE_SIDE_PX)
    if step == 1:
        return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    if rgb.strides[1:] == (3, 1) and _rows_and_columns_sample(h, w, step):
        return np.ascontiguousarray(cv2.cvtColor(rgb[::step], cv2.COLOR_RGB2GRAY)[:, ::step])
    small = cv2.resize(rgb, _sample_size(h, w, step), interpolation=cv2.INTER_NEAREST)
    return cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2GRAY)


def _sample_size(h: int, w: int, step: int) -> tuple[int, int]:
    """(width, height) of the luma sample of an ``h`` x ``w`` picture, every ``step``-th pixel."""
    return -(-w // step), -(-h // step)


@functools.lru_cache(maxsize=16)
def _rows_and_columns_sample(h: int, w: int, step: int) -> bool:
    """Whether OpenCV's nearest shrink of an ``h`` x ``w`` RGB picture to ``_luma``'s sample
    takes every ``step``-th row and column, asked of OpenCV itself once a size: a picture
    whose pixels spell out their own row and column, shrunk (up to 4096 a side)."""
    import cv2

    if max(h, w) > 4096:
        return False
    y, x = np.mgrid[0:h, 0:w]
    probe = np.dstack([x % 256, y % 256, (x // 256) * 16 + y // 256]).astype(np.uint8)
    shrunk = cv2.resize(probe, _sample_size(h, w, step), interpolation=cv2.INTER_NEAREST)
    return bool(np.array_equal(shrunk, probe[::step, ::step]))


def _on_body(luma: np.ndarray, landmarks: np.ndarray) -> list[int]:
    """Luma at the seen landmarks inside the picture (points on the person's body), in plain
    Python: 33 points cost less so than numpy's calls right after the model (a landmark's
    pixel as numpy's ``(y * h).astype(int)`` has it: the product truncated)."""
    h, w = luma.shape
    at = luma.item
    # NaN compares False: an unseen or unplaced landmark is left out
    return [at(int(y * h), int(x * w)) for x, y, _z, vis, *_ in landmarks.tolist()
            if vis >= MIN_VISIBILITY and 0 <= x < 1 and 0 <= y < 1]


def picture_light(rgb: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
    """The frame's luma sample (``_luma``) and the measures of the whole picture:
    ``brightness`` (mean luma), ``contrast`` (luma standard deviation), ``highlights`` (the
    luma the brightest thousandth of the picture reaches) and ``flat_share`` (the largest share
    of the picture within one level of a single luma) of an RGB uint8 frame, all 0..1."""
    luma = _luma(rgb)
    mean, std, highlights, flat = _histogram_measures(luma)
    return luma, {"brightness": round(mean / 255.0, 3), "contrast": round(std / 255.0, 3),
                  "highlights": round(min(highlights, 255) / 255.0, 3), "flat_share": round(min(flat, 1.0), 3)}


def _histogram_measures(luma: np.ndarray) -> tuple[float, float, int, float]:
    """(mean, standard deviation, highlights level, flat share) of a uint8 luma sample, all
    from its histogram: the mean and the deviation as OpenCV's ``meanStdDev`` works them out
    (exact sums, times the reciprocal of the count), the same bits for fewer calls right
    after the model."""
    counts = np.bincount(luma.ravel(), minlength=256)
    n = float(luma.size)
    scale = 1.0 / n
    mean = float(counts @ _LEVELS) * scale
    std = math.sqrt(max(float(counts @ _LEVELS_SQUARED) * scale - mean * mean, 0.0))
    below = counts.cumsum()  # pixels at or below each level
    highlights = int(below.searchsorted(HIGHLIGHTS_QUANTILE * n))
    # a level and the one on each side (the two end levels' windows are never the largest)
    flat = float(max(int((below[3:] - below[:-3]).max()), int(below[2]))) / n
    return mean, std, highlights, flat


def subject_light(luma: np.ndarray, landmarks: np.ndarray | None) -> dict[str, float]:
    """``subject_brightness`` (median luma at the person's seen landmarks, which lie on the
    body: dark on a silhouette against a window; 0..1) from ``picture_light``'s luma sample;
    empty without landmarks or with fewer than 4 of them seen in the picture."""
    if landmarks is None:
        return {}
    body = sorted(_on_body(luma, np.asarray(landmarks, dtype=float)))
    if len(body) < 4:
        return {}
    mid = len(body) // 2  # the median as numpy's: the middle value, or the mean of the two middle ones
    median = float(body[mid]) if len(body) % 2 else (float(body[mid - 1]) + float(body[mid])) / 2.0
    return {"subject_brightness": round(median / 255.0, 3)}


def light_measures(rgb: np.ndarray, landmarks: np.ndarray | None = None) -> dict[str, float]:
    """``picture_light``'s measures of an RGB uint8 frame, and ``subject_light``'s when
    ``landmarks`` are given; all 0..1."""
    luma, out = picture_light(rgb)
    return {**out, **subject_light(luma, landmarks)}
