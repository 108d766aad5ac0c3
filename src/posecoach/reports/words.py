"""How the page words the coach's state for a person on a mat (pure functions)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime

from posecoach.core.holds import HoldStatus
from posecoach.core.units import UNITS, unit_of
from posecoach.core.units import measure_name as measure_name  # the names of core/measure_table.toml
from posecoach.exercises.catalogue import Catalogue
from posecoach.exercises.tuning import Difference

# The names a person reads for checks (instructions.toml), offered here with the rest.
from posecoach.reports.instructions import breathing_reason_words
from posecoach.reports.instructions import check_name as check_name

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


def side_short(exercise: str | None, side: str | None) -> str:
    """The working side without its meaning, e.g. "Right leg forward" ("" when there is none)."""
    return side_words(exercise, side).split(":")[0]


def unit_words(unit: str) -> str:
    """A unit in words: "deg" -> "degrees", "s" -> "seconds"; trunk lengths stay as they are."""
    return UNITS[unit].words if unit in UNITS else {"s": "seconds"}.get(unit, unit)


def value_words(value: float | None, unit: str) -> str:
    """A measured value with its unit, e.g. "92°", "0.35 trunk lengths", "30 s" ("" when unknown)."""
    if value is None or not math.isfinite(value):
        return ""
    if unit == "deg":
        return f"{value:.0f}°"
    if unit == "s":
        return f"{value:.0f} s"
    if unit == "breaths a minute":
        return f"{value:.0f} breaths a minute"
    if unit == "share":
        return f"{100 * value:.0f}%"
    return f"{value:.2f} {unit}"


def overlay_name(measure: str) -> str:
    """A measure's name as drawn beside its joint on the video: short, e.g. "Front knee"."""
    name = measure_name(measure)
    return name[: -len(" angle")] if name.endswith(" angle") else name


def overlay_label(measure: str, value: float, unit: str) -> str:
    """The label drawn on the video (ASCII: the video's font has no degree sign), e.g.
    "Front knee 92 deg", "Knees apart 0.35 trunk"."""
    if unit == "deg":
        return f"{overlay_name(measure)} {value:.0f} deg"
    return f"{overlay_name(measure)} {value:.2f} {unit.removesuffix(' lengths').removesuffix('s')}"


_ERRNO = re.compile(r"\[Errno -?\d+\]\s*")


def plain_error(text: str) -> str:
    """An error's words without the system's error numbers ("[Errno 1094995529] Invalid data"
    -> "Invalid data")."""
    return _ERRNO.sub("", text).strip()


def band_words(low: float | None, high: float | None, unit: str) -> str:
    """A band of a measure in words, e.g. "80° to 100°", "at least -10°", "at most 0.13 trunk lengths"."""
    if low is not None and high is not None:
        return f"{value_words(low, unit)} to {value_words(high, unit)}"
    if low is not None:
        return f"at least {value_words(low, unit)}"
    if high is not None:
        return f"at most {value_words(high, unit)}"
    return "any"


def video_measure_label(measure: str, value: float) -> str:
    """The label of a measure drawn on the video, in its own unit (see ``overlay_label``)."""
    return overlay_label(measure, value, unit_of(measure))


def video_hold_label(names: dict[str, str]) -> Callable[[HoldStatus], str]:
    """The hold timer drawn on the video, e.g. "Kneeling hip-flexor stretch, right leg forward:
    12 of 30 s"; ``names`` maps exercise ids to their names. ASCII only."""

    def label(hold: HoldStatus) -> str:
        name = names.get(hold.exercise or "", (hold.exercise or "").replace("_", " ")).split(" (")[0]
        side = side_short(hold.exercise, hold.side)
        done = " done" if hold.complete else ""
        text = f"{name}, {side[0].lower()}{side[1:]}" if side else name
        return f"{text}: {hold.good_form_s:.0f} of {hold.target_s:.0f} s{done}"

    return label


