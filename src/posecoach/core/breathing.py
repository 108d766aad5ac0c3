"""Breathing in the rest positions, from the trunk's thickness in the segmentation mask.

Seen from the side, a body lying on its back grows thicker as it breathes in: the belly
rises (diaphragmatic breathing) or the chest does (chest breathing). ``trunk_thickness``
reads both from the soft mask: for a few lines across the trunk, perpendicular to the hip to
shoulder line at given fractions along it, the sum of the mask's values (pixels, so a wall
moving a fraction of a pixel still moves the sum), divided by the trunk length.

``BreathingMeter`` turns those per-frame thicknesses into breaths a minute, the length of
each inhale and exhale and which of belly and chest moves more. Frames come irregularly (a
review analyses a still hold every 400 ms at most), so everything works on timestamps: the
samples are averaged into bins of fixed length, gaps are interpolated, the slow drift of a
person settling is removed with a quadratic fit, and the breaths are counted as crossings of
the main breathing component with hysteresis. No movement above the mask's noise is "no
breathing seen", an unknown with its reason, never a made-up rate.

Units: times in milliseconds where they are timestamps (``t_ms``) and in seconds where they
are lengths (``*_s``); thickness in trunk lengths (shoulder midpoint to hip midpoint); rates
in breaths a minute.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from posecoach.core.settings import from_table

MEASURING, KNOWN, UNKNOWN = "measuring", "known", "unknown"
BELLY, CHEST = "belly", "chest"

# Why a breathing reading is unknown: ids whose words are in reports/instructions.toml.
NO_BREATHING_SEEN = "no_breathing_seen"  # no movement above the mask's noise (a held breath, or too far away)
NOT_SIDE_VIEW = "not_side_view"  # the thickness of the trunk shows only from the side
ARMS_OVER_TRUNK = "arms_over_trunk"  # a hand or forearm on the belly or chest moves with it
KNEE_OVER_TRUNK = "knee_over_trunk"  # a knee drawn over the belly (knee to chest): its outline is the thigh's
OUTLINE_HIDDEN = "outline_hidden"  # no trunk outline in the mask (a blanket, the body out of the picture)
UNSTEADY = "unsteady"  # the thickness jumps more than breathing can (moving, loose clothes)
REASONS = (NO_BREATHING_SEEN, NOT_SIDE_VIEW, KNEE_OVER_TRUNK, ARMS_OVER_TRUNK, OUTLINE_HIDDEN, UNSTEADY)


@dataclass(frozen=True)
@from_table("breathing")
class BreathingParams:
    """The meter's settings (settings.toml [breathing], each value with its reason and data).

    Column positions are fractions of the hip (0) to shoulder (1) line; thickness in trunk
    lengths; times in seconds."""

    belly_fractions: tuple[float, ...]  # lines across the belly, fractions hip -> shoulder
    chest_fractions: tuple[float, ...]  # lines across the chest
    reach_trunk_lengths: float  # how far from the hip-shoulder line a line across the trunk reaches, each way
    mask_floor: float  # soft-mask values below this end the body along a line (0..1)
    min_trunk_px: float  # a trunk shorter than this in the mask's pixels is too small to read
    trunk_window_s: float  # the lines are placed by the median hip and shoulder of this many seconds
    window_s: float  # the reading rests on this many seconds of signal
    min_window_s: float  # no reading before this many seconds
    despike_samples: int  # each sample replaced by the median of this many in a row (odd; 1: none)
    bin_s: float  # samples are averaged into bins this long
    smooth_s: float  # moving average over the binned signal
    max_gap_s: float  # samples further apart than this start the signal afresh
    unreadable_s: float  # unreadable this long: the reading is unknown
    update_every_s: float  # the reading is worked out again at most this often
    hysteresis_share: float  # a breath crosses +/- this share of the half range
    max_rate_bpm: float  # the fastest breathing the meter looks for (its shortest period)
    min_rate_bpm: float  # the slowest
    period_peak_share: float  # the period is the first autocorrelation peak reaching this share of the highest
    min_range_trunk_lengths: float  # peak-to-peak breathing component below this: no breathing seen
    min_repeat: float  # the signal repeating at its period less than this (autocorrelation, 0..1): no breathing seen
    max_range_trunk_lengths: float  # a range above this is not breathing: unsteady
    belly_share_min: float  # belly share at or above this: belly breathing
    arms_margin_trunk_lengths: float  # a wrist, elbow or knee this far above the trunk line over the belly or chest lies over it


@dataclass(frozen=True)
class BreathingReading:
    """The breathing over the last window: ``state`` "measuring" (not enough seconds yet),
    "known" or "unknown" (then ``reason``, an id of ``REASONS``)."""

    state: str
    rate_bpm: float | None  # breaths a minute over the last window
    inhale_s: float | None  # mean inhale length over the window, seconds
    exhale_s: float | None  # mean exhale length, seconds
    pattern: str | None  # "belly" | "chest"; None when unknown or no breathing seen
    belly_share: float | None  # belly motion / (belly + chest motion), 0..1
    reason: str | None  # when "unknown": why (see REASONS)
    window_s: float  # seconds of signal the reading rests on


def _unknown(reason: str, window_s: float = 0.0) -> BreathingReading:
    return BreathingReading(UNKNOWN, None, None, None, None, None, reason, window_s)


def _measuring(window_s: float) -> BreathingReading:
    return BreathingReading(MEASURING, None, None, None, None, None, None, window_s)


# --- the image measure ------------------------------------------------------------------------

def trunk_thickness(mask: np.ndarray, hip_px: np.ndarray, shoulder_px: np.ndarray,
                    params: BreathingParams) -> tuple[float, float]:
    """(belly, chest) thickness of the trunk in trunk lengths, from a soft mask (H, W) of 0..1.

    Across the trunk at each of ``params``' fractions along hip -> shoulder (pixels, x right,
    y down), the mask is sampled one pixel apart (bilinear) out to ``reach_trunk_lengths`` on
    both sides; the body along the line is the run of samples from the trunk line outward until
    the mask falls below ``mask_floor``, and its thickness the sum of the mask's values over
    that run. NaN when the trunk line is off the person or too short."""
    chord = np.asarray(shoulder_px, float) - np.asarray(hip_px, float)
    length = math.hypot(chord[0], chord[1])
    if not math.isfinite(length) or length < params.min_trunk_px:
        return float("nan"), float("nan")
    normal = np.array([-chord[1], chord[0]]) / length
    fractions = np.array((*params.belly_fractions, *params.chest_fractions))
    reach = int(params.reach_trunk_lengths * length)
    steps = np.arange(-reach, reach + 1, dtype=float)  # (D,) pixels along the normal
    centres = np.asarray(hip_px, float)[None, :] + fractions[:, None] * chord[None, :]  # (C, 2)
    x = centres[:, 0, None] + steps[None, :] * normal[0]  # (C, D)
    y = centres[:, 1, None] + steps[None, :] * normal[1]
    values = _bilinear(mask, x, y)
    run = _run_from_centre(values >= params.mask_floor, reach)
    thick = np.where(run, values, 0.0).sum(axis=1) / length
    thick[~(values[:, reach] >= params.mask_floor)] = np.nan  # the trunk line itself is off the person
    nb = len(params.belly_fractions)
    belly, chest = thick[:nb], thick[nb:]
    return (float(np.mean(belly)) if np.isfinite(belly).all() else float("nan"),
            float(np.mean(chest)) if np.isfinite(chest).all() else float("nan"))


def _bilinear(mask: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The mask's value at sub-pixel points (x, y), 0 outside the image."""
    h, w = mask.shape[:2]
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    xc = np.minimum(np.maximum(x, 0), w - 1.001)  # np.clip's clamp, without its own overhead
    yc = np.minimum(np.maximum(y, 0), h - 1.001)
    x0 = xc.astype(np.intp)
    y0 = yc.astype(np.intp)
    fx = xc - x0
    fy = yc - y0
    m = mask if mask.ndim == 2 else mask[..., 0]
    top = m[y0, x0] * (1 - fx) + m[y0, x0 + 1] * fx
    bottom = m[y0 + 1, x0] * (1 - fx) + m[y0 + 1, x0 + 1] * fx
    return np.where(inside, top * (1 - fy) + bottom * fy, 0.0)


