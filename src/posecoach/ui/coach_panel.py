"""The Coach page's panels as HTML a person reads from the mat: the live state in large,
high-contrast type, the instruction card before Start, and the session summary after Stop.

The HTML builders are pure functions (tested without a browser); ``show_*`` put them on the page.
"""

from __future__ import annotations

import functools
import html
import json
import math
from pathlib import Path

import streamlit as st

from posecoach.core.breathing import BreathingReading
from posecoach.core.setup import SetupStatus, ready_words
from posecoach.exercises.catalogue import Catalogue
from posecoach.reports.instructions import instructions
from posecoach.reports.words import breathing_summary_words, breathing_words, clock_s
from posecoach.services.live_state import DONE, FIX, GOOD, INFO, CoachView, SessionSummary
from posecoach.ui.sources import sample_clips

# Background colours behind white type: each at least 7:1 contrast (WCAG AAA) with white.
TONE_BG = {GOOD: "#11612a", FIX: "#9b1218", INFO: "#1d3557", DONE: "#11612a"}
BUSY_FPS = 10.0  # judged frames a second below which the page says the computer is busy
MIN_SHOWN_HOLD_S = 1.0  # a set with less good form than this is a moment read as a side, not a hold

CSS = """
<style>
.pc-head{color:#fff;border-radius:0.6rem;padding:0.5rem 0.9rem 0.6rem;margin:0 0 0.5rem 0}
.pc-head .posecoach-cue{font-size:clamp(1.9rem,4.6vh,3.1rem);font-weight:800;line-height:1.12}
.pc-head .pc-detail{font-size:clamp(1.1rem,2.6vh,1.6rem);font-weight:600;line-height:1.2;margin-top:0.2rem;opacity:0.95}
.pc-timer{font-size:clamp(2.6rem,8.5vh,5.4rem);font-weight:800;line-height:1;font-variant-numeric:tabular-nums;
  color:#111;margin:0.2rem 0 0.1rem 0}
.pc-timer .pc-of{font-size:0.45em;font-weight:700;color:#333}
.pc-side{font-size:clamp(1.1rem,2.8vh,1.7rem);font-weight:700;color:#111;line-height:1.2;margin:0.2rem 0 0.4rem 0}
.pc-name{font-size:clamp(1rem,2.2vh,1.3rem);font-weight:600;color:#333}
.pc-checks{list-style:none;padding:0;margin:0.3rem 0;font-size:clamp(1rem,2.3vh,1.35rem);font-weight:600;line-height:1.35}
.pc-checks li{margin:0}
.pc-pass{color:#11612a}.pc-fail{color:#9b1218}.pc-unknown{color:#555}
.pc-tip{font-size:clamp(0.95rem,2vh,1.2rem);color:#5a3b00;font-weight:600}
.pc-routine{background:#eef1f6;color:#111;border-radius:0.5rem;padding:0.35rem 0.7rem;margin-bottom:0.4rem;
  font-size:clamp(1rem,2.3vh,1.35rem);font-weight:700}
.pc-routine .pc-how{font-weight:500;font-size:0.85em}
.pc-bar{height:0.55rem;background:#c9d1de;border-radius:0.3rem;margin-top:0.25rem;overflow:hidden}
.pc-bar span{display:block;height:100%;background:#11612a}
.pc-setup{list-style:none;padding:0;margin:0.2rem 0;font-size:clamp(1.05rem,2.5vh,1.45rem);font-weight:700;line-height:1.4}
.pc-small{font-size:0.9rem;color:#333}
.pc-card h3{margin:0 0 0.3rem 0}
.pc-breathing{font-size:clamp(1.2rem,3.1vh,1.9rem);font-weight:700;color:#0d2b3e;line-height:1.25;margin:0.45rem 0 0.35rem 0}
.pc-breathing.pc-unknown{color:#555}
</style>
"""

PAGE_CSS = """
<style>
[data-testid="stMainBlockContainer"], .block-container{padding-top:1.2rem}
[data-testid="stMainBlockContainer"] h1{font-size:2rem;padding:0.2rem 0 0.4rem 0}
</style>
"""

FOCUS_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"]{display:none}
[data-testid="stMainBlockContainer"], .block-container{padding-top:0.6rem;padding-bottom:0.4rem;max-width:100%}
iframe[title^="streamlit_webrtc"], [data-testid="stCustomComponentV1"]{max-width:calc((100vh - 90px) * 4 / 3)}
[data-testid="stColumn"] [data-testid="stVerticalBlock"]{gap:0.45rem}
[data-testid="stExpander"] summary{padding-top:0.3rem;padding-bottom:0.3rem}
</style>
"""

_MARK = {"pass": "✓", "fail": "✗", "unknown": "?"}
_VERDICT_WORD = {"pass": "good", "fail": "fix", "unknown": "can't see"}


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def head_html(tone: str, headline: str, detail: str = "") -> str:
    """The one headline, white on its tone's colour (``posecoach-cue`` holds the words)."""
    extra = f'<div class="pc-detail">{_e(detail)}</div>' if detail else ""
    return (f'<div class="pc-head pc-tone-{tone}" style="background:{TONE_BG.get(tone, TONE_BG[INFO])}">'
            f'<div class="posecoach-cue">{_e(headline)}</div>{extra}</div>')


