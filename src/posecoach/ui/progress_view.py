"""History's progress a physiotherapist can act on: the person's plan (imported here from a file
they were handed), sessions done against planned and the streak, each measurement per side over
time against the plan's target with "±N°" beside every reading, the left-right difference
flagged when it is beyond the measurement's own spread, and the pain ratings.

Angles in degrees; dates in this computer's local time.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from posecoach.adapters.store import Store, StoredMeasurement, StoredRating
from posecoach.core.adherence import Adherence
from posecoach.core.pain import GUIDANCE
from posecoach.exercises.catalogue import Catalogue, ConfigError, load_catalogue
from posecoach.exercises.measurements import plus_minus, trust
from posecoach.exercises.plan import Plan, parse_plan
from posecoach.services.history import local_time
from posecoach.services.live_state import step_name
from posecoach.services.progress import SideDifference, Trend, plan_adherence, side_differences, trends
from posecoach.ui.coach_progress import person_plan, plan_steps
from posecoach.ui.common import store_callback

MAX_PLAN_BYTES = 256 * 1024
KIND_TITLES = {
    "stretch_depth_deg": "Stretch depth (kneeling hip-flexor stretch): back hip past straight",
    "thomas_hip_deg": "Thomas test: hanging thigh below the bed (hip flexor length)",
    "thomas_knee_deg": "Thomas test: hanging knee bend (rectus femoris length)",
}
SIDE_COLOURS = {"left": "#1f77b4", "right": "#ff7f0e"}
CHART_HEIGHT_PX = 240


def measure_side_words(kind: str, side: str | None) -> str:
    """Which side a measurement is of, naming the hip flexor it lengthens: "Left leg forward (right hip flexor)"."""
    if side is None:
        return "both"
    other = {"left": "right", "right": "left"}.get(side, "")
    if kind == "stretch_depth_deg":
        return f"{side.capitalize()} leg forward ({other} hip flexor)"
    return f"{side.capitalize()} leg hanging ({side} hip flexor)"


def hip_flexor_side(kind: str, side: str) -> str:
    """The hip flexor a side's measurement is of."""
    return {"left": "right", "right": "left"}[side] if kind == "stretch_depth_deg" else side