def _run_from_centre(on: np.ndarray, centre: int) -> np.ndarray:
    """Per row, the contiguous run of True through column ``centre`` (all False when it is off)."""
    cols = np.arange(on.shape[1])
    off = ~on
    # the nearest off sample on each side of the centre
    right_off = np.where(off[:, centre:].any(axis=1), off[:, centre:].argmax(axis=1) + centre, on.shape[1])
    left_part = off[:, :centre + 1][:, ::-1]
    left_off = np.where(left_part.any(axis=1), centre - left_part.argmax(axis=1), -1)
    return (cols[None, :] > left_off[:, None]) & (cols[None, :] < right_off[:, None])


class SteadyTrunk:
    """The hip and shoulder midpoints (pixels) the lines across the trunk are placed by: the
    median of each coordinate over the last ``trunk_window_s`` seconds of frames. The model's
    landmarks on a still body jump by a few pixels from frame to frame (on a rendered rest, the
    hip by 4 px of a 112 px trunk on one analysed frame in three), which moved the lines along
    the curved belly and changed the trunk length they are divided by: 4% of the thickness, as
    much as a breath. The median of a still body's frames stays put."""

    def __init__(self, window_s: float) -> None:
        self.window_ms = window_s * 1000.0
        self._t: list[float] = []
        self._points: list[np.ndarray] = []  # (4,) hip x, y, shoulder x, y
        self._shape: tuple[int, ...] | None = None

    def reset(self) -> None:
        self._t, self._points, self._shape = [], [], None

    def update(self, t_ms: float, hip_px: np.ndarray, shoulder_px: np.ndarray,
               shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """The steady (hip, shoulder) after a frame at ``t_ms`` of a mask of ``shape``."""
        if shape != self._shape or (self._t and t_ms < self._t[-1]):
            self.reset()
            self._shape = shape
        self._t.append(float(t_ms))
        self._points.append(np.concatenate([np.asarray(hip_px, float), np.asarray(shoulder_px, float)]))
        while self._t and self._t[0] < t_ms - self.window_ms:
            self._t.pop(0)
            self._points.pop(0)
        med = np.median(np.array(self._points), axis=0)
        return med[:2], med[2:]


def over_trunk(hip_px: np.ndarray, shoulder_px: np.ndarray, belly_unit: np.ndarray,
               points_px: np.ndarray, params: BreathingParams) -> bool:
    """Whether a landmark (``points_px``, (N, 2) pixels, NaN unseen: a wrist, an elbow, a knee)
    lies over the belly or the chest: between the first belly line and the last chest line
    along the trunk, and more than ``arms_margin_trunk_lengths`` out on the belly side of the
    trunk line."""
    chord = np.asarray(shoulder_px, float) - np.asarray(hip_px, float)
    length = math.hypot(chord[0], chord[1])
    if not math.isfinite(length) or length <= 0 or not np.isfinite(belly_unit).all():
        return False
    rel = np.asarray(points_px, float) - np.asarray(hip_px, float)
    along = rel @ chord / length**2
    normal = np.array([-chord[1], chord[0]]) / length
    if normal @ belly_unit < 0:
        normal = -normal
    out = rel @ normal / length
    lo = min(params.belly_fractions)
    hi = max(params.chest_fractions)
    with np.errstate(invalid="ignore"):
        over = (along >= lo) & (along <= hi) & (out > params.arms_margin_trunk_lengths)
    return bool(over.any())


# --- the meter ------------------------------------------------------------------------------

class BreathingMeter:
    """Breathing from per-frame belly and chest thickness, causally. One per session; reset
    when the exercise changes. ``update`` takes a frame's time (ms) and its two thicknesses
    (trunk lengths; None or NaN when the mask could not be read, ``reason`` then says why)."""

    def __init__(self, params: BreathingParams) -> None:
        self.params = params
        self._t: list[float] = []  # times of readable samples, ms
        self._belly: list[float] = []
        self._chest: list[float] = []
        self._unreadable_since: float | None = None
        self._reason: str | None = None
        self._last: BreathingReading = _measuring(0.0)
        self._last_worked_ms = -math.inf
        self._paused = False

    def reset(self) -> None:
        self.__init__(self.params)

    def pause(self) -> None:
        """No breathing exercise is in play (or no person): the next ``update`` starts afresh.
        While breathing exercises follow one another the meter reads on (recognition relabelling
        one rest position as another does not move the trunk)."""
        self._paused = True

    def update(self, t_ms: float, belly: float | None, chest: float | None,
               reason: str | None = None) -> BreathingReading:
        """The reading after a frame at ``t_ms``."""
        if self._paused:
            self.reset()
        p = self.params
        t_ms = round(float(t_ms), 3)  # to the microsecond, as a landmarks file keeps times: a replay reads the same
        if self._t and (t_ms - self._t[-1] > p.max_gap_s * 1000.0 or t_ms < self._t[-1]):
            self._forget()
        readable = belly is not None and chest is not None and math.isfinite(belly) and math.isfinite(chest)
        if not readable:
            if self._unreadable_since is None:
                self._unreadable_since = t_ms
            self._reason = reason or self._reason or OUTLINE_HIDDEN
            if t_ms - self._unreadable_since >= p.unreadable_s * 1000.0:
                self._forget()
                self._unreadable_since = t_ms - p.unreadable_s * 1000.0  # stays unreadable until a reading
                self._last = _unknown(self._reason)
            return self._last
        self._unreadable_since, self._reason = None, None
        self._t.append(float(t_ms))
        self._belly.append(float(belly))
        self._chest.append(float(chest))
        start = t_ms - p.window_s * 1000.0
        if self._t[0] < start:
            keep = next(i for i, t in enumerate(self._t) if t >= start)
            del self._t[:keep], self._belly[:keep], self._chest[:keep]
        if t_ms - self._last_worked_ms < p.update_every_s * 1000.0 and self._last.state != UNKNOWN:
            return self._last
        self._last_worked_ms = t_ms
        self._last = read_breathing(np.array(self._t), np.array(self._belly), np.array(self._chest), p)
        return self._last

    def _forget(self) -> None:
        self._t, self._belly, self._chest = [], [], []
        self._last = _measuring(0.0)
        self._last_worked_ms = -math.inf


def read_breathing(t_ms: np.ndarray, belly: np.ndarray, chest: np.ndarray,
                   params: BreathingParams) -> BreathingReading:
    """The breathing in one window of samples (times in ms, increasing; thickness in trunk
    lengths, finite)."""
    p = params
    span_s = float(t_ms[-1] - t_ms[0]) / 1000.0 if len(t_ms) else 0.0
    if span_s < p.min_window_s:
        return _measuring(span_s)
    raw = _despiked(np.stack([belly, chest], axis=1), int(p.despike_samples))
    grid_t, both = _binned(t_ms, raw, p.bin_s * 1000.0)
    trend = _trend(grid_t, both)
    detrended = both - trend
    smooth = _moving_average(detrended, max(1, round(p.smooth_s / p.bin_s)))
    component, weights = _main_component(smooth)
    p5, p95 = np.percentile(component, [5.0, 95.0])
    spread = float(p95 - p5)
    if spread > p.max_range_trunk_lengths:
        return _unknown(UNSTEADY, span_s)
    period_s, repeats = _period_s(component, p.bin_s, 60.0 / p.max_rate_bpm, 60.0 / p.min_rate_bpm,
                                  p.period_peak_share)
    ups, downs = _crossings(grid_t, component, p.hysteresis_share * spread / 2.0)
    if spread < p.min_range_trunk_lengths or repeats < p.min_repeat or period_s is None or (len(ups) < 2 and len(downs) < 2):
        full = span_s >= p.window_s - p.bin_s * 2
        return _unknown(NO_BREATHING_SEEN, span_s) if full else _measuring(span_s)
    rate_bpm = 60.0 / period_s
    inhale_s, exhale_s = _phases(grid_t, component, ups, downs)
    centred = component - component.mean()
    belly_amp, chest_amp = (abs(float((smooth[:, k] - smooth[:, k].mean()) @ centred)) for k in (0, 1))
    share = belly_amp / (belly_amp + chest_amp) if belly_amp + chest_amp > 0 else None
    pattern = None if share is None else (BELLY if share >= p.belly_share_min else CHEST)
    return BreathingReading(KNOWN, round(rate_bpm, 2), inhale_s, exhale_s, pattern,
                            None if share is None else round(share, 3), None, span_s)


def _despiked(values: np.ndarray, width: int) -> np.ndarray:
    """Each row replaced by the median of the ``width`` rows centred on it (the ends kept): a
    frame whose mask or landmarks jump on their own is dropped, a breath spread over many is kept."""
    if width < 3 or len(values) < width:
        return values
    half = width // 2
    out = values.copy()
    if width == 3:  # the median of three without sorting: max(min(a, b), min(max(a, b), c))
        a, b, c = values[:-2], values[1:-1], values[2:]
        out[1:-1] = np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))
        return out
    windows = np.stack([values[k:len(values) - width + 1 + k] for k in range(width)])
    out[half:len(values) - half] = np.median(windows, axis=0)
    return out


