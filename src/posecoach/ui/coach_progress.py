"""What the Coach page adds for a physiotherapist's progress: the person's plan as the routine,
the stretch depth as it deepens, the guided Thomas test, and the pain rating after each exercise.

Angles in degrees; each reading carries "±N°", the measurement's error on rendered clips
(``exercises/measurements.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from posecoach.adapters.store import Store
from posecoach.core.coach import FrameResult
from posecoach.core.pain import GUIDANCE, RatingError, rate
from posecoach.core.thomas import DONE, UNSEEN, ThomasReading
from posecoach.exercises.catalogue import BUILTIN_PROFILES, Catalogue, ConfigError, load_catalogue
from posecoach.exercises.measurements import plus_minus
from posecoach.exercises.plan import Plan, parse_plan
from posecoach.services.live_state import step_name
from posecoach.services.live_thomas import ThomasLive
from posecoach.ui.common import store_callback

PLAN = "plan"  # the exercise picker's option: follow the person's plan
THOMAS = "thomas"  # the exercise picker's option: the guided Thomas test
THOMAS_LABEL = "Thomas test (guided): how long are my hip flexors?"
THOMAS_STEPS = (
    "Sit on the very end of a firm bed or table, then lie back.",
    "Hug one knee to your chest with both hands, until your lower back lies flat on the bed.",
    "Let the other leg hang over the edge, relaxed: do not hold it up or push it down.",
    "Stay still for a few seconds: a reading is taken when you are steady and your back is flat.",
    "After each reading, sit up or lift the leg, then lie back and let it hang again: three readings a side.",
    "Then hug the other knee and let the first leg rest: three readings of the other side.",
)
THOMAS_CAMERA = ("Put the camera side-on to the bed, level with the bed's top, 2 to 3 m away, so your whole body "
                 "and the hanging leg down to the foot are in the picture.")


@dataclass(frozen=True)
class PersonPlan:
    plan: Plan
    imported: str  # ISO time it was imported


def person_plan(store: Store | None, person: int) -> PersonPlan | None:
    """The person's latest imported plan, None without one (or one this version cannot read)."""
    if store is None or not person:
        return None
    plans = store.plans(person)
    if not plans:
        return None
    name, text, imported = plans[0]
    try:
        return PersonPlan(parse_plan(f"plan {name!r}", text, load_catalogue()), imported)
    except ConfigError:
        return None


def plan_label(plan: Plan) -> str:
    return f"Your plan: {plan.name}"


def plan_catalogue(plan: Plan, chosen: Catalogue) -> tuple[Catalogue, str]:
    """The plan's thresholds profile (a built-in one), else the chosen profile; and what to say."""
    if plan.profile in BUILTIN_PROFILES:
        return load_catalogue(plan.profile), f"The plan's profile, {plan.profile}, is used."
    return chosen, f"The plan names the profile file {plan.profile}; your chosen profile is used instead."


def plan_steps(plan: Plan, catalogue: Catalogue) -> list[str]:
    """The plan's steps in words for the card: "Kneeling hip-flexor stretch, left leg forward: 0:45"."""
    out = []
    for s in plan.steps:
        for n in range(s.sets):
            sets = f" (set {n + 1} of {s.sets}{f', then {s.rest_s:g} s rest' if s.rest_s and n + 1 < s.sets else ''})" \
                if s.sets > 1 else ""
            for side in s.sides or (None,):
                out.append(f"{step_name(catalogue, s.exercise, side)}: {s.hold_s:.0f} s{sets}")
    return out


# Stretch depth, live
def depth_words(result: FrameResult | None, deepest: dict) -> str | None:
    """The depth held now and the session's deepest for this side, with the measurement's error."""
    if result is None or result.exercise is None:
        return None
    key = (result.exercise, result.side)
    if result.depth_deg is not None:
        deepest[key] = max(deepest.get(key, float("-inf")), result.depth_deg)
    best = deepest.get(key)
    if best is None:
        return None
    now = f"{result.depth_deg:.0f}°" if result.depth_deg is not None else "–"
    return (f"Stretch depth (back hip past straight, held with good form): now {now}, deepest today "
            f"{best:.0f}° {plus_minus('stretch_depth_deg')}")


# The guided Thomas test
def show_thomas_card() -> None:
    st.markdown("**The Thomas test, guided** (it measures how long the hanging leg's hip flexors are)")
    st.markdown("\n".join(f"{i}. {s}" for i, s in enumerate(THOMAS_STEPS, 1)))
    st.markdown(f"**Camera.** {THOMAS_CAMERA}")
    st.caption("Stop at once at sharp, shooting or pulsing pain. Not medical advice: the readings are for you and "
               "your physiotherapist.")


