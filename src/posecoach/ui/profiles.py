"""Profiles on the page: the built-in ones and a person's own, saved in the store as TOML."""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from posecoach.adapters.store import Store
from posecoach.exercises.catalogue import (
    BREATH_PHASE_RANGE_S,
    BUILTIN_PROFILES,
    Catalogue,
    ConfigError,
    Pacing,
    load_catalogue,
    parse_toml,
)
from posecoach.exercises.tuning import HOLD_RANGE_S, profile_toml, with_values
from posecoach.ui.common import store_callback

TEMPLATE = """# Your own thresholds, on top of a built-in profile (see the catalogue for every check).
base = "beginner"

# The breathing pacing guide in the rest positions: in for 4 s, out for 6 s, shown.
breathe_in_s = 4
breathe_out_s = 6
pacing_guide = true

# Hold the kneeling hip-flexor stretch for 45 seconds instead of 30.
[lunge]
hold_s = 45
"""


@dataclass(frozen=True)
class ProfileChoice:
    """A built-in profile (``toml`` None) or one of the person's own."""

    name: str
    toml: str | None

    @property
    def label(self) -> str:
        return self.name if self.toml is None else f"{self.name} (yours)"


@functools.lru_cache(maxsize=32)
def catalogue_for(name: str, toml: str | None) -> Catalogue:
    """The catalogue with a built-in profile, or with a saved profile's TOML text."""
    if toml is None:
        return load_catalogue(name)
    with tempfile.TemporaryDirectory(prefix="posecoach-profile-") as tmp:
        path = Path(tmp) / f"{name}.toml"
        path.write_text(toml, encoding="utf-8")
        try:
            catalogue = load_catalogue(path)
        except ConfigError as exc:  # name the profile, not the temporary file
            raise ConfigError(f"profile {name!r}", exc.key, exc.problem, exc.line) from None
    return replace(catalogue, profile=name)


GENERATED_NOTES = ("Thresholds tuned in posecoach.", "Made in posecoach.")  # comments posecoach writes itself


def profile_note(toml: str | None) -> str:
    """The person's note kept at the head of a saved profile (its leading comment lines), "" if none."""
    lines = []
    for line in (toml or "").splitlines():
        if not line.startswith("#"):
            break
        text = line[1:].strip()
        if text and text not in GENERATED_NOTES and not text.startswith("Tuned from "):
            lines.append(text)
    return "\n".join(lines)


def note_comment(note: str, made_from: str = "") -> str:
    """A note as the profile file's leading comment (``profile_toml``'s ``note``): one comment line per
    line, after a line saying where the profile came from."""
    lines = [made_from] if made_from else []
    lines += [line.strip() for line in note.splitlines() if line.strip()]
    return "\n# ".join(lines or GENERATED_NOTES[:1])


def profile_choices(store: Store | None, person: int) -> list[ProfileChoice]:
    """The built-in profiles, then the person's own (none while coaching without storing)."""
    saved = store.profiles(person) if store is not None else {}
    return [ProfileChoice(n, None) for n in BUILTIN_PROFILES] + [ProfileChoice(n, t) for n, t in saved.items()]


def check_profile(name: str, toml: str) -> str | None:
    """None if the profile can be used, else what is wrong with it (file, line and key)."""
    if not name.strip():
        return "Give the profile a name."
    if name.strip() in BUILTIN_PROFILES:
        return f"{name.strip()!r} is a built-in profile: choose another name."
    try:
        catalogue_for(name.strip(), toml)
    except ConfigError as exc:
        return str(exc)
    return None


FORM_BASE, FORM_NOTE, FORM_FROM = "profile_form_base", "profile_form_note", "profile_form_from"
NEW = ""  # "Start from": a new profile


def _hold_key(exercise: str) -> str:
    return f"profile_form_hold:{exercise}"


PACING_IN, PACING_OUT, PACING_ON = "profile_form_breathe_in_s", "profile_form_breathe_out_s", "profile_form_pacing"


