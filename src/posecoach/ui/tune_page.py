"""The Tune page: a slider for every threshold of an exercise; moving one re-scores the stored
session at once (from its stored poses, no model run) and redraws the counts and timelines.
The result is saved as a named profile for the person, and shown against the default."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from posecoach.exercises.catalogue import Catalogue, load_catalogue
from posecoach.review import Review, review
from posecoach.tuning import Threshold, describe, differences, problems, profile_toml, thresholds, with_values
from posecoach.ui.common import get_store, privacy_footer, store_callback
from posecoach.ui.profiles import ProfileChoice, check_profile
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


def _sliders(choice: ProfileChoice, spec, catalogue: Catalogue) -> dict[str, float]:
    """Draw the sliders (a range slider for a two-sided band); return the values moved off the profile's."""
    values: dict[str, float] = {}
    items = thresholds(spec)
    by_key = {th.key: th for th in items}
    hold = items[0]
    got = st.slider(f"Hold target ({hold.unit})", hold.min_value, hold.max_value, float(hold.value), hold.step,
                    key=_slider_key(choice, hold.key), format="%.0f")
    if got != hold.value:
        values[hold.key] = got
    for check in spec.checks:
        st.markdown(f"**{check.id.replace('_', ' ')}**" + (" · required" if check.required else " · advice only"))
        st.caption(check.why)
        for cond in check.conditions:
            low = by_key.get(f"{spec.id}.{check.id}.{cond.measure}.low")
            high = by_key.get(f"{spec.id}.{check.id}.{cond.measure}.high")
            shown = [th for th in (low, high) if th is not None]
            if not shown:
                continue
            lo = min(th.min_value for th in shown)
            hi = max(th.max_value for th in shown)
            label = f"{cond.measure.replace('_', ' ')} ({shown[0].unit})"
            if low is not None and high is not None:
                label += ": the band"
                a, b = st.slider(label, lo, hi, (float(low.value), float(high.value)), low.step,
                                 key=_slider_key(choice, f"{low.key}|{high.key}"), format=_fmt(low))
                got = {low.key: a, high.key: b}
            else:
                th = shown[0]
                label += f": {'at least' if th.bound == 'low' else 'at most'}"
                got = {th.key: st.slider(label, lo, hi, float(th.value), th.step, key=_slider_key(choice, th.key),
                                         format=_fmt(th))}
            for k, v in got.items():
                if round(v, 6) != round(by_key[k].value, 6):
                    values[k] = v
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
            "check": c.check, "pass frames": na.get("pass", 0), "fail frames": na.get("fail", 0),
            "was pass": nb.get("pass", 0), "was fail": nb.get("fail", 0),
            "pass s": f"{c.pass_s:.1f}", "was pass s": "" if b is None else f"{b.pass_s:.1f}",
        })
    return pd.DataFrame(rows).set_index("check") if rows else pd.DataFrame()


@store_callback
def _save(store, person: int, choice: ProfileChoice, base: Catalogue, tuned: Catalogue) -> None:
    name = st.session_state.get("tune_save_name", "").strip()
    text = profile_toml(name, base_profile(choice), base, tuned, note=f"Tuned from {choice.label} in posecoach.")
    problem = check_profile(name, text)
    if problem is None:
        store.save_profile(person, name, text)
        _reset(choice)
        st.session_state["tune_profile"] = f"{name} (yours)"
    st.session_state["tune_message"] = ("error", problem) if problem else ("success", f"Saved profile {name!r}: "
                                                                             "choose it on the Coach and Review pages.")


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
        st.caption(f"Re-scored {len(loaded.observations)} frames in {took_ms:.0f} ms.")
        st.table(counts_table(before, after, exercise))
        st.table(hold_table(after))
        timelines(after, exercise, None)
    base = load_catalogue(base_profile(choice))
    diffs = differences(base, tuned)
    st.subheader(f"How this differs from the {base_profile(choice)} default")
    if diffs:
        st.markdown("\n".join(f"- {describe(d)}" for d in diffs))
    else:
        st.caption("No difference: these are the default thresholds.")
    st.subheader("Save as a profile")
    st.text_input("Profile name", key="tune_save_name", placeholder="e.g. Sam's knee")
    st.button("Save profile", key="tune_save", on_click=_save, args=(store, person, choice, base, tuned),
              disabled=bool(wrong))
    kind, message = st.session_state.pop("tune_message", (None, None))
    if kind == "error":
        st.error(message)
    elif kind == "success":
        st.success(message)
    with st.expander("The profile file"):
        st.code(profile_toml(st.session_state.get("tune_save_name", "").strip() or "tuned", base_profile(choice), base,
                             tuned), language="toml")
    privacy_footer()
