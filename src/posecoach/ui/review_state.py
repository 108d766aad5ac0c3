"""What the Review and Tune pages share: the chosen session, its observations (replayed once
per session and kept), the profile to judge it with, and the thresholds being tuned."""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from posecoach import __version__
from posecoach.adapters.store import SessionInfo, Store, StoreError, StoreUnusable, session_cache_dir
from posecoach.core.coach import Observation
from posecoach.exercises.catalogue import BUILTIN_PROFILES, Catalogue, ConfigError, parse_toml
from posecoach.exercises.tuning import with_values
from posecoach.reports.review import Review, forced_exercise, observe, review
from posecoach.reports.words import clock_s, plain_error, when_words
from posecoach.ui.common import privacy_footer
from posecoach.ui.profiles import ProfileChoice, catalogue_for, pick_for_person, profile_choices, remember_profile

SESSION_KEY = "review_session"
TUNED_KEY = "tune_values"  # {"profile": label, "values": {threshold key: value}}



def source_words(info: SessionInfo) -> str:
    kind, _, name = (info.source or "webcam").partition(":")
    words = {"webcam": "live camera", "clip": "sample clip", "upload": "uploaded video", "file": "analysed video"}
    return f"{words.get(kind, kind)} {name}".strip()


def session_label(info: SessionInfo) -> str:
    names = catalogue_for("beginner", None).exercises  # the names are the same in every profile
    arg = info.exercise_arg
    exercise = names[arg].name if arg in names else ("recognised" if arg in (None, "auto") else str(arg))
    ended = "" if info.ended else " · interrupted"
    return f"{when_words(info.started)} · {exercise} · {clock_s(info.duration_s)} · {source_words(info)}{ended}"


def session_picker(store: Store, person: int, key: str = SESSION_KEY) -> SessionInfo | None:
    """Choose one of the person's stored sessions (newest first); None if there are none."""
    sessions = [s for s in store.sessions(person) if s.n_frames > 0]
    if not sessions:
        return None
    by_id = {s.id: s for s in sessions}
    if st.session_state.get(key) not in by_id:
        st.session_state[key] = sessions[0].id
    chosen = st.selectbox("Session", list(by_id), format_func=lambda i: session_label(by_id[i]), key=key)
    return by_id[chosen]


@dataclass
class Loaded:
    """A stored session's header and observations (threshold-free, so any profile can judge them)."""

    info: SessionInfo
    observations: list[Observation]


def _replay(store: Store, session_id: int, exercise_arg: str | None) -> list[Observation]:
    stored = store.load_session(session_id)
    base = catalogue_for("beginner", None)  # measures do not depend on the profile
    info = stored.info
    return observe(((f.t_ms, f.landmarks, f.image_measures) for f in stored.frames), info.width or 640,
                   info.height or 480, base, forced_exercise(exercise_arg, base))