# The plan
def import_plan_text(store: Store, person: int, file_name: str, data: bytes) -> Plan:
    """Validate an uploaded plan and keep it for ``person``; ``ConfigError`` (one line: file, line,
    key) when it cannot be used. Nothing stored is changed then."""
    if len(data) > MAX_PLAN_BYTES:
        raise ConfigError(file_name, "", f"is {len(data) // 1024} KB; a plan file is at most {MAX_PLAN_BYTES // 1024} KB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(file_name, "", "is not a text file (a plan is a .toml text file)") from None
    plan = parse_plan(file_name, text, load_catalogue())
    store.save_plan(person, plan.name, text)
    return plan


@store_callback
def _import(store: Store, person: int) -> None:
    upload = st.session_state.get("plan_upload")
    if upload is None:
        return
    try:
        plan = import_plan_text(store, person, upload.name, upload.getvalue())
    except ConfigError as exc:
        st.session_state["plan_message"] = ("error", f"Not imported: {exc}. Your plan and sessions are unchanged.")
        return
    st.session_state["plan_message"] = ("success", f"Imported the plan “{plan.name}”: the Coach page now offers it.")


def _plan_section(store: Store, person: int, catalogue: Catalogue) -> Plan | None:
    st.subheader("Your plan")
    current = person_plan(store, person)
    message = st.session_state.pop("plan_message", None)
    if message:
        getattr(st, message[0])(message[1])
    if current is None:
        st.caption("No plan yet. A physiotherapist writes one in a .toml file (the steps, holds, sets, days a week, "
                   "targets); import it here and the Coach page follows it.")
    else:
        plan = current.plan
        who = f" for {plan.person}" if plan.person else ""
        st.markdown(f"**{plan.name}**{who}: {plan.days_per_week} day{'s' if plan.days_per_week != 1 else ''} a week"
                    + (f" for {plan.weeks} weeks" if plan.weeks else "")
                    + f", from {(plan.starts or local_time(current.imported).date()):%d %b %Y}.")
        with st.expander("The plan's steps and targets"):
            st.markdown("\n".join(f"- {s}" for s in plan_steps(plan, catalogue)))
            for key, value in plan.targets.items():
                st.markdown(f"- target: {KIND_TITLES.get(key, key)}: at least {value:g}°")
    with st.form("plan_import", border=False, clear_on_submit=True):
        st.file_uploader("Import a plan file (.toml)", type=["toml"], key="plan_upload",
                         help="It is checked before anything is kept: a file that cannot be used is refused with "
                              "its line and key.")
        st.form_submit_button("Import the plan", on_click=_import, args=(store, person))
    return None if current is None else current.plan


def _adherence(store: Store, person: int, plan: Plan, today: date) -> None:
    current = person_plan(store, person)
    a: Adherence = plan_adherence(store, person, plan, today, local_time(current.imported).date())
    left, middle, right = st.columns(3)
    share = "—" if a.share is None else f"{100 * min(a.share, 1.0):.0f}%"
    left.metric("Days done, against planned", f"{a.done_days} of {a.planned_days}",
                help="Days with at least one step of the plan held with good form, against the plan's days a week "
                     "so far (this week's counted as they fall due).")
    middle.metric("Adherence", share)
    right.metric("Streak", f"{a.streak_weeks} week{'s' if a.streak_weeks != 1 else ''}",
                 help="Weeks in a row with all the planned days done.")
    rows = [{"week from": f"{w.starts:%d %b %Y}", "days done": w.done_days, "planned": w.planned_days,
             "met": "✓" if w.met else ("in progress" if w.in_progress else "—")} for w in a.weeks[-8:]]
    st.dataframe(pd.DataFrame(rows), hide_index=True)


# Trends
def trend_frame(all_trends: tuple[Trend, ...], kind: str) -> pd.DataFrame:
    rows = []
    for t in all_trends:
        if t.kind != kind:
            continue
        for p in t.points:
            spread = p.spread or 0.0
            rows.append({"when": p.when.replace(tzinfo=None), "side": measure_side_words(kind, t.side),
                         "value": round(p.value, 1), "low": round(p.value - spread, 1), "high": round(p.value + spread, 1),
                         "readings": f"{p.value:.0f}°" + (f" ±{p.spread:.0f}° over its readings" if p.spread else "")})
    return pd.DataFrame(rows, columns=["when", "side", "value", "low", "high", "readings"])


def trend_chart(data: pd.DataFrame, target: float | None) -> alt.LayerChart:
    """A line per side over time, the readings' spread as bars, the plan's target dashed."""
    sides = sorted(set(data["side"]))
    colours = [SIDE_COLOURS["left" if s.startswith("Left") else "right"] for s in sides]
    colour = alt.Color("side:N", title="side", scale=alt.Scale(domain=sides, range=colours),
                       legend=alt.Legend(orient="bottom", labelLimit=360))
    x = alt.X("when:T", title="date of the session", axis=alt.Axis(format="%d %b", labelAngle=-30, tickCount="day"))
    values = [*data["low"], *data["high"]] + ([target] if target is not None else [])
    scale = alt.Scale(domain=[min(values) - 5, max(values) + 5], nice=True)
    line = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=70)).encode(
        x=x, y=alt.Y("value:Q", title="degrees", scale=scale), color=colour,
        tooltip=[alt.Tooltip("when:T", format="%Y-%m-%d %H:%M"), "side:N", "readings:N"])
    bars = alt.Chart(data).mark_rule(strokeWidth=2).encode(x=x, y="low:Q", y2="high:Q", color=colour)
    layers = [bars, line]
    if target is not None:
        layers.append(alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(color="#555", strokeDash=[6, 4]).encode(
            y="target:Q", tooltip=[alt.Tooltip("target:Q", title="the plan's target (degrees)")]))
    return alt.layer(*layers).properties(height=CHART_HEIGHT_PX)