def setup_html(setup: SetupStatus, view: str) -> str:
    """The set-up check as a list a person ticks off from the mat."""
    rows = "".join(f'<li class="pc-{"pass" if i.ok else "fail"}">{_MARK["pass" if i.ok else "fail"]} '
                   f'{_e(i.label)}</li>' for i in setup.items)
    goal = ready_words(view)
    return (f'<div class="pc-small">Set-up check: the timer starts when “{_e(goal)}” is ticked off.</div>'
            f'<ul class="pc-setup">{rows}</ul>')


def view_html(view: CoachView, exercise_view: str = "side") -> str:
    """The live panel: routine progress, the headline, the timer (or the set-up check), the side, the checks."""
    parts = []
    if view.routine is not None:
        r = view.routine
        pct = 100.0 * r.done / r.total if r.total else 0.0
        parts.append(f'<div class="pc-routine">{_e(r.step_words)} · {r.done} of {r.total} done'
                     f'<div class="pc-bar"><span style="width:{pct:.0f}%"></span></div></div>')
    parts.append(head_html(view.tone, view.headline, view.detail))
    if view.exercise_name and view.setup is not None and not view.ready:  # the set-up check, nothing else yet
        parts.append(setup_html(view.setup, exercise_view))
        parts.append(f'<div class="pc-name">{_e(view.exercise_name)}</div>')
    elif view.exercise_name:
        if view.timer:
            got, _, target = view.timer.partition(" of ")
            parts.append(f'<div class="pc-timer">{_e(got)} <span class="pc-of">of {_e(target)}</span></div>')
        if view.side:
            parts.append(f'<div class="pc-side">{_e(view.side)}</div>')
        parts.append(f'<div class="pc-name">{_e(view.exercise_name)}</div>')
        if view.checks:
            rows = "".join(
                f'<li class="pc-{c.verdict}">{_MARK.get(c.verdict, "?")} {_e(c.name)}'
                f'{"" if c.required else " <span class=pc-small>(optional)</span>"}'
                f' <span class="pc-small">{_VERDICT_WORD.get(c.verdict, "")}</span></li>'
                for c in view.checks)
            parts.append(f'<ul class="pc-checks">{rows}</ul>')
        if view.tip:
            parts.append(f'<div class="pc-tip">Tip: {_e(view.tip)}</div>')
    return "".join(parts)


def breathing_words_of(reading: BreathingReading) -> str:
    """The live breathing readout's words for a reading."""
    return breathing_words(reading.state, reading.rate_bpm, reading.pattern, reading.reason)


def breathing_html(reading: BreathingReading) -> str:
    """The live breathing readout (``reading`` a core.breathing BreathingReading): one line in
    large type, grey while it cannot be read."""
    words = breathing_words_of(reading)
    kind = "pc-unknown" if reading.state == "unknown" else ""
    return f'<div class="pc-breathing {kind}" data-testid="posecoach-breathing">{_e(words)}</div>'


def summary_html(summary: SessionSummary, saved: bool) -> str:
    """After Stop: how long, the holds per side, the main fault with its fix."""
    parts = [head_html(DONE, "Session done", f"{clock_s(summary.seconds)} coached"
                       + (" · saved" if saved else " · not stored"))]
    holds = [h for h in summary.holds if h.complete or h.good_form_s >= MIN_SHOWN_HOLD_S]
    if holds:
        rows = "".join(
            f'<li class="pc-{"pass" if h.complete else "unknown"}">{"✓" if h.complete else "–"} '
            f'{_e(h.exercise_name)}{" (" + _e(h.side[0].lower() + h.side[1:]) + ")" if h.side else ""}: '
            f'{clock_s(h.good_form_s)} of {clock_s(h.target_s)}{" complete" if h.complete else ""}</li>'
            for h in holds)
        parts.append(f'<div class="pc-side">Holds</div><ul class="pc-checks">{rows}</ul>')
    else:
        parts.append('<div class="pc-side">No hold this time.</div>')
    if summary.fault is not None:
        f = summary.fault
        parts.append(f'<div class="pc-side">Main thing to fix: {_e(f.name)}</div>'
                     f'<div class="pc-tip">Fix: {_e(f.fix)}</div>'
                     f'<div class="pc-small">{_e(f.why)} (for {clock_s(f.fail_s)} of the session, '
                     f'first at {clock_s(f.first_s)})</div>')
    else:
        parts.append('<div class="pc-small">No fault held you back for more than a second.</div>')
    return "".join(parts)