@st.cache_resource(max_entries=4, show_spinner=False)
def _observations(db_path: str, session_id: int, n_frames: int, exercise_arg: str | None) -> Loaded:
    """Replayed once (about half a millisecond a frame) and kept, in memory and in the
    session's cache folder, which goes with the session when it is deleted."""
    store = Store(db_path)
    how = hashlib.sha1(f"{exercise_arg}:{__version__}".encode()).hexdigest()[:10]
    path = cache_dir(store, session_id) / f"observations-{n_frames}-{how}.pickle"
    obs = None
    if path.exists():
        with contextlib.suppress(Exception):  # a stale or damaged cache is made again
            obs = pickle.loads(path.read_bytes())
    if obs is None:
        obs = _replay(store, session_id, exercise_arg)
        with contextlib.suppress(OSError):
            tmp = path.with_suffix(".partial")
            tmp.write_bytes(pickle.dumps(obs, protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(path)
    return Loaded(store.session(session_id), obs)


def load(store: Store, info: SessionInfo) -> Loaded | None:
    """The session's observations, replayed once and kept while the session is unchanged."""
    try:
        with st.spinner("Reading the session…"):
            return _observations(str(store.path), info.id, info.n_frames, info.exercise_arg)
    except StoreUnusable:  # the file itself: the app says so and offers to coach without it
        raise
    except StoreError as exc:
        st.error(plain_error(str(exc)))
        return None


def _recorded_choice(info: SessionInfo, choices: list[ProfileChoice]) -> ProfileChoice | None:
    """The profile the session was coached with, if it is not among the choices any more."""
    name = info.profile_name or "beginner"
    if any(c.name == name and (c.toml is None) == (info.profile_toml is None) and
           (c.toml is None or c.toml == info.profile_toml) for c in choices):
        return None
    if info.profile_toml is None:
        return None
    return ProfileChoice(f"{name} (as recorded)", info.profile_toml)


def _remember(person: int, key: str, choices: list[ProfileChoice]) -> None:
    """A person's own profile chosen here becomes their default on every page."""
    label = st.session_state.get(key)
    if any(c.label == label and c.toml is not None and not c.label.endswith("(as recorded)") for c in choices):
        remember_profile(person, label)


def profile_picker(store: Store, person: int, info: SessionInfo, key: str) -> ProfileChoice:
    """Built-in and the person's profiles, the session's own first selected."""
    choices = profile_choices(store, person)
    recorded = _recorded_choice(info, choices)
    if recorded is not None:
        choices.append(recorded)
    labels = [c.label for c in choices]
    own = info.profile_name or "beginner"
    match = next((c.label for c in choices if c.name == own and (c.toml is None) == (info.profile_toml is None)), None)
    recorded_own = recorded is None and info.profile_toml is not None and match is not None
    # The session's own profile when it was one of the person's, else the person's profile, else what it was coached with.
    pick_for_person(store, person, choices, key, recorded.label if recorded else match)
    if recorded_own and st.session_state.get(f"{key}:session") != info.id:
        st.session_state[key] = match
    st.session_state[f"{key}:session"] = info.id
    label = st.selectbox("Thresholds", labels, key=key, help="The profile the session is judged with; tune it on the Tune page.",
                         on_change=lambda: _remember(person, key, choices))
    return choices[labels.index(label)]


def catalogue_of(choice: ProfileChoice) -> Catalogue | None:
    try:
        return catalogue_for(choice.name, choice.toml)
    except ConfigError as exc:
        st.error(f"This profile cannot be used: {exc}")
        return None


def base_profile(choice: ProfileChoice) -> str:
    """The built-in profile a choice builds on."""
    if choice.toml is None:
        return choice.name if choice.name in BUILTIN_PROFILES else "beginner"
    try:
        base = parse_toml("profile", choice.toml).get("base", "beginner")
    except ConfigError:
        return "beginner"
    return base if base in BUILTIN_PROFILES else "beginner"


def tuned_values(choice: ProfileChoice) -> dict[str, float]:
    """The thresholds tuned on top of this profile (empty when none, or tuned on another)."""
    tuned = st.session_state.get(TUNED_KEY) or {}
    return dict(tuned.get("values", {})) if tuned.get("profile") == choice.label else {}


_REVIEWS: dict[tuple[int, str], tuple[list[Observation], Review]] = {}
MAX_REVIEWS = 8


def judged(loaded: Loaded, catalogue: Catalogue) -> Review:
    """The session judged under ``catalogue``, kept for the last few pairs (a slider's move
    re-scores once; the profile's own verdicts beside it are not computed again)."""
    key = (id(loaded.observations), catalogue_key(catalogue))
    kept = _REVIEWS.get(key)
    if kept is None or kept[0] is not loaded.observations:
        if len(_REVIEWS) >= MAX_REVIEWS:
            _REVIEWS.pop(next(iter(_REVIEWS)))
        kept = _REVIEWS[key] = (loaded.observations, review(loaded.observations, catalogue))
    return kept[1]


def judged_catalogue(choice: ProfileChoice, use_tuned: bool = True) -> Catalogue | None:
    catalogue = catalogue_of(choice)
    if catalogue is None or not use_tuned:
        return catalogue
    return with_values(catalogue, tuned_values(choice))


@dataclass(frozen=True)
class Picked:
    """A chosen session, the profile chosen to judge it, that profile's catalogue and the
    session's observations."""

    info: SessionInfo
    choice: ProfileChoice
    catalogue: Catalogue
    loaded: Loaded


def pick_session(store: Store, person: int, profile_key: str, when_none: str,
                 catalogue: Callable[[ProfileChoice], Catalogue | None] = catalogue_of) -> Picked | None:
    """The session and thresholds pickers, then the session's observations. None when there is
    no session (``when_none`` is said, then the privacy footer) or when the profile or the
    session cannot be used (the error is shown)."""
    info = session_picker(store, person)
    if info is None:
        st.info(when_none)
        privacy_footer()
        return None
    choice = profile_picker(store, person, info, key=profile_key)
    judged_with = catalogue(choice)
    loaded = load(store, info)
    if judged_with is None or loaded is None:
        return None
    return Picked(info, choice, judged_with, loaded)


def catalogue_key(catalogue: Catalogue) -> str:
    """A short digest of every threshold (names an annotated video made with them)."""
    return hashlib.sha1(repr(sorted(catalogue.exercises.items())).encode()).hexdigest()[:12]


def cache_dir(store: Store, session_id: int) -> Path:
    """Files made from one session (replayed poses, annotated videos); deleted with it."""
    path = session_cache_dir(Path(store.path), session_id)
    path.mkdir(parents=True, exist_ok=True)
    return path
