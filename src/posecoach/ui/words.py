"""How the page words the coach's state for a person on a mat (pure functions)."""

from __future__ import annotations

import math
from datetime import datetime

from posecoach.core.holds import HoldStatus

_OTHER = {"left": "right", "right": "left"}


def side_words(exercise: str | None, side: str | None) -> str:
    """The working side in words, e.g. "Left leg forward: stretching the right hip flexor"."""
    if exercise is None or side is None:
        return ""
    other = _OTHER.get(side, "")
    if exercise == "lunge":
        return f"{side.capitalize()} leg forward: stretching the {other} hip flexor"
    if exercise == "pigeon":
        return f"{side.capitalize()} leg in front: stretching the {other} hip flexor"
    if exercise == "knee_to_chest":
        return f"{side.capitalize()} knee to your chest: stretching the {other} hip flexor"
    if exercise == "edge_hang":
        return f"Hugging your {side} knee: stretching the {other} hip flexor"
    return f"{side.capitalize()} side to the camera"


def clock_s(seconds: float) -> str:
    """Seconds as m:ss (e.g. 75.4 -> "1:15")."""
    whole = max(0, int(math.floor(seconds)))
    return f"{whole // 60}:{whole % 60:02d}"


def hold_words(hold: HoldStatus) -> str:
    """The hold timer with its target, e.g. "0:12 of 0:30"."""
    if hold.exercise is None:
        return "No hold yet"
    return f"{clock_s(hold.good_form_s)} of {clock_s(hold.target_s)}"


def hold_state_words(hold: HoldStatus) -> str:
    """Whether the timer is running, paused or done, and which side comes next."""
    if hold.exercise is None:
        return "Get into position to start the timer"
    if hold.complete:
        return f"Hold complete. Now the {hold.next_side} side" if hold.next_side else "Hold complete"
    return "Counting: good form" if hold.counting else "Paused: fix your form to keep counting"


def verdict_mark(verdict: str) -> str:
    """A check's verdict as a coloured mark and word a glance can read (Streamlit markdown)."""
    return {"pass": ":green[**✓ good**]", "fail": ":red[**✗ fix**]"}.get(verdict, ":gray[**? can't see**]")


def fps_words(processed_fps: float, latency_ms: float, model: str) -> str:
    """The measured speed, e.g. "24.8 frames/s analysed, 38 ms from frame to verdict (full model)"."""
    latency = "…" if math.isnan(latency_ms) else f"{latency_ms:.0f} ms"
    return f"{processed_fps:.1f} frames/s analysed, {latency} from frame to verdict ({model} model)"


def when_words(iso: str) -> str:
    """An ISO 8601 UTC time as local date and time, e.g. "24 Nov 2026 14:05"."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%d %b %Y %H:%M")
    except ValueError:
        return iso