def form_toml(name: str, base_name: str, holds_s: dict[str, float], note: str, pacing: Pacing | None = None) -> str:
    """The profile file the form describes: ``holds_s`` (exercise -> hold target, seconds) and the
    breathing ``pacing`` (None: the base's) on top of the built-in ``base_name``, the note as its
    leading comment."""
    base = catalogue_for(base_name, None)
    values = {f"{e}.hold_s": float(v) for e, v in holds_s.items() if e in base.exercises and float(v) != base[e].hold_s}
    tuned = replace(with_values(base, values), pacing=pacing or base.pacing)
    return profile_toml(name, base_name, base, tuned, note=note_comment(note, GENERATED_NOTES[1]))


def _form_pacing() -> Pacing:
    """The pacing guide as the form sets it (seconds in and out, shown or not)."""
    default = Pacing()
    return Pacing(float(st.session_state.get(PACING_IN, default.breathe_in_s)),
                  float(st.session_state.get(PACING_OUT, default.breathe_out_s)),
                  bool(st.session_state.get(PACING_ON, default.pacing_guide)))


def _fill_form(store: Store, person: int) -> None:
    """Put the chosen profile's values into the form (or the built-in's, for a new one)."""
    name = st.session_state.get(FORM_FROM, NEW)
    toml = store.profiles(person).get(name) if name else None
    base_name = "beginner"
    if toml is not None:
        try:
            base_name = str(parse_toml("profile", toml).get("base", "beginner"))
        except ConfigError:
            pass
    try:
        catalogue = catalogue_for(name, toml) if toml is not None else catalogue_for(base_name, None)
    except ConfigError:
        catalogue = catalogue_for(base_name, None)
    st.session_state["profile_name_new"] = name
    st.session_state[FORM_BASE] = base_name if base_name in BUILTIN_PROFILES else "beginner"
    st.session_state[FORM_NOTE] = profile_note(toml)
    for eid, spec in catalogue.exercises.items():
        st.session_state[_hold_key(eid)] = float(spec.hold_s)
    st.session_state[PACING_IN] = float(catalogue.pacing.breathe_in_s)
    st.session_state[PACING_OUT] = float(catalogue.pacing.breathe_out_s)
    st.session_state[PACING_ON] = bool(catalogue.pacing.pacing_guide)


@store_callback
def _save_form(store: Store, person: int) -> None:
    name = st.session_state.get("profile_name_new", "").strip()
    base_name = st.session_state.get(FORM_BASE, "beginner")
    holds = {eid: st.session_state[_hold_key(eid)] for eid in catalogue_for(base_name, None).exercises
             if _hold_key(eid) in st.session_state}
    toml = form_toml(name, base_name, holds, st.session_state.get(FORM_NOTE, ""), _form_pacing())
    problem = check_profile(name, toml)
    if problem is None:
        store.save_profile(person, name, toml)
        remember_profile(person, f"{name} (yours)")
    st.session_state["profile_message"] = ("error", problem) if problem else ("success", f"Saved profile {name!r}.")


@store_callback
def _import(store: Store, person: int) -> None:
    name = st.session_state.get("profile_name_new", "").strip()
    toml = st.session_state.get("profile_toml_new", "")
    problem = check_profile(name, toml)
    if problem is None:
        store.save_profile(person, name, toml)
        remember_profile(person, f"{name} (yours)")
    st.session_state["profile_message"] = ("error", problem) if problem else ("success", f"Saved profile {name!r}.")


@store_callback
def _delete(store: Store, person: int) -> None:
    name = st.session_state.get("profile_delete_pick")
    if name:
        store.delete_profile(person, name)
        st.session_state["profile_message"] = ("success", f"Deleted profile {name!r}.")


