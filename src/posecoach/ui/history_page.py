"""The History page: a person's sessions over time, their progress, most frequent faults and
left-right balance, and deleting a session or the person with all their data."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from posecoach.adapters.store import Store
from posecoach.exercises.catalogue import Catalogue, load_catalogue
from posecoach.reports.words import check_name, clock_s, side_short, side_words
from posecoach.services.history import (
    BALANCE_MIN_S,
    Balance,
    Fault,
    History,
    ProgressPoint,
    SessionSummary,
    frequent_faults,
    left_right_balance,
    progress_per_day,
    progress_per_session,
    summarise_sessions,
)
from posecoach.ui import breathing_view, progress_view
from posecoach.ui.common import get_store, privacy_footer, store_callback

SIDE_LABELS = {"left": "left", "right": "right", None: "one hold"}
SIDE_COLOURS = {"left": "#1f77b4", "right": "#ff7f0e", "one hold": "#2a9d3a"}
TOP_FAULTS = 10
FAULT_ROW_PX = 30  # each fault's bar and label get this much height
CHART_HEIGHT_PX = 260


def _name(catalogue: Catalogue, exercise: str) -> str:
    spec = catalogue.exercises.get(exercise)
    return spec.name if spec else exercise.replace("_", " ")


DEMO_SOURCE = "clip:"  # a session coached on one of posecoach's sample clips: a demo, not the person
SHOW_DEMOS = "history_show_demos"


def is_demo(source: str | None) -> bool:
    """Whether a session was a demo run on a sample clip (kept, but not the person's own history)."""
    return bool(source) and str(source).startswith(DEMO_SOURCE)


def person_history(store: Store, person: int, catalogue: Catalogue, demos: bool = False) -> tuple[History, int]:
    """The person's history without the demo runs on sample clips (with them when ``demos``), and
    how many demo runs were left out."""
    every = summarise_sessions(store.sessions(person), store.person_holds(person))
    kept = tuple(s for s in every if demos or not is_demo(s.source))
    ids = {s.id for s in kept}
    faults = frequent_faults((r for r in store.failed_seconds(person) if r[0] in ids), catalogue)
    history = History(kept, progress_per_session(kept), faults, left_right_balance(kept, catalogue))
    return history, len(every) - len(kept)


def source_words(source: str | None) -> str:
    """How a session's source reads in the table: "Webcam", "Sample clip: x.mp4", ..."""
    if not source:
        return "—"
    kind, _, name = source.partition(":")
    label = {"webcam": "Webcam", "clip": "Sample clip", "upload": "Your video", "file": "Video"}.get(kind)
    if label is None:
        return source
    return f"{label}: {name}" if name else label


def session_label(s: SessionSummary) -> str:
    """One line naming a session, e.g. "2024-06-03 18:32 · Webcam · 3:12"."""
    return f"{s.started:%Y-%m-%d %H:%M} · {source_words(s.source)} · {clock_s(s.duration_s)}"


# Progress
def _progress_frame(points: tuple[ProgressPoint, ...], catalogue: Catalogue) -> pd.DataFrame:
    return pd.DataFrame([{"when": p.started.replace(tzinfo=None), "exercise": _name(catalogue, p.exercise),
                          "side": side_short(p.exercise, p.side) or SIDE_LABELS[None], "good_form_s": round(p.good_form_s, 1),
                          "target_s": p.target_s} for p in points])


def progress_chart(data: pd.DataFrame, per_day: bool) -> alt.LayerChart:
    """Good-form seconds over time, a line per side, the hold target as a dashed rule (one exercise)."""
    x = alt.X("when:T", title="day" if per_day else "date and time of the session",
              axis=alt.Axis(format="%d %b" if per_day else "%d %b %H:%M", labelAngle=-30, labelOverlap=True,
                            tickCount="day" if per_day else 6))
    sides = sorted(set(data["side"]))
    colours = [SIDE_COLOURS["left" if s.startswith("Left") else "right" if s.startswith("Right") else "one hold"]
               for s in sides]
    colour = alt.Color("side:N", title="side", scale=alt.Scale(domain=sides, range=colours),
                       legend=None if sides == [SIDE_LABELS[None]] else alt.Legend(orient="bottom", labelLimit=320))
    line = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=60)).encode(
        x=x, y=alt.Y("good_form_s:Q", title="good form (s)"), color=colour,
        tooltip=[alt.Tooltip("when:T", title="when", format="%Y-%m-%d %H:%M"), "side:N",
                 alt.Tooltip("good_form_s:Q", title="good form (s)"), alt.Tooltip("target_s:Q", title="target (s)")])
    target = alt.Chart(data).mark_rule(color="#555", strokeDash=[6, 4]).encode(
        y=alt.Y("max(target_s):Q"), tooltip=[alt.Tooltip("max(target_s):Q", title="hold target (s)")])
    return alt.layer(line, target).properties(height=CHART_HEIGHT_PX)