def reading_words(r: ThomasReading) -> str:
    return (f"thigh {r.hip_deg:.0f}° below the bed {plus_minus('thomas_hip_deg')}, "
            f"knee bent {r.knee_deg:.0f}° {plus_minus('thomas_knee_deg')}")


def show_thomas(live: ThomasLive | None) -> None:
    """What to do now (or why the view cannot show the leg), and the readings of each side."""
    if live is None:
        return
    if live.state == UNSEEN:
        st.warning(f"Reading: unknown. {live.reason}.", icon=":material/visibility_off:")
    elif live.words:
        st.info(live.words, icon=":material/straighten:")
    for side in ("left", "right"):
        rs = [r for r in live.readings if r.side == side]
        head = f"**{side.capitalize()} leg hanging** ({side} hip flexors): {len(rs)} of {live.per_side} readings"
        lines = [f"{i}. {reading_words(r)}" for i, r in enumerate(rs, 1)]
        if len(rs) >= live.per_side:
            hips = sorted(r.hip_deg for r in rs)
            knees = sorted(r.knee_deg for r in rs)
            lines.append(f"**Kept:** thigh {hips[len(hips) // 2]:.0f}° ±{(hips[-1] - hips[0]) / 2:.0f}° over the "
                         f"readings, knee {knees[len(knees) // 2]:.0f}° ±{(knees[-1] - knees[0]) / 2:.0f}° "
                         f"(the method's own error: thigh {plus_minus('thomas_hip_deg')}, knee "
                         f"{plus_minus('thomas_knee_deg')})")
        st.markdown(head + ("  \n" + "  \n".join(lines) if lines else ""))
    if live.state == DONE and all(len([r for r in live.readings if r.side == s]) >= live.per_side
                                  for s in ("left", "right")):
        st.success("Both sides measured. Press Stop: the readings are kept with the session.")


# Pain after each exercise
def _rated(store: Store, person: int, session: int) -> dict[tuple[str, str | None], tuple[int, str, bool]]:
    return {(r.exercise, r.side): (r.pain, r.word, r.stop) for r in store.ratings(person) if r.session == session}


@store_callback
def _save_rating(store: Store, session: int, exercise: str, side: str | None, key: str) -> None:
    pain = st.session_state.get(f"{key}_pain", "")
    word = st.session_state.get(f"{key}_word", "")
    try:
        rating = rate(pain, word)
    except RatingError as exc:
        st.session_state[f"{key}_error"] = f"Not saved: {exc}."
        return
    store.save_rating(session, exercise, side, rating.pain, rating.word, rating.stop)
    st.session_state.pop(f"{key}_error", None)


def rating_forms(store: Store | None, person: int, session: int | None, catalogue: Catalogue) -> None:
    """After a session: a 0-10 pain rating and a word for each exercise (and side) it held."""
    if store is None or session is None:
        return
    done = []
    for sid, hold in store.person_holds(person):
        key = (hold.exercise, hold.side)
        if sid == session and hold.good_form_s > 0 and key not in done:
            done.append(key)
    if not done:
        return
    rated = _rated(store, person, session)
    st.markdown("**How did it feel?** Rate each stretch: 0 no pain, 10 the worst imaginable. A stretch may feel "
                "deep; it must not hurt sharply.")
    for exercise, side in done:
        name = step_name(catalogue, exercise, side)
        if (exercise, side) in rated:
            pain, word, stop = rated[(exercise, side)]
            said = f", “{word}”" if word else ""
            if stop:
                st.error(f"**{name}: pain {pain} of 10{said}. This set is marked.** {GUIDANCE}", icon=":material/emergency:")
            else:
                st.caption(f"{name}: pain {pain} of 10{said}, saved.")
            continue
        key = f"rate_{session}_{exercise}_{side}"
        with st.form(key, border=True):
            left, right = st.columns([1, 3])
            left.text_input(f"Pain: {name}", key=f"{key}_pain", placeholder="0 to 10")
            right.text_input("A word for it (optional)", key=f"{key}_word", placeholder="e.g. stretchy, sharp, tingling")
            st.form_submit_button("Save rating", on_click=_save_rating, args=(store, session, exercise, side, key))
        error = st.session_state.get(f"{key}_error")
        if error:
            st.error(error)
