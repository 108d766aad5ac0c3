"""Breathing in the rest positions on the Review and History pages: a session's breathing, whole
and per position held, and a person's breaths a minute and belly share over their sessions."""

from __future__ import annotations

from datetime import datetime

import altair as alt
import pandas as pd
import streamlit as st

from posecoach.adapters.store import SessionInfo, Store, StoredBreathing
from posecoach.exercises.catalogue import Catalogue
from posecoach.reports.words import breathing_row, breathing_summary_words, clock_s, side_short

CHART_HEIGHT_PX = 240
BELLY_COLOUR, RATE_COLOUR = "#2a9d3a", "#1f3f6e"


def _position(catalogue: Catalogue, seg: StoredBreathing) -> str:
    """A segment's position in words: "Constructive rest", "Knee to chest (left knee to your chest)"."""
    spec = catalogue.exercises.get(seg.exercise or "")
    name = spec.name if spec else (seg.exercise or "").replace("_", " ").capitalize()
    side = side_short(seg.exercise, seg.side) if spec is not None and spec.each_side else ""
    return f"{name} ({side[0].lower()}{side[1:]})" if side else name


def segments_frame(segments: list[StoredBreathing], catalogue: Catalogue) -> pd.DataFrame:
    """One row per position held: when, breaths a minute, in / out, where the breath goes, time measured."""
    rows = [{"position": _position(catalogue, s),
             "when": f"{clock_s((s.start_ms or 0) / 1000)}–{clock_s((s.end_ms or 0) / 1000)}",
             **breathing_row(s.rate_bpm, s.inhale_s, s.exhale_s, s.pattern, s.belly_share, s.measured_s,
                             s.unknown_reason)} for s in segments]
    return pd.DataFrame(rows).set_index("position") if rows else pd.DataFrame()


def review_section(store: Store, info: SessionInfo, catalogue: Catalogue) -> None:
    """The session's breathing on the Review page (nothing when it held no rest position)."""
    whole, segments = store.breathing(info.id)
    if whole is None:
        return
    st.subheader("Breathing")
    st.markdown(f"**{breathing_summary_words(whole.summary())}**")
    st.table(segments_frame(segments, catalogue))
    st.caption("Measured live from the rise and fall of the belly and the chest, side-on, while a rest position or "
               "knee to chest was held.")


def history_frame(rows: list[tuple[int, str, StoredBreathing]]) -> pd.DataFrame:
    """Per session with a measured breathing rate: when, breaths a minute, the belly's share (%)."""
    return pd.DataFrame([{"when": _local(started), "breaths a minute": round(b.rate_bpm, 1),
                          "belly share (%)": None if b.belly_share is None else round(100 * b.belly_share),
                          "where": "belly" if b.pattern == "belly" else "chest" if b.pattern == "chest" else "—"}
                         for _, started, b in rows if b.rate_bpm is not None],
                        columns=["when", "breaths a minute", "belly share (%)", "where"])


def _local(started: str) -> datetime:
    """A stored start time (ISO 8601 UTC) in this computer's local time, as the History page shows times."""
    return datetime.fromisoformat(started.replace("Z", "+00:00")).astimezone().replace(tzinfo=None)


def _chart(data: pd.DataFrame, field: str, title: str, colour: str, domain: tuple[float, float] | None = None
           ) -> alt.Chart:
    """One measure over the sessions: a line with a point per session (``domain``: the y axis's span)."""
    x = alt.X("when:T", title="session", axis=alt.Axis(format="%d %b %H:%M", labelAngle=-30, labelOverlap=True))
    y = alt.Y(f"{field}:Q", title=title, scale=alt.Scale(domain=list(domain)) if domain else alt.Scale(zero=True))
    return alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=70, color=colour), color=colour).encode(
        x=x, y=y,
        tooltip=[alt.Tooltip("when:T", title="when", format="%Y-%m-%d %H:%M"), alt.Tooltip(f"{field}:Q", title=title),
                 "where:N"]).properties(height=CHART_HEIGHT_PX)


def history_section(store: Store, person: int, session_ids: set[int]) -> None:
    """Breaths a minute and the belly's share over the sessions that held a rest position."""
    rows = [r for r in store.person_breathing(person) if r[0] in session_ids]
    if not rows:
        return
    st.subheader("Breathing in the rest positions")
    data = history_frame(rows)
    if data.empty:
        st.info("Breathing was not measured yet: lie side-on to the camera with your belly and chest in view.")
        return
    last = rows[-1][2]
    st.caption(f"Per session, from the rise and fall of the belly and the chest. Last session: "
               f"{breathing_summary_words(last.summary())}.")
    left, right = st.columns(2)
    left.altair_chart(_chart(data, "breaths a minute", "breaths a minute", RATE_COLOUR), width="stretch")
    right.altair_chart(_chart(data, "belly share (%)", "belly's share (%)", BELLY_COLOUR, (0.0, 100.0)),
                       width="stretch")