def profile_editor(store: Store | None, person: int) -> None:
    """Make, change or delete the person's own profiles in a form (callbacks, so the picker above
    sees the change); a profile file from a physiotherapist can be pasted under Advanced."""
    with st.expander("Your own profiles"):
        if store is None:
            st.caption("Your own profiles are kept in the store, which is not in use: the built-in ones remain.")
            return
        saved = list(store.profiles(person))
        if _hold_key("lunge") not in st.session_state:
            _fill_form(store, person)
        st.selectbox("Start from", [NEW, *saved], key=FORM_FROM, on_change=_fill_form, args=(store, person),
                     format_func=lambda n: "A new profile" if n == NEW else f"{n} (yours)")
        left, right = st.columns(2)
        left.text_input("Profile name", key="profile_name_new", placeholder="e.g. gentle")
        right.selectbox("Built on", list(BUILTIN_PROFILES), key=FORM_BASE,
                        help="Every check's band comes from this built-in profile; move them on the Tune page.")
        st.markdown("**Hold target of each stretch (seconds)**")
        base = catalogue_for(st.session_state.get(FORM_BASE, "beginner"), None)
        columns = st.columns(2)
        for i, (eid, spec) in enumerate(base.exercises.items()):
            st.session_state.setdefault(_hold_key(eid), float(spec.hold_s))
            columns[i % 2].number_input(spec.name, min_value=HOLD_RANGE_S[0], max_value=HOLD_RANGE_S[1], step=5.0,
                                        format="%.0f", key=_hold_key(eid))
        _pacing_inputs(base.pacing)
        st.text_area("Note kept with the profile", key=FORM_NOTE, height=80,
                     placeholder="e.g. From my physiotherapist, 3 June: hold 45 s, both sides.")
        st.button("Save profile", key="profile_save", type="primary", on_click=_save_form, args=(store, person))
        kind, message = st.session_state.pop("profile_message", (None, None))
        if kind == "error":
            st.error(message)
        elif kind == "success":
            st.success(message)
        with st.expander("Advanced: paste a profile file"):
            st.caption("A profile file from your physiotherapist (TOML), saved under the name above.")
            st.text_area("Profile file", value=TEMPLATE, height=160, key="profile_toml_new")
            st.button("Save this file as the profile", key="profile_import", on_click=_import, args=(store, person))
        if saved:
            st.selectbox("Delete a profile", ["", *saved], key="profile_delete_pick")
            st.button("Delete", key="profile_delete", on_click=_delete, args=(store, person))


def _pacing_inputs(default: Pacing) -> None:
    """The breathing pacing guide's part of the form: seconds in, seconds out, shown or not."""
    low, high = BREATH_PHASE_RANGE_S
    st.markdown("**Breathing in the rest positions**")
    st.session_state.setdefault(PACING_IN, float(default.breathe_in_s))
    st.session_state.setdefault(PACING_OUT, float(default.breathe_out_s))
    st.session_state.setdefault(PACING_ON, bool(default.pacing_guide))
    left, right = st.columns(2)
    left.number_input("Breathe in for (seconds)", min_value=low, max_value=high, step=0.5, format="%.1f",
                      key=PACING_IN)
    right.number_input("Breathe out for (seconds)", min_value=low, max_value=high, step=0.5, format="%.1f",
                       key=PACING_OUT)
    st.toggle("Show the pacing guide while I rest", key=PACING_ON,
              help="A shape that grows as you breathe in and shrinks as you breathe out, with a soft tone, "
                   "in the rest positions and knee to chest.")


# Which profile follows the person: the one they last chose or saved on any page (this browser
# session), else the one their last session used if it is their own, else their first own one.
REMEMBERED = "profile_of_person"  # session state: person id -> a profile label


def remember_profile(person: int, label: str) -> None:
    """The person chose or saved ``label``: it becomes their default on every page."""
    st.session_state.setdefault(REMEMBERED, {})[person] = label


def person_default(store: Store | None, person: int, choices: list[ProfileChoice]) -> str | None:
    """The label of the person's own profile to choose first, None when they have none."""
    labels = [c.label for c in choices]
    remembered = st.session_state.get(REMEMBERED, {}).get(person)
    if remembered in labels:
        return remembered
    own = [c for c in choices if c.toml is not None]
    if not own or store is None:
        return None
    last = next((s.profile_name for s in store.sessions(person) if s.profile_toml is not None), None)
    return next((c.label for c in own if c.name == last), own[0].label)


def pick_for_person(store: Store | None, person: int, choices: list[ProfileChoice], key: str,
                    fallback: str | None = None) -> None:
    """Set the picker ``key`` to the person's default when the person changed or the choice is gone."""
    labels = [c.label for c in choices]
    owner, applied = f"{key}:person", f"{key}:remembered"
    remembered = st.session_state.get(REMEMBERED, {}).get(person)
    if (st.session_state.get(owner) != person or st.session_state.get(key) not in labels
            or (remembered in labels and st.session_state.get(applied) != remembered)):
        st.session_state[key] = person_default(store, person, choices) or (fallback if fallback in labels else labels[0])
        st.session_state[owner] = person
        st.session_state[applied] = remembered
