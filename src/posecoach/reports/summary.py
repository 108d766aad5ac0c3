"""A one-page printable summary of a reviewed session, for a patient to bring to their physiotherapist.

The page is self-contained HTML: inline CSS and inline SVG charts drawn with matplotlib on an
Agg canvas (no pyplot, so no GUI backend and no global figure state), no scripts, no external
resources.
The same review gives the same page, byte for byte. Times on the page are m:ss from the
session's start, as in the review's timelines.
"""

from __future__ import annotations

import html
import io
import math
import re
import threading
from collections.abc import Sequence
from typing import Protocol

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from posecoach.adapters.store.breathing import StoredBreathing
from posecoach.core.checks import CheckSpec
from posecoach.core.holds import HoldSet
from posecoach.exercises.catalogue import ExerciseSpec
from posecoach.reports.notices import PRIVACY, SAFETY_NOTES
from posecoach.reports.review import CheckTime, Fault, Review, Timeline, runs_of
from posecoach.reports.words import (
    breathing_row,
    breathing_summary_words,
    clock_s,
    side_short,
    side_words,
    when_words,
)

MAX_FAULTS = 5
CHART_POINTS = 100_000  # every frame: long sessions are drawn per time bin (``CHART_BINS``)
CHART_BINS = 160  # a chart's plot is about 45 mm wide: a bin is under 0.3 mm
MIN_SECTION_S = 5.0  # an exercise seen for less (beside a longer one) is listed, not summarised
CHART_SIZE_IN = (2.45, 1.2)
BAND_GREEN = "#2e7d32"
FAIL_RED = "#c62828"
LINE_BLUE = "#1f3f6e"
_SVG_LOCK = threading.Lock()  # svg.hashsalt is a global rc setting

NOT_ADVICE = "This summary is not a diagnosis: it shows what the camera measured, to discuss with your physiotherapist."
GENERATED_HERE = "Generated on this computer by posecoach."


class SessionLike(Protocol):
    """The session header fields the summary shows (a stored ``SessionInfo`` has them)."""

    @property
    def started(self) -> str: ...

    @property
    def model(self) -> str | None: ...

    @property
    def source(self) -> str | None: ...

    @property
    def duration_s(self) -> float: ...


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)



def source_words(source: str | None) -> str:
    """Where the frames came from: "live camera" or the video file's name."""
    kind, _, name = (source or "webcam").partition(":")
    if kind == "webcam":
        return "live camera"
    words = {"clip": "sample clip", "upload": "video file", "file": "video file"}
    return f"{words.get(kind, kind)} {name}".strip()


def seconds_words(seconds: float) -> str:
    """A duration: "4.2 s" under a minute, else m:ss."""
    return f"{seconds:.1f} s" if seconds < 60 else clock_s(seconds)


def check_label(check_id: str) -> str:
    return check_id.replace("_", " ").capitalize()


def measure_label(measure: str) -> str:
    return measure.replace("_", " ").capitalize()


def unit_words(unit: str) -> str:
    return "degrees" if unit == "deg" else unit


def value_words(value: float | None, unit: str) -> str:
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:.0f}°" if unit == "deg" else f"{value:.2f} {unit}"


def range_words(low: float | None, high: float | None, unit: str) -> str:
    """A band in words, e.g. "80 to 100°", "at least -10°", "at most 0.13"."""
    def num(v: float) -> str:
        return f"{v:g}°" if unit == "deg" else f"{v:g}"

    if low is not None and high is not None:
        return f"{low:g} to {num(high)}" if low <= high else "none (the checks disagree)"
    if low is not None:
        return f"at least {num(low)}"
    return "any" if high is None else f"at most {num(high)}"


# ---- charts -------------------------------------------------------------------------------

def _good_range(tl: Timeline) -> tuple[float | None, float | None]:
    """Where every check on the measure passes: the bands' intersection (open edges None)."""
    lows = [b.low for b in tl.bands if b.low is not None]
    highs = [b.high for b in tl.bands if b.high is not None]
    return (max(lows) if lows else None), (min(highs) if highs else None)


