"""The Tune page: a slider for every threshold of an exercise; moving one re-scores the stored
session at once (from its stored poses, no model run) and redraws the counts and timelines.
The result is saved as a named profile for the person, and shown against the default."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import streamlit as st

from posecoach.adapters.overlay import draw
from posecoach.core.coach import CoachParams, FrameResult, Judge
from posecoach.core.rescore import NOT_JUDGED
from posecoach.exercises.catalogue import Catalogue, load_catalogue
from posecoach.exercises.tuning import Threshold, differences, problems, profile_toml, thresholds, with_values
from posecoach.reports.playback import BACKGROUND
from posecoach.reports.review import Review, review
from posecoach.reports.words import check_name, clock_s, difference_words, measure_name, unit_words, video_measure_label
from posecoach.ui.common import get_store, privacy_footer, store_callback
from posecoach.ui.profiles import ProfileChoice, check_profile, note_comment, profile_note, remember_profile
from posecoach.ui.review_page import hold_table, timelines
from posecoach.ui.review_state import (
    TUNED_KEY,
    base_profile,
    judged,
    pick_session,
)

SLIDER_PREFIX = "tune:"


def _slider_key(choice: ProfileChoice, keys: str) -> str:
    return f"{SLIDER_PREFIX}{choice.label}:{keys}"


def _fmt(th: Threshold) -> str:
    return "%.0f" if th.unit in ("deg", "s") else "%.3f"


@dataclass(frozen=True)
class MeasureSlider:
    """One slider for one measure of an exercise: its low edges (moved together) and high edges,
    from every check that bands the measure."""

    measure: str
    lows: tuple[Threshold, ...]
    highs: tuple[Threshold, ...]
    checks: tuple[str, ...]  # the check ids that use it, in catalogue order

    @property
    def unit(self) -> str:
        return (self.lows or self.highs)[0].unit


def measure_sliders(spec) -> list[MeasureSlider]:
    """The exercise's band edges grouped by measure (in catalogue order): one slider each."""
    items = [th for th in thresholds(spec) if th.measure is not None]
    order = list(dict.fromkeys(th.measure for th in items))
    out = []
    for measure in order:
        mine = [th for th in items if th.measure == measure]
        out.append(MeasureSlider(measure, tuple(th for th in mine if th.bound == "low"),
                                 tuple(th for th in mine if th.bound == "high"),
                                 tuple(dict.fromkeys(th.check for th in mine if th.check))))
    return out


def _edge(ths: tuple[Threshold, ...], bound: str) -> float:
    """The edge shown for several checks' edges on one side: the tightest (highest low, lowest high)."""
    values = [th.value for th in ths]
    return max(values) if bound == "low" else min(values)


def _used_by(spec, ms: MeasureSlider) -> str:
    parts = []
    for cid in ms.checks:
        check = spec.check(cid)
        parts.append(f"{check_name(spec.id, cid)} ({'needed for the hold' if check.required else 'advice only'})")
    return "Used by: " + "; ".join(parts) + "."


def _sliders(choice: ProfileChoice, spec, catalogue: Catalogue) -> dict[str, float]:
    """Draw the sliders, one per measure (a range slider when it has a low and a high edge);
    return the thresholds moved off the profile's values (a moved edge moves every check's edge
    on that side of the measure)."""
    values: dict[str, float] = {}
    hold = thresholds(spec)[0]
    got = st.slider("Hold target (seconds)", hold.min_value, hold.max_value, float(hold.value), hold.step,
                    key=_slider_key(choice, hold.key), format="%.0f")
    if got != hold.value:
        values[hold.key] = got
    for ms in measure_sliders(spec):
        shown = ms.lows + ms.highs
        lo = min(th.min_value for th in shown)
        hi = max(th.max_value for th in shown)
        step, fmt = shown[0].step, _fmt(shown[0])
        label = f"{measure_name(ms.measure)} ({unit_words(ms.unit)})"
        key = _slider_key(choice, "|".join(th.key for th in shown))
        if ms.lows and ms.highs:
            low0, high0 = _edge(ms.lows, "low"), _edge(ms.highs, "high")
            a, b = st.slider(f"{label}: good between", lo, hi, (float(low0), float(high0)), step, key=key, format=fmt)
            moved = {"low": (a, low0, ms.lows), "high": (b, high0, ms.highs)}
        elif ms.lows:
            low0 = _edge(ms.lows, "low")
            moved = {"low": (st.slider(f"{label}: at least", lo, hi, float(low0), step, key=key, format=fmt), low0,
                             ms.lows)}
        else:
            high0 = _edge(ms.highs, "high")
            moved = {"high": (st.slider(f"{label}: at most", lo, hi, float(high0), step, key=key, format=fmt), high0,
                              ms.highs)}
        st.caption(_used_by(spec, ms))
        for value, start, ths in moved.values():
            if round(value, 6) != round(start, 6):
                values.update({th.key: value for th in ths})
    return values


