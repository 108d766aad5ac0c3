"""Profiles on the page: the built-in ones and a person's own, saved in the store as TOML."""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from posecoach.adapters.store import Store
from posecoach.exercises.catalogue import BUILTIN_PROFILES, Catalogue, ConfigError, load_catalogue
from posecoach.ui.common import store_callback

TEMPLATE = """# Your own thresholds, on top of a built-in profile (see the catalogue for every check).
base = "beginner"

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
    return Catalogue(catalogue.exercises, name)


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


@store_callback
def _save(store: Store, person: int) -> None:
    name = st.session_state.get("profile_name_new", "").strip()
    toml = st.session_state.get("profile_toml_new", "")
    problem = check_profile(name, toml)
    if problem is None:
        store.save_profile(person, name, toml)
    st.session_state["profile_message"] = ("error", problem) if problem else ("success", f"Saved profile {name!r}.")


@store_callback
def _delete(store: Store, person: int) -> None:
    name = st.session_state.get("profile_delete_pick")
    if name:
        store.delete_profile(person, name)
        st.session_state["profile_message"] = ("success", f"Deleted profile {name!r}.")


def profile_editor(store: Store | None, person: int) -> None:
    """Save or delete the person's own profiles (callbacks, so the picker above sees the change)."""
    with st.expander("Your own profiles"):
        if store is None:
            st.caption("Your own profiles are kept in the store, which is not in use: the built-in ones remain.")
            return
        st.text_input("Profile name", key="profile_name_new", placeholder="e.g. gentle")
        st.text_area("Profile (TOML)", value=TEMPLATE, height=200, key="profile_toml_new")
        st.button("Save profile", key="profile_save", on_click=_save, args=(store, person))
        kind, message = st.session_state.pop("profile_message", (None, None))
        if kind == "error":
            st.error(message)
        elif kind == "success":
            st.success(message)
        saved = list(store.profiles(person))
        if saved:
            st.selectbox("Delete a profile", ["", *saved], key="profile_delete_pick")
            st.button("Delete", key="profile_delete", on_click=_delete, args=(store, person))