def latest_words(t: Trend) -> str:
    """"Left leg forward (right hip flexor): 18° ±7° on 03 Mar; target 15°: reached"."""
    p = t.latest
    spread = f" (±{p.spread:.0f}° over its readings)" if p.spread else ""
    target = "" if t.target is None else f"; target {t.target:g}°: {'reached' if t.reached else 'not yet'}"
    return (f"{measure_side_words(t.kind, t.side)}: **{p.value:.0f}° {plus_minus(t.kind)}**{spread} "
            f"on {p.when:%d %b}{target}")


def difference_words(d: SideDifference) -> tuple[bool, str]:
    """(flagged, sentence) for the latest left against the latest right."""
    title = KIND_TITLES.get(d.kind, d.kind).split(":")[0]
    if not d.flagged:
        return False, (f"{title}: left and right are {abs(d.difference):.0f}° apart, within the ±{d.allowed:.0f}° "
                       "the measurement itself varies by: no difference it can tell.")
    short = d.shorter_side
    return True, (f"{title}: {measure_side_words(d.kind, short).lower()} is {abs(d.difference):.0f}° short of the other "
                  f"side, beyond the ±{d.allowed:.0f}° the measurement itself varies by: the "
                  f"{hip_flexor_side(d.kind, short)} hip flexor may be the tighter. Worth showing your physiotherapist.")


def _trends(measurements: list[StoredMeasurement], plan: Plan | None) -> None:
    st.subheader("Hip-flexor length over time")
    all_trends = trends(measurements, plan)
    if not all_trends:
        st.info("No measurements yet: the stretch depth is kept from each kneeling hip-flexor stretch held with "
                "good form, the Thomas test's readings from the guided test on the Coach page.")
        return
    for kind in dict.fromkeys(t.kind for t in all_trends):
        kind_trends = tuple(t for t in all_trends if t.kind == kind)
        target = next((t.target for t in kind_trends if t.target is not None), None)
        st.markdown(f"**{KIND_TITLES.get(kind, kind)}**")
        t = trust(kind)
        st.caption(f"Each reading is good to {plus_minus(kind)} (its error on rendered clips with known angles"
                   + (f"; the same hold measured again varies by ±{t.retest_deg:g}°" if t else "") + ")"
                   + ("; the dashed line is the plan's target." if target is not None else "."))
        st.altair_chart(trend_chart(trend_frame(all_trends, kind), target), width="stretch")
        st.markdown("  \n".join(latest_words(t) for t in kind_trends))
    for d in side_differences(all_trends):
        flagged, words = difference_words(d)
        (st.warning if flagged else st.caption)(words)


# Pain
def ratings_frame(ratings: list[StoredRating], catalogue: Catalogue) -> pd.DataFrame:
    marked = "stop: see a doctor or physiotherapist"
    return pd.DataFrame([{"when": f"{local_time(r.rated):%Y-%m-%d %H:%M}", "stretch": step_name(catalogue, r.exercise, r.side),
                          "pain (0-10)": r.pain, "word": r.word, "marked": marked if r.stop else ""}
                         for r in reversed(ratings)], columns=["when", "stretch", "pain (0-10)", "word", "marked"])


def _pain(ratings: list[StoredRating], catalogue: Catalogue) -> None:
    st.subheader("Pain ratings")
    if not ratings:
        st.caption("No ratings yet: after each session the Coach page asks how each stretch felt (0 to 10).")
        return
    stops = [r for r in ratings if r.stop]
    if stops:
        st.error(f"**{len(stops)} set{'s' if len(stops) != 1 else ''} marked** for sharp, shooting or pulsing pain or a "
                 f"high rating. {GUIDANCE}", icon=":material/emergency:")
    st.dataframe(ratings_frame(ratings, catalogue), hide_index=True, width="stretch")


def render(store: Store, person: int, catalogue: Catalogue, sessions: set[int] | None = None,
           today: date | None = None) -> None:
    """The plan, adherence, trends and pain ratings; ``sessions`` limits them to these sessions
    (History leaves out the demo runs)."""
    plan = _plan_section(store, person, catalogue)
    if plan is not None:
        _adherence(store, person, plan, today or date.today())
    measurements = [m for m in store.measurements(person) if sessions is None or m.session in sessions]
    _trends(measurements, plan)
    ratings = [r for r in store.ratings(person) if sessions is None or r.session in sessions]
    _pain(ratings, catalogue)