def _progress(history: History, catalogue: Catalogue) -> None:
    st.subheader("Progress")
    per_day = st.radio("Show", ["Per session", "Per day"], horizontal=True, key="history_progress_per",
                       label_visibility="collapsed") == "Per day"
    points = progress_per_day(history.progress) if per_day else history.progress
    if not points:
        st.info("No holds yet: the chart fills in once a stretch is recognised and held.")
        return
    data = _progress_frame(points, catalogue)
    exercises = list(dict.fromkeys(data["exercise"]))
    st.caption("Good-form seconds per " + ("day" if per_day else "session") +
               ", a line per side; the dashed line is the hold target.")
    columns = st.columns(2)
    for i, name in enumerate(exercises):
        with columns[i % 2]:
            st.markdown(f"**{name}**")
            st.altair_chart(progress_chart(data[data["exercise"] == name], per_day), width="stretch")


# Sessions
GOOD_FORM_COLUMN = "exercises: good form per side (✓ target reached)"


def _good_form_words(s: SessionSummary, catalogue: Catalogue) -> str:
    """E.g. "Kneeling hip-flexor stretch: left 0:31 ✓, right 0:12; Cobra 0:10 ✓"."""
    parts = []
    for exercise in s.exercises:
        holds = []
        for h in (h for h in s.holds if h.exercise == exercise):
            reps = f" ({h.reps} reps)" if h.reps else ""
            side = side_short(exercise, h.side)
            holds.append(f"{side.lower() + ' ' if side else ''}{clock_s(h.good_form_s)}{' ✓' if h.complete else ''}{reps}")
        sep = ": " if any(h.side for h in s.holds if h.exercise == exercise) else " "
        parts.append(f"{_name(catalogue, exercise)}{sep}{', '.join(holds)}")
    return "; ".join(parts) or "no exercise recognised"


def sessions_frame(history: History, catalogue: Catalogue) -> pd.DataFrame:
    """The sessions table, newest first."""
    return pd.DataFrame([{
        "started": f"{s.started:%Y-%m-%d %H:%M}",
        "duration": clock_s(s.duration_s) + ("" if s.finished else " (interrupted)"),
        GOOD_FORM_COLUMN: _good_form_words(s, catalogue),
        "complete": "✓" if s.complete else "—",
        "reps": s.reps,
        "source": source_words(s.source) + (" (video kept)" if s.has_video else ""),
    } for s in history.sessions])


def _open_in_review(history: History) -> None:
    """A row clicked in the sessions table: that session on the Review page."""
    rows = st.session_state.get("history_sessions", {}).get("selection", {}).get("rows", [])
    if rows and 0 <= rows[0] < len(history.sessions):
        sid = history.sessions[rows[0]].id
        st.session_state["review_pending"] = sid
        st.session_state["review_seek"] = (sid, 0.0)
        st.session_state["history_open"] = True


def _sessions(history: History, catalogue: Catalogue) -> None:
    st.subheader("Sessions")
    st.caption("Click a session to open it on the Review page.")
    st.dataframe(sessions_frame(history, catalogue), hide_index=True, width="stretch", key="history_sessions",
                 on_select=lambda: _open_in_review(history), selection_mode="single-row",
                 column_config={GOOD_FORM_COLUMN: st.column_config.TextColumn(width="large")})


