"""Timeline charts for the page (Altair, drawn in the browser): a measure over time, its
checks' bands shaded green, the failing stretches marked red, and the playback position."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from posecoach.review import Timeline

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


def timeline_chart(tl: Timeline, marker_s: float | None = None, height_px: int = 150) -> alt.LayerChart:
    """One measure's chart; ``marker_s`` draws the playback position."""
    lo, hi = _domain(tl)
    unit = "degrees" if tl.unit == "deg" else tl.unit
    y = alt.Y("value:Q", title=None, scale=alt.Scale(domain=[lo, hi]))
    x = alt.X("t_s:Q", title="time (s)")
    t_end = float(tl.t_s[-1]) if len(tl.t_s) else 1.0
    bands = pd.DataFrame([{"check": b.check, "y0": lo if b.low is None else b.low, "y1": hi if b.high is None else b.high,
                           "t0": 0.0, "t1": t_end} for b in tl.bands])
    fails = pd.DataFrame([{"check": c, "t0": iv.start_s, "t1": iv.end_s} for c, iv in tl.fails],
                         columns=["check", "t0", "t1"])
    points = pd.DataFrame({"t_s": tl.t_s, "value": np.where(np.isfinite(tl.value), tl.value, None)})
    layers = [
        alt.Chart(bands).mark_rect(color=GOOD, opacity=0.14).encode(
            x="t0:Q", x2="t1:Q", y=alt.Y("y0:Q", scale=alt.Scale(domain=[lo, hi])), y2="y1:Q",
            tooltip=[alt.Tooltip("check:N", title="band of")]),
        alt.Chart(fails).mark_rect(color=BAD, opacity=0.22).encode(
            x="t0:Q", x2="t1:Q",
            tooltip=[alt.Tooltip("check:N", title="failing"), alt.Tooltip("t0:Q", title="from s", format=".1f"),
                     alt.Tooltip("t1:Q", title="to s", format=".1f")]),
        alt.Chart(points).mark_line(color=LINE, strokeWidth=1.6).encode(x=x, y=y),
    ]
    if marker_s is not None:
        layers.append(alt.Chart(pd.DataFrame({"t_s": [marker_s]})).mark_rule(color="#333", strokeDash=[4, 3]).encode(x="t_s:Q"))
    title = alt.TitleParams(f"{tl.measure.replace('_', ' ')} ({unit})", anchor="start", fontSize=13, fontWeight="normal")
    return alt.layer(*layers).properties(height=height_px, title=title)