# On the Review page: the session's own measurements
def session_measures(store: Store, person: int, session: int) -> None:
    """The stretch depth and Thomas readings this session kept, each with its ±N."""
    kept = [m for m in store.measurements(person) if m.session == session]
    if not kept:
        return
    st.subheader("Measured in this session")
    lines = []
    for m in kept:
        spread = f" (±{m.spread:.0f}° over {m.readings} readings)" if m.spread is not None and m.readings > 1 else ""
        lines.append(f"{KIND_TITLES.get(m.kind, m.kind)}, {measure_side_words(m.kind, m.side).lower()}: "
                     f"**{m.value:.0f}° {plus_minus(m.kind)}**{spread}")
    st.markdown("  \n".join(lines))


# On the printable summary: what a physiotherapist needs on one page
def _h(text: object) -> str:
    import html

    return html.escape(str(text))


def summary_section_html(store: Store, person: int, today: date | None = None) -> str:
    """Adherence, each measurement's trend per side (Thomas readings with their spread), the
    left-right flags and the pain ratings, as HTML for the printable summary ("" when none)."""
    today = today or date.today()
    parts = []
    current = person_plan(store, person)
    plan = current.plan if current else None
    if current is not None:
        a = plan_adherence(store, person, plan, today, local_time(current.imported).date())
        share = "—" if a.share is None else f"{100 * min(a.share, 1.0):.0f}%"
        parts.append(f"<p><b>Plan:</b> {_h(plan.name)}, {plan.days_per_week} days a week. <b>Adherence:</b> "
                     f"{a.done_days} of {a.planned_days} planned days ({share}); streak {a.streak_weeks} "
                     f"week{'s' if a.streak_weeks != 1 else ''}.</p>")
    all_trends = trends(store.measurements(person), plan)
    if all_trends:
        rows = []
        for t in all_trends:
            values = ", ".join(f"{p.when:%d %b} {p.value:.0f}" + (f"±{p.spread:.0f}" if p.spread else "")
                               for p in t.points[-8:])
            target = "—" if t.target is None else f"{t.target:g}: {'reached' if t.reached else 'not yet'}"
            rows.append(f"<tr><td>{_h(KIND_TITLES.get(t.kind, t.kind))}</td><td>{_h(measure_side_words(t.kind, t.side))}"
                        f"</td><td>{_h(values)}</td><td class=\"num\">{_h(plus_minus(t.kind))}</td>"
                        f"<td class=\"num\">{_h(target)}</td></tr>")
        parts.append('<p class="sub">Measurements over time (degrees; Thomas test: the median of three readings '
                     '± half their range)</p><table><tr><th>measure</th><th>side</th><th>sessions (latest last)</th>'
                     '<th>error</th><th>target</th></tr>' + "".join(rows) + "</table>")
        for d in side_differences(all_trends):
            flagged, words = difference_words(d)
            parts.append(f'<p class="{"no" if flagged else "muted"}">{_h(words)}</p>')
    ratings = store.ratings(person)
    if ratings:
        catalogue = load_catalogue("beginner")
        rows = "".join(f"<tr><td>{local_time(r.rated):%d %b %H:%M}</td><td>{_h(step_name(catalogue, r.exercise, r.side))}"
                       f"</td><td class=\"num\">{r.pain} / 10</td><td>{_h(r.word)}</td>"
                       f"<td>{'<b class=no>marked: stop and seek care</b>' if r.stop else ''}</td></tr>"
                       for r in ratings[-10:])
        parts.append('<p class="sub">Pain ratings (latest 10)</p><table><tr><th>when</th><th>stretch</th><th>pain</th>'
                     "<th>word</th><th></th></tr>" + rows + "</table>")
    if not parts:
        return ""
    return "<section class=\"progress\"><h2>Progress</h2>" + "".join(parts) + "</section>"
