"""The lower-back curve from the person's segmentation mask.

Neither back nor pelvis has a landmark, but the silhouette shows the back's edge. Between
the hip and the shoulder we march from the hip-shoulder chord toward the back until the
mask ends, giving the back edge's profile. A flat back gives a nearly straight profile;
an arched lower back dips in between the bulge of the buttocks and that of the upper back.
The curve is that dip's depth, divided by the trunk length (hip to shoulder): 0 for a
flat back, larger for a deeper lumbar curve.
"""

from __future__ import annotations

import math

import numpy as np

SAMPLES = 33
LOW_ZONE = (0.08, 0.3)  # where the buttocks bulge, as a fraction of the chord from the hip
HIGH_ZONE = (0.55, 0.95)  # where the upper back bulges
MAX_DEPTH = 0.7  # search this far toward the back, trunk lengths
_FRACTIONS = np.linspace(0.0, 1.0, SAMPLES)  # where along the chord the profile is sampled


def back_edge_profile(mask: np.ndarray, hip_px: np.ndarray, shoulder_px: np.ndarray, back_unit: np.ndarray,
                      threshold: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Distances (px) from the chord to the back edge at fractions ``s`` of the chord.

    ``mask`` is (H, W), 1 on the person. ``back_unit`` points out of the back (away from
    the belly) in pixels (x right, y down). Returns (s, distance); NaN where the chord
    point is not on the person or no edge is found.
    """
    h, w = mask.shape[:2]
    chord = shoulder_px - hip_px
    length = float(np.hypot(*chord))
    back = back_unit - chord * (back_unit @ chord) / max(length**2, 1e-9)  # perpendicular part
    back = back / max(float(np.hypot(*back)), 1e-9)
    s = _FRACTIONS
    steps = np.arange(0, int(MAX_DEPTH * length) + 1, dtype=float)
    starts = hip_px[None, :] + s[:, None] * chord[None, :]  # (S, 2)
    px = starts[:, 0, None] + steps[None, :] * back[0]  # (S, D), x then y of each point
    py = starts[:, 1, None] + steps[None, :] * back[1]
    xi = np.rint(px).astype(np.intp)
    yi = np.rint(py).astype(np.intp)
    outside_img = (px < 0) | (px > w - 1) | (py < 0) | (py > h - 1)
    np.clip(xi, 0, w - 1, out=xi)
    np.clip(yi, 0, h - 1, out=yi)
    inside = (mask[yi, xi] >= threshold) & ~outside_img
    leaves = ~inside
    first_out = np.where(leaves.any(axis=1), leaves.argmax(axis=1), -1).astype(float)
    valid = inside[:, 0] & (first_out > 0)
    return s, np.where(valid, first_out, np.nan)


def lumbar_curve(mask: np.ndarray, hip_px: np.ndarray, shoulder_px: np.ndarray, belly_unit: np.ndarray,
                 threshold: float = 0.5) -> float:
    """Depth of the lower-back curve in trunk lengths (NaN when the mask cannot show it)."""
    if mask is None or not np.isfinite(belly_unit).all() or not np.isfinite(hip_px).all() or not np.isfinite(shoulder_px).all():
        return float("nan")
    length = float(np.hypot(*(shoulder_px - hip_px)))
    if length < 20:
        return float("nan")
    s, d = back_edge_profile(mask, hip_px, shoulder_px, -np.asarray(belly_unit, float), threshold)
    if np.isnan(d).mean() > 0.3:
        return float("nan")
    low = (s >= LOW_ZONE[0]) & (s <= LOW_ZONE[1]) & ~np.isnan(d)
    high = (s >= HIGH_ZONE[0]) & (s <= HIGH_ZONE[1]) & ~np.isnan(d)
    if not low.any() or not high.any():
        return float("nan")
    i = np.flatnonzero(low)[np.argmax(d[low])]
    k = np.flatnonzero(high)[np.argmax(d[high])]
    between = np.arange(i + 1, k)
    between = between[~np.isnan(d[between])]
    if len(between) == 0:
        return 0.0
    line = d[i] + (d[k] - d[i]) * (s[between] - s[i]) / (s[k] - s[i])
    return float(max(0.0, np.max(line - d[between])) / length)


def quartiles(values: np.ndarray) -> tuple[float, float, float]:
    """The 25th, 50th and 75th percentiles of a 1-D array without NaN, as numpy's percentile
    gives them (linear interpolation, computed as numpy does it), without numpy's overhead
    for a few values."""
    ordered = np.sort(values)
    out = []
    for share in (0.25, 0.5, 0.75):
        at = (len(ordered) - 1) * share
        below = math.floor(at)
        weight = at - below
        a, b = float(ordered[below]), float(ordered[min(below + 1, len(ordered) - 1)])
        step = b - a
        out.append(b - step * (1 - weight) if weight >= 0.5 else a + step * weight)
    return out[0], out[1], out[2]


class SteadyReading:
    """A silhouette reading with a confidence: the median of the last ``window_ms`` of
    readings, kept only while they agree (the spread between their quartiles at most
    ``max_spread``, trunk lengths) and at least ``min_share`` of them could be read.

    The back's outline on a real body moves with loose clothing, hair and the mask's own
    noise: on real clips a single frame's curve jumps by 0.15 trunk lengths or reads exactly
    0 while the body is still. A held position gives steady readings (rendered holds and real
    still holds: a 1 s spread of 0.004-0.02); an unsteady one is no reading (NaN) rather than a
    verdict. Times in milliseconds.
    """

    def __init__(self, window_ms: float = 1000.0, max_spread: float = 0.03, min_share: float = 0.6,
                 min_readings: int = 3, longest_window_ms: float = 2500.0) -> None:
        self.window_ms = window_ms
        self.max_spread = max_spread
        self.min_share = min_share
        self.min_readings = min_readings
        # Frames judged sparsely (a review skips frames through a still hold, up to 400 ms apart)
        # give fewer readings a second: the window then reaches back to the last min_readings
        # readings, up to this long.
        self.longest_window_ms = longest_window_ms
        self._readings: list[tuple[float, float]] = []

    def reset(self) -> None:
        self._readings = []

    def update(self, t_ms: float, value: float) -> tuple[float, float]:
        """(steady value or NaN, confidence 0..1) after a reading at ``t_ms`` (NaN: none)."""
        self._readings.append((t_ms, float(value)))
        kept = [(t, v) for t, v in self._readings if t_ms - t < self.longest_window_ms and t <= t_ms]
        recent = [(t, v) for t, v in kept if t_ms - t < self.window_ms]
        self._readings = recent if len(recent) >= self.min_readings else kept[-self.min_readings:]
        vals = np.array([v for _, v in self._readings])
        ok = vals[np.isfinite(vals)]
        if len(ok) < self.min_readings or len(ok) < self.min_share * len(vals):
            return float("nan"), 0.0
        q1, med, q3 = quartiles(ok)
        spread = q3 - q1
        confidence = min(max(1.0 - spread / self.max_spread, 0.0), 1.0)
        if spread > self.max_spread:
            return float("nan"), confidence
        return float(med), confidence
