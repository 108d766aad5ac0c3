"""Timeline charts for the page (Altair, drawn in the browser): a measure over time, its
checks' bands shaded green, the failing stretches marked red, and the playback position."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from posecoach.reports.review import Timeline
from posecoach.reports.words import band_words, check_name, measure_name, unit_words

GOOD = "#2ecc40"
BAD = "#e63946"
LINE = "#1f4e79"


def _domain(tl: Timeline) -> tuple[float, float]:
    """The y range: the values seen and the band edges, with a little room."""
    values = tl.value[np.isfinite(tl.value)]
    edges = [e for b in tl.bands for e in (b.low, b.high) if e is not None]
    lo = min([*values.tolist(), *edges]) if len(values) or edges else 0.0
    hi = max([*values.tolist(), *edges]) if len(values) or edges else 1.0
    pad = max((hi - lo) * 0.08, 0.02 if tl.unit != "deg" else 2.0)
    return math.floor((lo - pad) * 100) / 100, math.ceil((hi + pad) * 100) / 100


# m:ss on the time axis (Vega expression; ``datum.value`` in seconds)
CLOCK_LABEL = "floor(datum.value / 60) + ':' + (floor(datum.value % 60) < 10 ? '0' : '') + floor(datum.value % 60)"
HEIGHT_PX = 230  # tall enough to read a band and its edges on a laptop


def timeline_chart(tl: Timeline, marker_s: float | None = None, height_px: int = HEIGHT_PX) -> alt.LayerChart:
    """One measure's chart; ``marker_s`` draws the playback position (s)."""
    lo, hi = _domain(tl)
    unit = unit_words(tl.unit)
    scale = alt.Scale(domain=[lo, hi], nice=False)
    y = alt.Y("value:Q", title=unit, scale=scale, axis=alt.Axis(tickCount=5, titleFontSize=12, labelFontSize=11))
    x = alt.X("t_s:Q", title="time into the session (m:ss)",
              axis=alt.Axis(labelExpr=CLOCK_LABEL, tickMinStep=1, titleFontSize=12, labelFontSize=11))
    t_end = float(tl.t_s[-1]) if len(tl.t_s) else 1.0
    bands = pd.DataFrame([{"check": check_name(tl.exercise, b.check), "y0": lo if b.low is None else b.low,
                           "y1": hi if b.high is None else b.high, "t0": 0.0, "t1": t_end} for b in tl.bands],
                         columns=["check", "y0", "y1", "t0", "t1"])
    edges = pd.DataFrame([{"edge": e, "check": check_name(tl.exercise, b.check)} for b in tl.bands
                          for e in (b.low, b.high) if e is not None], columns=["edge", "check"])
    fails = pd.DataFrame([{"check": check_name(tl.exercise, c), "t0": iv.start_s, "t1": iv.end_s} for c, iv in tl.fails],
                         columns=["check", "t0", "t1"])
    points = pd.DataFrame({"t_s": tl.t_s, "value": np.where(np.isfinite(tl.value), tl.value, None)})
    layers = [
        alt.Chart(bands).mark_rect(color=GOOD, opacity=0.16, clip=True).encode(
            x="t0:Q", x2="t1:Q", y=alt.Y("y0:Q", scale=scale), y2="y1:Q",
            tooltip=[alt.Tooltip("check:N", title="good band of")]),
        alt.Chart(edges).mark_rule(color=GOOD, strokeDash=[5, 3], strokeWidth=1.4, clip=True).encode(
            y=alt.Y("edge:Q", scale=scale), tooltip=[alt.Tooltip("check:N", title="edge of"),
                                                     alt.Tooltip("edge:Q", title=unit)]),
        alt.Chart(fails).mark_rect(color=BAD, opacity=0.22, clip=True).encode(
            x="t0:Q", x2="t1:Q",
            tooltip=[alt.Tooltip("check:N", title="failing"), alt.Tooltip("t0:Q", title="from s", format=".1f"),
                     alt.Tooltip("t1:Q", title="to s", format=".1f")]),
        alt.Chart(points).mark_line(color=LINE, strokeWidth=1.8, clip=True).encode(x=x, y=y),
    ]
    if marker_s is not None:
        layers.append(alt.Chart(pd.DataFrame({"t_s": [marker_s]})).mark_rule(color="#333", strokeDash=[4, 3]).encode(x="t_s:Q"))
    bands_said = [f"good for {check_name(tl.exercise, b.check)}: {band_words(b.low, b.high, tl.unit)}" for b in tl.bands]
    title = alt.TitleParams(f"{measure_name(tl.measure)} ({unit})", subtitle=bands_said or "", anchor="start", fontSize=13,
                            fontWeight="bold", subtitleFontSize=12, subtitleColor="#11612a")
    return alt.layer(*layers).properties(height=height_px, title=title)
