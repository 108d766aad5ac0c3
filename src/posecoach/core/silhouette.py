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
_FRACTIONS.flags.writeable = False
_S = _FRACTIONS.tolist()
_LOW = [j for j, v in enumerate(_S) if LOW_ZONE[0] <= v <= LOW_ZONE[1]]  # the samples in each zone
_HIGH = [j for j, v in enumerate(_S) if HIGH_ZONE[0] <= v <= HIGH_ZONE[1]]


def back_edge_distances(mask: np.ndarray, hip_px: np.ndarray, shoulder_px: np.ndarray, back_unit: np.ndarray,
                        threshold: float = 0.5) -> list[float]:
    """Distances (px) from the chord to the back edge at the fractions ``_FRACTIONS`` of the
    chord; NaN where the chord point is not on the person or no edge is found. ``mask`` is
    (H, W), 1 on the person; ``back_unit`` points out of the back (away from the belly) in
    pixels (x right, y down), all three points as float arrays of 2. The march itself is
    vectorised; what comes before and after it is in plain floats: it runs on every analysed
    frame right after the model, when numpy's own code has to be fetched again."""
    h, w = mask.shape[:2]
    (hx, hy), (sx, sy) = hip_px.tolist(), shoulder_px.tolist()
    cx, cy = sx - hx, sy - hy
    length = float(np.hypot(cx, cy))
    along = float(back_unit @ (shoulder_px - hip_px))  # numpy's dot, as before (it fuses multiply and add)
    bux, buy = back_unit.tolist()
    sq = max(length**2, 1e-9)
    bx, by = bux - cx * along / sq, buy - cy * along / sq  # perpendicular part
    norm = max(float(np.hypot(bx, by)), 1e-9)
    bx, by = bx / norm, by / norm
    depth = int(MAX_DEPTH * length) + 1
    steps = np.arange(0, depth, dtype=float)
    px = (hx + _FRACTIONS * cx)[:, None] + steps[None, :] * bx  # (S, D), x then y of each point
    py = (hy + _FRACTIONS * cy)[:, None] + steps[None, :] * by
    xi = np.rint(px).astype(np.intp)
    yi = np.rint(py).astype(np.intp)
    outside_img = None  # no point outside the picture: none to mark, none to clamp (rint keeps [0, w - 1])
    if not _march_in_picture(hx, hy, cx, cy, bx, by, depth - 1, w, h):
        outside_img = (px < 0) | (px > w - 1) | (py < 0) | (py > h - 1)
        # np.clip's and 2-D indexing's own overhead is most of their cost here (a (33, ~100) march):
        # the same clamp as ufuncs
        np.minimum(np.maximum(xi, 0, out=xi), w - 1, out=xi)
        np.minimum(np.maximum(yi, 0, out=yi), h - 1, out=yi)
    yi *= w
    yi += xi
    inside = mask.ravel().take(yi) >= threshold  # read at flat positions (a view: masks are contiguous as the model gives them)
    if outside_img is not None:
        inside &= ~outside_img
    leaves = ~inside
    left, first, on = leaves.any(axis=1).tolist(), leaves.argmax(axis=1).tolist(), inside[:, 0].tolist()
    return [float(f) if gone and start and f > 0 else math.nan for gone, f, start in zip(left, first, on, strict=True)]


def _march_in_picture(hx: float, hy: float, cx: float, cy: float, bx: float, by: float, last_step: int,
                      w: int, h: int) -> bool:
    """Whether every point of the march (``back_edge_distances``'s px, py) lies in the picture,
    0..w-1 by 0..h-1. Each point is (start + fraction x chord) + step x direction, and a
    rounded sum or product moves the same way as its exact one, so the computed points are
    largest and smallest at the march's four corners (fractions 0 and 1, steps 0 and the last):
    those four, worked out with the same operations, settle it for all (NaN: not in)."""
    last = float(last_step)
    for f in (0.0, 1.0):  # _FRACTIONS' first and last values
        ox, oy = hx + f * cx, hy + f * cy
        for step in (0.0, last):
            x, y = ox + step * bx, oy + step * by
            if not (0 <= x <= w - 1 and 0 <= y <= h - 1):
                return False
    return True


def lumbar_curve(mask: np.ndarray, hip_px: np.ndarray, shoulder_px: np.ndarray, belly_unit: np.ndarray,
                 threshold: float = 0.5) -> float:
    """Depth of the lower-back curve in trunk lengths (NaN when the mask cannot show it)."""
    if mask is None:
        return math.nan
    hip, shoulder, belly = (np.asarray(v, float) for v in (hip_px, shoulder_px, belly_unit))
    if not all(math.isfinite(v) for v in (*belly.tolist(), *hip.tolist(), *shoulder.tolist())):
        return math.nan
    (hx, hy), (sx, sy) = hip.tolist(), shoulder.tolist()
    length = float(np.hypot(sx - hx, sy - hy))
    if length < 20:
        return math.nan
    d = back_edge_distances(mask, hip, shoulder, -belly, threshold)
    if sum(v != v for v in d) / len(d) > 0.3:
        return math.nan
    low = [j for j in _LOW if d[j] == d[j]]
    high = [j for j in _HIGH if d[j] == d[j]]
    if not low or not high:
        return math.nan
    i = max(low, key=d.__getitem__)  # the first of the largest, as numpy's argmax
    k = max(high, key=d.__getitem__)
    between = [j for j in range(i + 1, k) if d[j] == d[j]]
    if not between:
        return 0.0
    deepest = max(d[i] + (d[k] - d[i]) * (_S[j] - _S[i]) / (_S[k] - _S[i]) - d[j] for j in between)
    return float(max(0.0, deepest) / length)


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