def _binned(t_ms: np.ndarray, values: np.ndarray, bin_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """Samples averaged into bins of ``bin_ms`` from the first sample; empty bins interpolated.
    Returns the bins' centre times (ms) and values (bins, channels)."""
    idx = ((t_ms - t_ms[0]) // bin_ms).astype(np.intp)
    n = int(idx[-1]) + 1
    counts = np.bincount(idx, minlength=n).astype(float)
    sums = np.stack([np.bincount(idx, values[:, k], minlength=n) for k in range(values.shape[1])], axis=1)
    filled = counts > 0
    centres = t_ms[0] + (np.arange(n) + 0.5) * bin_ms
    out = np.empty_like(sums)
    for k in range(values.shape[1]):
        out[:, k] = np.interp(centres, centres[filled], sums[filled, k] / counts[filled])
    return centres, out


def _trend(t_ms: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each channel's quadratic fit over time: a person settling drifts slowly."""
    x = (t_ms - t_ms.mean()) / max(float(np.ptp(t_ms)), 1.0)
    design = np.stack([np.ones_like(x), x, x * x], axis=1)
    coef = np.linalg.solve(design.T @ design, design.T @ values)  # 3 x 3 normal equations: x spans -1..1
    return design @ coef


def _moving_average(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average over ``width`` bins (the ends average what there is)."""
    if width <= 1:
        return values
    kernel = np.ones(width)
    num = np.stack([np.convolve(values[:, k], kernel, mode="same") for k in range(values.shape[1])], axis=1)
    den = np.convolve(np.ones(len(values)), kernel, mode="same")
    return num / den[:, None]


def _main_component(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The signal along the direction of largest variance of (belly, chest), signed so that the
    channel that moves more grows with it (the trunk thickens breathing in)."""
    centred = values - values.mean(axis=0)
    _, vecs = np.linalg.eigh(centred.T @ centred)
    w = vecs[:, -1]
    if w[np.argmax(np.abs(w))] < 0:
        w = -w
    return values @ w, w


def _crossings(t_ms: np.ndarray, x: np.ndarray, band: float) -> tuple[np.ndarray, np.ndarray]:
    """Times (ms) the signal crosses zero upward and downward, counted only when it goes on to
    leave the band +/- ``band`` on the other side (hysteresis): each crossing's time is
    interpolated where it last crossed zero before leaving the band."""
    level = np.where(x > band, 1, np.where(x < -band, -1, 0))
    outside = np.flatnonzero(level)
    if len(outside) < 2:
        return np.array([]), np.array([])
    sides = level[outside]
    change = np.flatnonzero(sides[1:] != sides[:-1]) + 1  # where the band is left on the other side
    at = outside[change]  # (index of the first sample beyond the band, +1 up / -1 down)
    rising = sides[change] > 0
    below = x < 0
    zero = np.flatnonzero(below[1:] != below[:-1]) + 1  # sample k: the sign changed between k-1 and k
    k = zero[np.searchsorted(zero, at, side="right") - 1]  # the last zero crossing up to there
    x0, x1 = x[k - 1], x[k]
    frac = np.divide(x0, x0 - x1, out=np.zeros_like(x0), where=x0 != x1)
    times = t_ms[k - 1] + frac * (t_ms[k] - t_ms[k - 1])
    return times[rising], times[~rising]


def _period_s(x: np.ndarray, bin_s: float, shortest_s: float, longest_s: float,
              peak_share: float) -> tuple[float | None, float]:
    """The breathing's period (s) from the signal's autocorrelation over the window, and how
    well the signal repeats at it (the autocorrelation there over that at lag 0: near 1 for
    regular breathing, near 0 for noise or a still body). The period is the first peak, between
    ``shortest_s`` and ``longest_s`` (and at most half the window), that reaches ``peak_share``
    of the highest peak there, refined by the parabola through its neighbours. Noise only lifts
    the autocorrelation at lag 0, and each breath's own length is averaged, so it holds where a
    crossing here or there is missed. (None, 0) when no peak is found."""
    x = x - x.mean()
    n = len(x)
    lo, hi = max(1, int(shortest_s / bin_s)), min(int(longest_s / bin_s), n // 2)
    if hi - lo < 2:
        return None, 0.0
    full = np.correlate(x, x, mode="full")[n - 1:]
    ac = full / n  # biased: long lags, resting on few products, weigh less when choosing the peak
    seg = ac[lo - 1:hi + 2]
    inner = seg[1:-1]
    peaks = np.flatnonzero((inner > seg[:-2]) & (inner >= seg[2:]) & (inner > 0)) + lo
    if len(peaks) == 0 or full[0] <= 0:
        return None, 0.0
    best = ac[peaks].max()
    k = int(peaks[np.argmax(ac[peaks] >= peak_share * best)])
    a, b, c = full[k - 1:k + 2] / (n - np.arange(k - 1, k + 2))  # unbiased where it is placed
    den = a - 2 * b + c
    shift = 0.5 * (a - c) / den if den != 0 else 0.0
    return (k + max(-1.0, min(1.0, shift))) * bin_s, float(b / (full[0] / n))


def _rate_bpm(ups: np.ndarray, downs: np.ndarray) -> float:
    """Breaths a minute from whole cycles between crossings of the same direction (both
    directions' cycles pooled)."""
    cycles = 0
    span_ms = 0.0
    for times in (ups, downs):
        if len(times) >= 2:
            cycles += len(times) - 1
            span_ms += float(times[-1] - times[0])
    return 60_000.0 * cycles / span_ms


def _phases(t_ms: np.ndarray, x: np.ndarray, ups: np.ndarray, downs: np.ndarray) -> tuple[float | None, float | None]:
    """Mean inhale and exhale lengths (s): from each trough (the lowest point between a
    downward and the next upward crossing) to the next peak, and from each peak to the next
    trough."""
    events = sorted([(t, 1) for t in ups] + [(t, -1) for t in downs])
    extremes: list[tuple[float, int]] = []  # (time ms, +1 peak / -1 trough)
    for (a, kind_a), (b, kind_b) in zip(events, events[1:], strict=False):
        lo, hi = np.searchsorted(t_ms, a, side="left"), np.searchsorted(t_ms, b, side="right")
        if kind_a == kind_b or hi <= lo:
            continue
        part = x[lo:hi]
        i = lo + int(np.argmax(part) if kind_a > 0 else np.argmin(part))
        extremes.append((_refined_time(t_ms, x, i), kind_a))
    inhales = [b - a for (a, ka), (b, kb) in zip(extremes, extremes[1:], strict=False) if ka < 0 < kb]
    exhales = [b - a for (a, ka), (b, kb) in zip(extremes, extremes[1:], strict=False) if ka > 0 > kb]
    return (round(sum(inhales) / len(inhales) / 1000.0, 2) if inhales else None,
            round(sum(exhales) / len(exhales) / 1000.0, 2) if exhales else None)


def _refined_time(t_ms: np.ndarray, x: np.ndarray, i: int) -> float:
    """The time of an extreme at bin ``i``, refined by the parabola through its neighbours."""
    if 0 < i < len(x) - 1:
        a, b, c = x[i - 1], x[i], x[i + 1]
        den = a - 2 * b + c
        if den != 0:
            shift = 0.5 * (a - c) / den
            if abs(shift) <= 1:
                return float(t_ms[i] + shift * (t_ms[i + 1] - t_ms[i]))
    return float(t_ms[i])


# --- the summary ----------------------------------------------------------------------------

SUMMARY_KEYS = ("rate_bpm", "inhale_s", "exhale_s", "pattern", "belly_share", "measured_s", "unknown_reason")


def breathing_summary(readings: Iterable[tuple[float, BreathingReading | None]],
                      belly_share_min: float | None = None) -> dict:
    """A segment's or a session's breathing from its frames' (t_ms, reading) pairs: the medians
    of the known readings' rate, inhale, exhale and belly share, the pattern of the median share
    (``belly_share_min``; without it, the known readings' most common pattern), ``measured_s``
    the seconds with a known reading, and ``unknown_reason`` the most common reason when no
    reading was known. Values are None when not known."""
    known: list[BreathingReading] = []
    reasons: Counter[str] = Counter()
    measured_ms = 0.0
    last: tuple[float, BreathingReading | None] | None = None
    for t_ms, reading in readings:
        if last is not None and last[1] is not None and last[1].state == KNOWN and t_ms > last[0]:
            measured_ms += t_ms - last[0]
        if reading is not None and reading.state == KNOWN:
            known.append(reading)
        elif reading is not None and reading.state == UNKNOWN and reading.reason:
            reasons[reading.reason] += 1
        last = (t_ms, reading)

    def median(name: str) -> float | None:
        vals = [getattr(r, name) for r in known if getattr(r, name) is not None]
        return round(float(np.median(vals)), 2 if name != "belly_share" else 3) if vals else None

    share = median("belly_share")
    if share is not None and belly_share_min is not None:
        pattern = BELLY if share >= belly_share_min else CHEST
    else:
        patterns = Counter(r.pattern for r in known if r.pattern)
        pattern = patterns.most_common(1)[0][0] if patterns else None
    return {"rate_bpm": median("rate_bpm"), "inhale_s": median("inhale_s"), "exhale_s": median("exhale_s"),
            "pattern": pattern, "belly_share": share, "measured_s": round(measured_ms / 1000.0, 1),
            "unknown_reason": None if known or not reasons else reasons.most_common(1)[0][0]}