def _reset(choice: ProfileChoice) -> None:
    for key in [k for k in st.session_state if str(k).startswith(_slider_key(choice, ""))]:
        del st.session_state[key]
    st.session_state.pop(TUNED_KEY, None)


def _to_default(choice: ProfileChoice) -> None:
    _reset(choice)
    st.session_state["tune_profile"] = base_profile(choice)


def counts_table(before: Review, after: Review, exercise: str) -> pd.DataFrame:
    """Per check: pass and fail frames and seconds with the profile and with the tuned thresholds."""
    rows = []
    times_before = {(c.exercise, c.check): c for c in before.check_times()}
    for c in after.check_times():
        if c.exercise != exercise:
            continue
        b = times_before.get((c.exercise, c.check))
        nb, na = before.counts.get(c.check, {}), after.counts.get(c.check, {})
        rows.append({
            "check": check_name(c.exercise, c.check), "pass frames": na.get("pass", 0), "fail frames": na.get("fail", 0),
            "was pass": nb.get("pass", 0), "was fail": nb.get("fail", 0),
            "pass s": f"{c.pass_s:.1f}", "was pass s": "" if b is None else f"{b.pass_s:.1f}",
        })
    return pd.DataFrame(rows).set_index("check") if rows else pd.DataFrame()


@store_callback
def _save(store, person: int, choice: ProfileChoice, base: Catalogue, tuned: Catalogue) -> None:
    name = st.session_state.get("tune_save_name", "").strip()
    note = st.session_state.get("tune_note", "")
    text = profile_toml(name, base_profile(choice), base, tuned,
                        note=note_comment(note, f"Tuned from {choice.label} in posecoach."))
    problem = check_profile(name, text)
    if problem is None:
        store.save_profile(person, name, text)
        _reset(choice)
        st.session_state["tune_profile"] = f"{name} (yours)"
        remember_profile(person, f"{name} (yours)")
    st.session_state["tune_message"] = ("error", problem) if problem else ("success", f"Saved profile {name!r}: "
                                                                             "choose it on the Coach and Review pages.")


def pose_at(rv: Review, catalogue: Catalogue, t_s: float) -> FrameResult:
    """The coach's verdict on the frame nearest ``t_s`` (seconds from the start) under ``catalogue``
    (the hold timer left out: one frame has none)."""
    i = int(np.argmin(np.abs(rv.t_s - t_s)))
    obs = rv.observations[i]
    row = {cid: int(col[i]) for cid, col in rv.rescored.verdicts.items() if col[i] != NOT_JUDGED}
    result = Judge(catalogue, CoachParams()).judge(obs, row if obs.pose and obs.exercise else None)
    return replace(result, hold=replace(result.hold, exercise=None))


def pose_picture(result: FrameResult, spec, width_px: int, height_px: int) -> np.ndarray:
    """The skeleton of one frame drawn on a plain background, each joint coloured by its checks."""
    canvas = np.full((max(2, height_px), max(2, width_px), 3), BACKGROUND, np.uint8)
    return draw(canvas, result, spec=spec, label_of=video_measure_label)


def _first_fault_s(rv: Review, exercise: str) -> float:
    faults = [f for f in rv.faults() if f.exercise == exercise]
    return faults[0].start_s if faults else 0.0


def _moment(rv: Review, tuned: Catalogue, spec, info) -> float:
    """A slider over the session's time and the pose at that moment, judged with the tuned values."""
    end_s = int(math.ceil(float(rv.t_s[-1]))) if len(rv.t_s) else 0
    options = list(range(0, end_s + 1))
    key = f"tune_moment:{info.id}:{spec.id}"
    if st.session_state.get(key) not in options:
        st.session_state[key] = min(end_s, int(_first_fault_s(rv, spec.id)))
    t_s = float(st.select_slider("Moment in the session (m:ss)", options, key=key, format_func=clock_s,
                                 help="The pose at this moment, judged with the thresholds on the left; the dashed "
                                      "line on the charts below marks it."))
    result = pose_at(rv, tuned, t_s)
    st.image(pose_picture(result, spec, info.width or 640, info.height or 480), width="stretch",
             caption=_moment_words(result, spec, t_s))
    return t_s