# Faults
def faults_frame(faults: tuple[Fault, ...], catalogue: Catalogue) -> pd.DataFrame:
    return pd.DataFrame([{"exercise": _name(catalogue, f.exercise), "check": check_name(f.exercise, f.check),
                          "failed (s)": round(f.failed_s, 1), "sessions": f.sessions, "what to do": f.cue, "why": f.why}
                         for f in faults], columns=["exercise", "check", "failed (s)", "sessions", "what to do", "why"])


def _faults(history: History, catalogue: Catalogue) -> None:
    st.subheader("Most frequent faults")
    if not history.faults:
        st.success("No check has failed in any session yet.")
        return
    data = faults_frame(history.faults[:TOP_FAULTS], catalogue)
    data["fault"] = data["check"] + " (" + data["exercise"] + ")"
    bars = alt.Chart(data).mark_bar(color="#e63946").encode(
        x=alt.X("failed (s):Q", title="seconds failed, all sessions"),
        y=alt.Y("fault:N", sort="-x", title=None, axis=alt.Axis(labelLimit=420, labelOverlap=False, labelFontSize=12)),
        tooltip=["exercise", "check", "failed (s)", "sessions", "what to do"])
    st.altair_chart(bars.properties(height=alt.Step(FAULT_ROW_PX)), width="stretch")
    st.table(data.drop(columns="fault").style.format(precision=1), hide_index=True)


# Balance
def balance_words(b: Balance, catalogue: Catalogue) -> tuple[str, str]:
    """(kind, sentence) for one exercise: kind "lag", "even" or "thin" (too little to say)."""
    name = _name(catalogue, b.exercise)
    lately = f"over the last {b.recent_sessions} session{'s' if b.recent_sessions != 1 else ''}"
    lag = b.lagging_side
    if lag is None:
        if max(b.recent_left_s, b.recent_right_s) == 0:
            return "thin", f"**{name}**: no good-form time on either side {lately}."
        if max(b.recent_left_s, b.recent_right_s) < BALANCE_MIN_S:
            return "thin", (f"**{name}**: {b.recent_left_s:.0f} s left, {b.recent_right_s:.0f} s right {lately}: "
                            "too little yet to compare the sides.")
        return "even", (f"**{name}**: left and right are even, {b.recent_left_s:.0f} s and {b.recent_right_s:.0f} s "
                        f"of good form {lately}.")
    strong = "right" if lag == "left" else "left"
    lag_s, strong_s = (b.recent_left_s, b.recent_right_s) if lag == "left" else (b.recent_right_s, b.recent_left_s)
    meaning = side_words(b.exercise, lag)
    if lag_s == 0:
        head = f"**{name}**: only the {strong} side has good-form time {lately} ({strong_s:.0f} s)."
    else:
        head = (f"**{name}**: the {lag} side lags, {lag_s:.0f} s of good form against {strong_s:.0f} s on the {strong} "
                f"{lately}, {lag_s / strong_s:.0%} of the {strong} side's time.")
    return "lag", f"{head} {meaning}. Tightness is often one-sided: give the {lag} side extra time."


def balance_frame(balance: tuple[Balance, ...], catalogue: Catalogue) -> pd.DataFrame:
    def share(x: float | None) -> str:
        return "—" if x is None else f"{x:.0%} / {1 - x:.0%}"

    return pd.DataFrame([{"exercise": _name(catalogue, b.exercise), "left (s)": round(b.left_s, 1),
                          "right (s)": round(b.right_s, 1), "share left / right": share(b.left_share),
                          "lately: left (s)": round(b.recent_left_s, 1), "lately: right (s)": round(b.recent_right_s, 1),
                          "lately: share": share(b.recent_left_share), "sessions lately": b.recent_sessions}
                         for b in balance])


def _balance(history: History, catalogue: Catalogue) -> None:
    st.subheader("Left-right balance")
    if not history.balance:
        st.info("No stretch done on each side yet (the lunge, knee to chest, edge hang, pigeon, figure-four).")
        return
    st.table(balance_frame(history.balance, catalogue).style.format(precision=1), hide_index=True)
    show = {"lag": st.warning, "even": st.success, "thin": st.info}
    for b in history.balance:
        kind, words = balance_words(b, catalogue)
        show[kind](words)