def busy_words(processed_fps: float, model: str) -> str | None:
    """Plain words when the computer is busy (None when it keeps up)."""
    if processed_fps <= 0 or processed_fps >= BUSY_FPS:
        return None
    return (f"This computer is busy: form checked {processed_fps:.0f} times a second, {model} model kept; "
            "timer in real seconds.")


@functools.cache
def _hold_window_s(truth: Path) -> tuple[float, float] | None:
    """(start, end) seconds of a rendered clip's held position, from its truth file."""
    try:
        doc = json.loads(truth.read_text(encoding="utf-8"))
        held = [i for i, f in enumerate(doc["frames"]) if f.get("phase") == "hold"]
        fps = float(doc["fps"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (held[0] / fps, held[-1] / fps) if held else None


def demo_for(exercise: str) -> tuple[Path, int, int] | None:
    """The rendered demo clip of ``exercise`` and the whole seconds of its held position."""
    clip = next((c for c in sample_clips() if c.demo and c.exercise == exercise), None)
    if clip is None:
        return None
    window = _hold_window_s(clip.path.with_name(clip.path.stem + ".truth.json"))
    if window is None:
        return clip.path, 0, 0
    return clip.path, math.ceil(window[0]), max(math.ceil(window[0]) + 1, math.floor(window[1]))


def card_html(exercise: str, catalogue: Catalogue) -> str:
    """The instruction card's words: how to get in, where the camera goes, the safety lines."""
    card = instructions(exercise)
    spec = catalogue.exercises.get(exercise)
    if card is None or spec is None:
        return ""
    steps = "".join(f"<li>{_e(s)}</li>" for s in card.steps)
    safety = "".join(f"<li>{_e(s)}</li>" for s in card.all_safety())
    side = " Then the other side." if spec.each_side else ""
    return (f'<div class="pc-card"><h3>{_e(spec.name)}</h3>'
            f'<b>Get into it</b><ol>{steps}</ol>'
            f'<b>Camera</b><div>{_e(card.camera_words())}</div>'
            f'<b>Hold</b><div>{clock_s(spec.hold_s)} of good form, timed only while your form is right.{side}</div>'
            f'<b>Safety</b><ul>{safety}</ul>'
            f'<div class="pc-small">Press Start, then get into position: the timer starts once the set-up check '
            f'says “{_e(ready_words(spec.view))}”.</div></div>')


def show_demo(exercise: str | None) -> None:
    """Before Start: the looping demo of the position, rendered by posecoach (no footage of people)."""
    demo = demo_for(exercise) if exercise else None
    if demo is None:
        return
    path, start_s, end_s = demo
    st.video(str(path), start_time=start_s, end_time=end_s or None, loop=True, autoplay=True, muted=True)
    st.caption("The correct position, shown by a rendered body (posecoach draws it; no footage of people).")


def show_card(exercise: str | None, catalogue: Catalogue, routine_steps: list[str] | None = None) -> None:
    """Before Start: the instruction card (how to get in, the camera, the hold, the safety lines)."""
    st.markdown(CSS, unsafe_allow_html=True)
    if routine_steps:
        st.markdown("**The routine, step by step** (it moves on by itself when a hold is done):  \n"
                    + "  \n".join(f"{i}. {_e(s)}" for i, s in enumerate(routine_steps, 1)))
    if exercise is None:
        st.markdown("**Before you start.** Put the camera side-on to where you will stretch, at floor level for "
                    "the positions lying or kneeling, 2 to 3 m away so your whole body fits in the picture. "
                    "Choose an exercise above to see how to get into it.")
        return
    st.markdown(card_html(exercise, catalogue), unsafe_allow_html=True)


def show_view(view: CoachView, exercise_view: str) -> None:
    st.markdown(CSS + view_html(view, exercise_view), unsafe_allow_html=True)


def show_breathing(reading: BreathingReading) -> None:
    st.markdown(CSS + breathing_html(reading), unsafe_allow_html=True)


def show_breathing_summary(summary: dict) -> None:
    """After Stop: the session's breathing in the rest positions, in one line."""
    st.markdown(CSS + f'<div class="pc-breathing">Breathing: {_e(breathing_summary_words(summary))}</div>',
                unsafe_allow_html=True)


def show_head(tone: str, headline: str, detail: str = "") -> None:
    st.markdown(CSS + head_html(tone, headline, detail), unsafe_allow_html=True)


def show_summary(summary: SessionSummary, saved: bool) -> None:
    st.markdown(CSS + summary_html(summary, saved), unsafe_allow_html=True)