def merged_fails(tl: Timeline) -> list[tuple[float, float]]:
    """The failing intervals of all checks on the measure, overlapping ones merged."""
    spans = sorted((iv.start_s, iv.end_s) for _, iv in tl.fails)
    out: list[tuple[float, float]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _y_limits(values: np.ndarray, low: float | None, high: float | None) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    points = [float(finite.min()), float(finite.max())] if finite.size else []
    points += [v for v in (low, high) if v is not None]
    if not points:
        return 0.0, 1.0
    lo, hi = min(points), max(points)
    pad = max(0.08 * (hi - lo), 0.02 if hi - lo < 1 else 1.0)
    return lo - pad, hi + pad


def _svg_text(fig: Figure, prefix: str, label: str) -> str:
    """The figure as an inline <svg> element: no XML prologue, metadata or namespace URLs, and
    its ids prefixed so that several charts can share one page."""
    buf = io.StringIO()
    with _SVG_LOCK, matplotlib.rc_context({"svg.hashsalt": "posecoach", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text)
    text = re.sub(r'(<svg[^>]*?)\s+width="[^"]*"\s+height="[^"]*"', r"\1", text, count=1)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', text)
    text = re.sub(r'(url\(|href=")#([^)"]+)', rf"\1#{prefix}\2", text)
    return text.replace("<svg", f'<svg class="chart" role="img" aria-label="{_e(label)}"', 1)


def time_step_s(t_end_s: float, max_ticks: int = 5) -> float:
    """A round tick step (1 s ... 30 min) giving at most ``max_ticks`` ticks."""
    for step in (1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800):
        if t_end_s / step < max_ticks:
            return float(step)
    return 3600.0


def envelope(t_s: np.ndarray, value: np.ndarray, t_end_s: float, bins: int) -> tuple[np.ndarray, ...]:
    """Per time bin: centre, lowest, highest and mean value (NaN in a bin without one)."""
    edges_s = np.linspace(0.0, max(t_end_s, 1e-9), bins + 1)
    ok = np.isfinite(value)
    idx = np.clip(np.searchsorted(edges_s, t_s[ok], side="right") - 1, 0, bins - 1)
    v = value[ok]
    lo, hi = np.full(bins, np.inf), np.full(bins, -np.inf)
    np.minimum.at(lo, idx, v)
    np.maximum.at(hi, idx, v)
    n = np.bincount(idx, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(idx, weights=v, minlength=bins) / n
    empty = n == 0
    lo[empty], hi[empty], mean[empty] = np.nan, np.nan, np.nan
    return (edges_s[:-1] + edges_s[1:]) / 2, lo, hi, mean


def fail_layers(fails: Sequence[tuple[float, float]], t_end_s: float, bins: int,
                levels: int = 3) -> list[list[tuple[float, float]]]:
    """Failing time as layers of (start_s, end_s) runs over time bins: layer k holds the bins
    failing more than k/levels of their time. Stacked, a short session shows each fail and a
    long one how much of each stretch failed, each layer one shape without seams."""
    if not fails or t_end_s <= 0:
        return []
    edges_s = np.linspace(0.0, t_end_s, bins + 1)
    a = np.array([f[0] for f in fails])[:, None]
    b = np.array([f[1] for f in fails])[:, None]
    covered_s = np.clip(np.minimum(b, edges_s[1:]) - np.maximum(a, edges_s[:-1]), 0.0, None).sum(axis=0)
    share = covered_s / (edges_s[1] - edges_s[0])
    layers = []
    for k in range(levels):
        on = share > k / levels + 1e-9
        layers.append([(iv.start_s, iv.end_s) for iv in runs_of(on, edges_s[:-1], np.diff(edges_s))])
    return [layer for layer in layers if layer]


def timeline_svg(tl: Timeline, t_end_s: float, bins: int = CHART_BINS) -> str:
    """A small chart of one measure: the good range shaded green, failing time in red; a long
    session drawn as each time bin's range of values and its mean."""
    fig = Figure(figsize=CHART_SIZE_IN, dpi=72)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.2, 0.2, 0.77, 0.66))
    t_end_s = max(t_end_s, 1.0)
    low, high = _good_range(tl)
    y0, y1 = _y_limits(tl.value, low, high)
    if low is None or high is None or low <= high:
        ax.axhspan(y0 if low is None else low, y1 if high is None else high, color=BAND_GREEN, alpha=0.16, lw=0)
    for edge in sorted({b for band in tl.bands for b in (band.low, band.high) if b is not None}):
        ax.axhline(edge, color=BAND_GREEN, lw=0.6, ls=(0, (3, 2)))
    for layer in fail_layers(merged_fails(tl), t_end_s, bins):
        ax.broken_barh([(a, b - a) for a, b in layer], (0, 1), transform=ax.get_xaxis_transform(),
                       color=FAIL_RED, alpha=0.12, lw=0)
    if len(tl.t_s) > 2 * bins:
        centre_s, lo, hi, mean = envelope(tl.t_s, tl.value, t_end_s, bins)
        ax.fill_between(centre_s, lo, hi, color=LINE_BLUE, alpha=0.3, lw=0)
        ax.plot(centre_s, mean, color=LINE_BLUE, lw=0.8)
    else:
        ax.plot(tl.t_s, tl.value, color=LINE_BLUE, lw=0.9)
    if not np.isfinite(tl.value).any():
        ax.text(0.5, 0.5, "not measured", transform=ax.transAxes, ha="center", va="center", fontsize=7, color="#666")
    ax.set_xlim(0.0, t_end_s)
    ax.set_ylim(y0, y1)
    ax.set_title(f"{measure_label(tl.measure)} · good: {range_words(low, high, tl.unit)}", fontsize=7.5, loc="left", pad=2)
    ax.set_ylabel(unit_words(tl.unit), fontsize=6.5, labelpad=1)
    ax.xaxis.set_major_locator(MultipleLocator(time_step_s(t_end_s)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda s, _: clock_s(s)))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.tick_params(labelsize=6.5, length=2, pad=1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _svg_text(fig, f"{tl.exercise}-{tl.measure}-", f"{measure_label(tl.measure)} over the session")


# ---- sections -----------------------------------------------------------------------------

def _side_name(exercise: str, side: str | None) -> str:
    if side is None:
        return "Whole exercise"
    return side_words(exercise, side) or side.capitalize()


def holds_html(spec: ExerciseSpec, sets: Sequence[HoldSet]) -> str:
    """Per side: the best set's good-form time against the target, done or not, sets and reps."""
    if not sets:
        return '<p class="muted">No hold was started: the side or the pose could not be made out long enough.</p>'
    show_reps = spec.reps_check is not None or any(s.reps for s in sets)
    rows = []
    for side in dict.fromkeys(s.side for s in sets):
        mine = [s for s in sets if s.side == side]
        best = max(mine, key=lambda s: s.good_form_s)
        done = any(s.complete for s in mine)
        reps = f"<td>{sum(s.reps for s in mine)}</td>" if show_reps else ""
        rows.append(f"<tr><td>{_e(_side_name(spec.id, side))}</td>"
                    f"<td class=num>{clock_s(best.good_form_s)} of {clock_s(best.target_s)}</td>"
                    f'<td class="{"ok" if done else "no"}">{"✓ complete" if done else "not complete"}</td>'
                    f"<td class=num>{len(mine)}</td>{reps}</tr>")
    head = ("<th>Side</th><th>Good-form hold (best set)</th><th>Target reached</th><th>Sets</th>"
            + ("<th>Reps</th>" if show_reps else ""))
    return f'<table class="holds"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _share_html(share: float | None) -> str:
    if share is None:
        return '<td class="num muted">—</td>'
    pct = round(100 * share)
    return f'<td class="num"><span class="bar"><span style="width:{pct}%"></span></span>{pct}%</td>'


def checks_html(spec: ExerciseSpec, times: Sequence[CheckTime]) -> str:
    """Each check's seconds passed, failed and unseen, its share of judged time, and why it matters."""
    rows = []
    for ct in times:
        check: CheckSpec = spec.check(ct.check)
        optional = "" if ct.required else ' <span class="muted">(optional)</span>'
        rows.append(f"<tr><td>{_e(check_label(ct.check))}{optional}</td>"
                    f"<td class=num>{seconds_words(ct.pass_s)}</td><td class=num>{seconds_words(ct.fail_s)}</td>"
                    f"<td class=num>{seconds_words(ct.unknown_s)}</td>{_share_html(ct.pass_share)}"
                    f'<td class="why">{_e(check.why)}</td></tr>')
    cols = '<colgroup><col class="name"><col class="s"><col class="s"><col class="s"><col class="share"><col></colgroup>'
    head = ("<th>Check</th><th>Good</th><th>Fix</th><th>Unseen</th><th>Good share</th>"
            "<th>Why it matters</th>")
    return f'<table class="checks">{cols}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def longest_faults(faults: Sequence[Fault], n: int = MAX_FAULTS) -> list[Fault]:
    """The ``n`` longest faults, in time order."""
    longest = sorted(faults, key=lambda f: (-f.duration_s, f.start_s, f.check))[:n]
    return sorted(longest, key=lambda f: (f.start_s, f.check))


def faults_html(faults: Sequence[Fault], units: dict[str, str], total: int) -> str:
    if not faults:
        return '<p class="muted">No fault lasted half a second or more.</p>'
    rows = []
    for f in faults:
        worst = value_words(f.worst, units.get(f.measure or "", "deg"))
        worst_text = f"{measure_label(f.measure)} {worst}" if f.measure and worst else ""
        rows.append(f"<tr><td class=num>{clock_s(f.start_s)}–{clock_s(f.end_s)}</td>"
                    f"<td class=num>{seconds_words(f.duration_s)}</td><td>{_e(check_label(f.check))}</td>"
                    f"<td>{_e(f.cue)}</td><td class=num>{_e(worst_text)}</td></tr>")
    more = f" (the {len(faults)} longest of {total})" if total > len(faults) else ""
    cols = '<colgroup><col class="when"><col class="long"><col class="check"><col><col class="worst"></colgroup>'
    head = "<th>When</th><th>How long</th><th>Check</th><th>What posecoach said</th><th>Worst</th>"
    return (f'<p class="sub">Longest faults{_e(more)}</p>'
            f'<table class="faults">{cols}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def exercise_html(review: Review, exercise: str, time_s: float, t_end_s: float,
                  all_faults: Sequence[Fault], all_times: Sequence[CheckTime]) -> str:
    """One exercise: holds, checks, longest faults and a chart per measure."""
    spec = review.catalogue[exercise]
    timelines = review.timelines(exercise, max_points=CHART_POINTS)
    units = {tl.measure: tl.unit for tl in timelines}
    faults = [f for f in all_faults if f.exercise == exercise]
    times = [ct for ct in all_times if ct.exercise == exercise]
    sets = [s for s in review.holds if s.exercise == exercise]
    charts = "".join(f'<figure class="chart">{timeline_svg(tl, t_end_s)}</figure>' for tl in timelines)
    return (f'<section class="exercise"><div class="top"><h2>{_e(spec.name)} <span class="muted">· {clock_s(time_s)}'
            f' in the pose</span></h2>{holds_html(spec, sets)}{checks_html(spec, times)}</div>'
            f"{faults_html(longest_faults(faults), units, len(faults))}"
            f'<div class="charts">{charts}</div><p class="legend">{_e(CHART_LEGEND)}</p></section>')


BREATHING_NOTE = ("Breathing is read from the rise and fall of the belly and the chest in the camera picture, "
                  "side-on, while a rest position or knee to chest is held.")


def breathing_html(whole: StoredBreathing | None, segments: Sequence[StoredBreathing],
                   names: dict[str, str], sided: frozenset[str] = frozenset()) -> str:
    """The session's breathing in the rest positions: the whole session in one line, then each
    position held (``names``: exercise id -> its name; the side said for the ``sided`` ones) with
    its breaths a minute, in and out seconds, belly or chest, and the time measured; "" when no
    rest position was held."""
    if whole is None:
        return ""
    rows = []
    for seg in segments:
        cells = breathing_row(seg.rate_bpm, seg.inhale_s, seg.exhale_s, seg.pattern, seg.belly_share, seg.measured_s,
                              seg.unknown_reason)
        name = names.get(seg.exercise or "", (seg.exercise or "").replace("_", " "))
        side = side_short(seg.exercise, seg.side) if seg.exercise in sided else ""
        side = f" ({side[0].lower()}{side[1:]})" if side else ""
        rows.append(f"<tr><td>{_e(name + side)}</td><td class=num>{clock_s((seg.start_ms or 0) / 1000)}–"
                    f"{clock_s((seg.end_ms or 0) / 1000)}</td><td class=num>{_e(cells['breaths a minute'])}</td>"
                    f"<td class=num>{_e(cells['in / out'])}</td><td>{_e(cells['where'])}</td>"
                    f"<td class=num>{_e(cells['measured'])}</td></tr>")
    head = ("<th>Position</th><th>When</th><th>Breaths a minute</th><th>In / out</th><th>Where the breath goes</th>"
            "<th>Measured</th>")
    return (f'<section class="breathing"><h2>Breathing in the rest positions</h2>'
            f'<p><b>{_e(breathing_summary_words(whole.summary()))}</b></p>'
            f'<table class="breaths"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="legend">{_e(BREATHING_NOTE)}</p></section>')


def header_html(info: SessionLike, person_name: str, profile_label: str, differences: Sequence[str]) -> str:
    fields = [("Person", person_name), ("Date", when_words(info.started)), ("Duration", clock_s(info.duration_s)),
              ("Profile", profile_label), ("Pose model", f"MediaPipe Pose Landmarker, {info.model or 'unknown'}"),
              ("Source", source_words(info.source))]
    cells = "".join(f'<div class="{k.split()[0].lower()}"><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>' for k, v in fields)
    tuned = ""
    if differences:
        items = "".join(f"<li>{_e(d)}</li>" for d in differences)
        tuned = f'<div class="tuned"><span class="sub">Tuned settings</span><ul>{items}</ul></div>'
    return f"<header><h1>posecoach session summary</h1><dl>{cells}</dl>{tuned}</header>"


CHART_LEGEND = ("The line: the measure over the session (a long session: each moment's range and mean). Green: the "
                "range that passes. Red: time a check failed. Gaps: the exercise not done or not seen. Angles are "
                "degrees in the camera picture; distances are trunk lengths (hip to shoulder).")


def footer_html() -> str:
    notes = " ".join(_e(n) for n in SAFETY_NOTES)
    return (f'<footer><p class="safety"><b>Safety.</b> {notes} {_e(NOT_ADVICE)}</p>'
            f'<p class="privacy">{_e(GENERATED_HERE)} {_e(PRIVACY)}</p></footer>')


CSS = """
@page { size: portrait; margin: 11mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 186mm; font: 8.5pt/1.3 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #111; }
h1 { font-size: 14pt; margin: 0 0 1.5mm; }
h2 { font-size: 11pt; margin: 3mm 0 1.5mm; padding-top: 1.5mm; border-top: 1.5pt solid #1f3f6e; }
dl { display: grid; grid-template-columns: 1.25fr 1fr 0.75fr; gap: 0.5mm 4mm; margin: 0; } dl .pose { grid-column: span 2; }
dl .source { grid-column: 1 / -1; }
dt { display: inline; color: #555; } dt::after { content: ": "; } dd { display: inline; margin: 0; font-weight: 600; }
.tuned { margin-top: 1mm; font-size: 7.5pt; } .tuned ul { margin: 0; padding-left: 4mm; columns: 2; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 2mm; }
th { text-align: left; font-weight: 600; color: #333; border-bottom: 0.75pt solid #888; padding: 0.6mm 1.2mm; }
td { border-bottom: 0.5pt solid #ddd; padding: 0.6mm 1.2mm; vertical-align: top; }
td.num { white-space: nowrap; } td.why { font-size: 7.5pt; color: #333; }
table.holds { width: auto; } .ok { color: #2e7d32; font-weight: 600; } .no { color: #8a4b00; }
.bar { display: inline-block; width: 9mm; height: 2mm; background: #f3c5c5; margin-right: 1mm; vertical-align: -0.2mm; }
.bar span { display: block; height: 100%; background: #2e7d32; }
.muted { color: #666; font-weight: normal; } .sub { font-weight: 600; margin: 1mm 0 0; }
.charts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1mm 3mm; }
figure.chart { margin: 0; break-inside: avoid; } svg.chart { width: 100%; height: auto; display: block; }
section.exercise { break-inside: auto; } .top { break-inside: avoid; } table, tr, .charts { break-inside: avoid; }
h2, .sub { break-after: avoid; }
table.checks, table.faults { table-layout: fixed; }
table.checks col.name, table.faults col.check { width: 27mm; } table.checks col.s { width: 14.5mm; }
table.checks col.share { width: 23mm; } table.faults col.when { width: 18mm; } table.faults col.long { width: 14mm; }
table.faults col.worst { width: 25mm; }
section.breathing { break-inside: avoid; } section.breathing p { margin: 0.5mm 0; }
.legend { font-size: 7pt; color: #444; margin: 0.5mm 0 0; }
footer { margin-top: 2mm; border-top: 0.75pt solid #888; padding-top: 1mm; font-size: 7pt; break-inside: avoid; }
footer p { margin: 0 0 1mm; } .privacy { color: #555; }
@media screen { body { padding: 8mm; } }
"""


def summary_html(review: Review, info: SessionLike, person_name: str, profile_label: str,
                 differences: Sequence[str] = (), min_section_s: float = MIN_SECTION_S, progress_html: str = "",
                 breathing: tuple[StoredBreathing | None, Sequence[StoredBreathing]] = (None, ())) -> str:
    """The session as one printable, self-contained HTML page (most-practised exercise first);
    ``breathing``, the session's stored breathing (whole, per segment), follows the exercises;
    ``progress_html``, the person's progress (plan, trends, pain), goes before the footer."""
    t_end_s = float(review.t_s[-1] + review.dur_s[-1]) if len(review.t_s) else 0.0
    time_s = {e: float(review.dur_s[review.exercise_mask(e)].sum()) for e in review.exercises()}
    shown = [e for i, e in enumerate(time_s) if i == 0 or time_s[e] >= min_section_s]
    brief = [e for e in time_s if e not in shown]
    body = [header_html(info, person_name, profile_label, differences)]
    if not shown:
        body.append('<p class="muted">No exercise was recognised in this session.</p>')
    faults, times = review.faults(), review.check_times()
    body += [exercise_html(review, e, time_s[e], t_end_s, faults, times) for e in shown]
    if brief:
        words = ", ".join(f"{review.catalogue[e].name} ({seconds_words(time_s[e])})" for e in brief)
        body.append(f'<p class="muted">Also seen briefly, not summarised: {_e(words)}.</p>')
    names = {e: spec.name for e, spec in review.catalogue.exercises.items()}
    sided = frozenset(e for e, spec in review.catalogue.exercises.items() if spec.each_side)
    body.append(breathing_html(breathing[0], breathing[1], names, sided))
    if progress_html:
        body.append(progress_html)
    body.append(footer_html())
    title = f"posecoach session summary · {person_name} · {when_words(info.started)}"
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>{''.join(body)}</body></html>\n")