# Deleting
@store_callback
def _delete_session(store: Store, session_id: int, label: str, select_key: str, sure_key: str) -> None:
    store.delete_session(session_id)
    for key in (select_key, sure_key):
        st.session_state.pop(key, None)
    st.session_state["history_message"] = f"Deleted the session of {label}."


@store_callback
def _delete_person(store: Store, person: int, name: str, sure_key: str) -> None:
    store.delete_person(person)
    # The picker then chooses someone still there; a new person may get the same id, so
    # the confirmation must not stay ticked for them.
    for key in ("person_id", sure_key):
        st.session_state.pop(key, None)
    st.session_state["history_message"] = f"Deleted {name} with all their sessions, profiles and recorded videos."


def _deleting(store: Store, person: int, name: str, history: History) -> None:
    st.subheader("Delete")
    if history.sessions:
        with st.expander("Delete a session"):
            labels = {s.id: session_label(s) for s in history.sessions}
            select_key = f"history_delete_pick_{person}"
            session_id = st.selectbox("Session", list(labels), format_func=labels.get, key=select_key)
            sure_key = f"history_delete_sure_{session_id}"
            sure = st.checkbox("Yes, delete this session with its frames, holds and any recorded video", key=sure_key)
            st.button("Delete the session", key="history_delete_session", disabled=not sure,
                      on_click=_delete_session, args=(store, session_id, labels[session_id], select_key, sure_key))
    with st.expander(f"Delete {name} and all their data"):
        st.caption(f"Removes {name}, their profiles, all {len(history.sessions)} of their sessions and their recorded "
                   "videos from this computer. This cannot be undone.")
        sure_key = f"history_delete_person_sure_{person}"
        sure = st.checkbox(f"Yes, delete {name} and everything stored about them", key=sure_key)
        st.button(f"Delete {name}", key="history_delete_person", type="primary", disabled=not sure,
                  on_click=_delete_person, args=(store, person, name, sure_key))


def _overview(history: History) -> None:
    left, middle, right = st.columns(3)
    left.metric("Sessions", len(history.sessions))
    middle.metric("Good-form time", clock_s(sum(s.good_form_s for s in history.sessions)))
    right.metric("Last session", f"{history.sessions[0].started:%Y-%m-%d}")


def render() -> None:
    """The History page."""
    store = get_store()
    person = int(st.session_state["person_id"])
    name = next((p.name for p in store.people() if p.id == person), "this person")
    catalogue = load_catalogue("beginner")  # names, sides and cues are the same in every profile
    if st.session_state.pop("history_open", False):
        from posecoach.ui import review_page

        st.switch_page(st.Page(review_page.render, title="Review", url_path="review"))
    st.title("History")
    message = st.session_state.pop("history_message", None)
    if message:
        st.success(message)
    history, demos = person_history(store, person, catalogue, bool(st.session_state.get(SHOW_DEMOS)))
    if demos or st.session_state.get(SHOW_DEMOS):
        st.toggle("Include demo runs on the sample clips", key=SHOW_DEMOS,
                  help="Sessions coached on posecoach's own sample clips are demonstrations, not your stretching: "
                       "they are kept (and open on the Review page) but left out of your history.")
        if demos:
            st.caption(f"{demos} demo run{'s' if demos != 1 else ''} on the sample clips left out.")
    progress_view.render(store, person, catalogue, {s.id for s in history.sessions})
    if not history.sessions:
        st.info(f"No sessions yet for {name}. Coach a stretch on the Coach page, or analyse a video on the "
                "Review page: each session then appears here with its progress.")
    else:
        st.caption(f"{name}'s sessions over time. Times are this computer's local time.")
        _overview(history)
        _progress(history, catalogue)
        breathing_view.history_section(store, person, {s.id for s in history.sessions})
        _sessions(history, catalogue)
        _faults(history, catalogue)
        _balance(history, catalogue)
    _deleting(store, person, name, history)
    privacy_footer()