def difference_words(d: Difference, catalogue: Catalogue) -> str:
    """A setting that differs from the default, as a person reads it, e.g. "Kneeling hip-flexor
    stretch · Upper body upright: Upper body lean 8° → 12° at most" (never the setting's path)."""
    spec = catalogue.exercises.get(d.exercise)
    exercise = spec.name if spec else d.exercise.replace("_", " ")
    parts = d.path.split(".")
    if parts == ["hold_s"]:
        return f"{exercise}: hold target {value_words(float(d.base), 's')} → {value_words(float(d.now), 's')}"
    check = check_name(d.exercise, parts[0])
    if len(parts) == 2:  # required
        return f"{exercise} · {check}: " + ("now needed for the hold" if d.now else "now advice only")
    measure, what = parts[1], parts[2]
    unit = unit_of(measure)
    if what == "band" and isinstance(d.base, tuple) and isinstance(d.now, tuple):
        return (f"{exercise} · {check}: {measure_name(measure)} {band_words(*d.base, unit)} → "
                f"{band_words(*d.now, unit)}")
    if what == "margin":
        return (f"{exercise} · {check}: {measure_name(measure)} leaves its band after "
                f"{value_words(float(d.base), unit)} → {value_words(float(d.now), unit)}")
    return f"{exercise} · {check}: the words said for {measure_name(measure)} → “{d.now}”"


BREATHING_PATTERN_WORDS = {"belly": "into the belly", "chest": "into the chest"}


def breathing_unknown_words(reason: str | None) -> str:
    """Why the breathing cannot be read and what to do, from the reason's words in instructions.toml."""
    words = breathing_reason_words(reason) if reason else "the belly and chest are not in view"
    return words[0].lower() + words[1:] if words[1:2].islower() else words  # it follows a colon or a dash


def breathing_words(state: str, rate_bpm: float | None, pattern: str | None, reason: str | None = None) -> str:
    """The live breathing readout: "Breathing 7 a minute, into the belly", "Measuring your
    breathing…" or "Breathing: can't see — <what>, <what to do>". ``state`` is "measuring",
    "known" or "unknown" (core.breathing), ``rate_bpm`` breaths a minute."""
    if state == "measuring":
        return "Measuring your breathing…"
    if state != "known" or rate_bpm is None or not math.isfinite(rate_bpm):
        return f"Breathing: can't see — {breathing_unknown_words(reason)}"
    where = BREATHING_PATTERN_WORDS.get(pattern or "", "")
    return f"Breathing {rate_bpm:.0f} a minute" + (f", {where}" if where else "")


def breathing_summary_words(summary: dict | None) -> str:
    """A stored breathing summary (core.breathing.breathing_summary's keys) in one line:
    "7 breaths a minute, into the belly (belly 72% of the motion), in 3.9 s, out 5.1 s, over 4:30
    measured", or why it was not measured."""
    if not summary:
        return "Not measured"
    rate = summary.get("rate_bpm")
    if rate is None or not math.isfinite(float(rate)):
        reason = summary.get("unknown_reason")
        return f"Not measured: {breathing_unknown_words(reason)}" if reason else "Not measured"
    parts = [f"{float(rate):.0f} breaths a minute"]
    where = BREATHING_PATTERN_WORDS.get(summary.get("pattern") or "", "")
    share = summary.get("belly_share")
    if where:
        parts[0] += f", {where}" + (f" (belly {100 * float(share):.0f}% of the motion)" if share is not None else "")
    inhale, exhale = summary.get("inhale_s"), summary.get("exhale_s")
    if inhale is not None and exhale is not None:
        parts.append(f"in {float(inhale):.1f} s, out {float(exhale):.1f} s")
    measured = summary.get("measured_s")
    if measured:
        parts.append(f"over {clock_s(float(measured))} measured")
    return ", ".join(parts)


def breathing_pattern_words(pattern: str | None, belly_share: float | None) -> str:
    """Where the breath goes: "into the belly (belly 72% of the motion)", or "" when unknown."""
    if pattern not in BREATHING_PATTERN_WORDS:
        return ""
    share = "" if belly_share is None else f" (belly {100 * float(belly_share):.0f}% of the motion)"
    return f"{BREATHING_PATTERN_WORDS[pattern]}{share}"


def breathing_row(rate_bpm: float | None, inhale_s: float | None, exhale_s: float | None, pattern: str | None,
                  belly_share: float | None, measured_s: float, unknown_reason: str | None) -> dict[str, str]:
    """A stored breathing summary as table cells a person reads: breaths a minute, in / out
    seconds, where the breath goes, seconds measured; "not measured: <why>" when unknown."""
    if rate_bpm is None:
        why = breathing_unknown_words(unknown_reason) if unknown_reason else "too short to measure"
        return {"breaths a minute": "—", "in / out": "—", "where": f"not measured: {why}",
                "measured": clock_s(measured_s)}
    in_out = "—" if inhale_s is None or exhale_s is None else f"{inhale_s:.1f} s / {exhale_s:.1f} s"
    return {"breaths a minute": f"{rate_bpm:.0f}", "in / out": in_out,
            "where": breathing_pattern_words(pattern, belly_share) or "—", "measured": clock_s(measured_s)}