def _moment_words(result: FrameResult, spec, t_s: float) -> str:
    """The checks at one moment in words, e.g. "At 0:04: Front knee at 90 degrees ✓ good, ..."."""
    if not result.pose:
        return f"At {clock_s(t_s)}: nobody in view."
    if result.exercise != spec.id:
        return f"At {clock_s(t_s)}: not in the {spec.name.lower()}."
    marks = {"pass": "✓ good", "fail": "✗ fix", "unknown": "? can't see"}
    checks = ", ".join(f"{check_name(spec.id, c.id)} {marks.get(result.checks.get(c.id, 'unknown'), '')}"
                       for c in spec.checks)
    return f"At {clock_s(t_s)}: {checks}."


def render() -> None:
    store = get_store()
    person = int(st.session_state["person_id"])
    st.title("Tune thresholds")
    st.caption("Move a threshold and the chosen session is judged again at once, from its stored poses.")
    picked = pick_session(store, person, "tune_profile",
                          "No sessions yet to tune on. Coach a stretch on the Coach page, or analyse a video on the Review page.")
    if picked is None:
        return
    choice, profile, loaded = picked.choice, picked.catalogue, picked.loaded
    note = profile_note(choice.toml)
    if note:
        st.info(f"**Note on {choice.name}:** {note}", icon=":material/sticky_note_2:")
    before = judged(loaded, profile)
    exercises = before.exercises() or list(profile.exercises)
    exercise = st.selectbox("Exercise", exercises, key="tune_exercise", format_func=lambda e: profile[e].name)
    spec = profile[exercise]
    sliders, results = st.columns([2, 3], gap="large")
    with sliders:
        values = _sliders(choice, spec, profile)
        st.button("Reset to the profile's values", key="tune_reset", on_click=_reset, args=(choice,))
        if choice.label != base_profile(choice):
            st.button(f"Start again from the {base_profile(choice)} default", key="tune_default", on_click=_to_default,
                      args=(choice,))
    wrong = problems(profile, values)
    with results:
        if wrong:
            st.error("; ".join(wrong))
            values = {}
        st.session_state[TUNED_KEY] = {"profile": choice.label, "values": values}
        tuned = with_values(profile, values)
        start = time.perf_counter()
        after = review(loaded.observations, tuned)
        took_ms = (time.perf_counter() - start) * 1000.0
        moment_s = _moment(after, tuned, tuned[exercise], picked.info)
        st.table(counts_table(before, after, exercise))
        st.table(hold_table(after, tuned))
        timelines(after, exercise, moment_s)
        with st.expander("Advanced: speed"):
            st.caption(f"Re-scored {len(loaded.observations)} frames in {took_ms:.0f} ms.")
    base = load_catalogue(base_profile(choice))
    diffs = differences(base, tuned)
    st.subheader(f"How this differs from the {base_profile(choice)} default")
    if diffs:
        st.markdown("\n".join(f"- {difference_words(d, base)}" for d in diffs))
    else:
        st.caption("No difference: these are the default thresholds.")
    st.subheader("Save as a profile")
    if st.session_state.get("tune_note_for") != choice.label:  # the chosen profile's note to start from
        st.session_state["tune_note"] = note
        st.session_state["tune_note_for"] = choice.label
    st.text_input("Profile name", key="tune_save_name", placeholder="e.g. Sam's knee")
    st.text_area("Note kept with the profile", key="tune_note", height=90,
                 placeholder="e.g. Knee band widened after the meniscus repair; back to 80-100 degrees in June.")
    st.button("Save profile", key="tune_save", on_click=_save, args=(store, person, choice, base, tuned),
              disabled=bool(wrong))
    kind, message = st.session_state.pop("tune_message", (None, None))
    if kind == "error":
        st.error(message)
    elif kind == "success":
        st.success(message)
    with st.expander("The profile file"):
        name = st.session_state.get("tune_save_name", "").strip() or "tuned"
        st.code(profile_toml(name, base_profile(choice), base, tuned,
                             note=note_comment(st.session_state.get("tune_note", ""),
                                               f"Tuned from {choice.label} in posecoach.")), language="toml")
    privacy_footer()
