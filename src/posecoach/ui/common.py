"""What every page shares: the store, the person picker, the safety notes, the privacy footer."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import streamlit as st

from posecoach.adapters.net import is_loopback
from posecoach.adapters.store import Person, Store, StoreUnusable, default_path
from posecoach.reports.notices import PRIVACY, SAFETY_NOTES

DEFAULT_PERSON = "Me"
WITHOUT_STORE = "coach_without_store"  # session state: the person chose to coach without storing
STORE_PROBLEM = "store_problem"  # session state: why the store failed during a run or a callback


@st.cache_resource(show_spinner=False)
def _store_at(path: bytes) -> Store:
    """Opened and checked once per path and server process (a failure is not kept: tried again)."""
    store = Store(os.fsdecode(path))
    store.check_intact()
    return store


def get_store() -> Store:
    """The store at ``$POSECOACH_DATA/posecoach.db`` (one per path and server process).
    The path goes to the cache as bytes, so a folder name that is not UTF-8 reaches the store's own check."""
    return _store_at(os.fsencode(default_path()))


def forget_store() -> None:
    """Open the store afresh on the next run (after the person moved a damaged file aside)."""
    _store_at.clear()


def storing() -> bool:
    """False once the person chose to coach without storing."""
    return not st.session_state.get(WITHOUT_STORE, False)


def current_store() -> Store | None:
    """The store, or None while the person coaches without storing."""
    return get_store() if storing() else None


def store_failed(exc: StoreUnusable) -> None:
    """Remember why the store cannot be used: the next run says so and offers to coach without it."""
    st.session_state[STORE_PROBLEM] = str(exc)


def store_callback(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A widget callback that writes to the store: a store that fails says so on the page (the
    next run), never an exception box."""

    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StoreUnusable as exc:
            store_failed(exc)
            return None

    return guarded


def safety_notes() -> None:
    """The safety notes, always on screen."""
    st.warning("**Safety first.** " + " ".join(SAFETY_NOTES), icon=":material/warning:")


EXPOSED = (
    "Served to the network at {address}: anyone who can reach it can open this page and see the camera "
    "picture. Restart with `make run` (127.0.0.1) to keep it on this computer."
)


def privacy_text(address: str | None) -> str:
    """The privacy note for a server listening on ``address`` (a warning when it is not loopback;
    Streamlit listens on every address when none is set)."""
    if address and is_loopback(address):
        return PRIVACY
    return EXPOSED.format(address=address or "every address of this computer")


def privacy_footer() -> None:
    st.divider()
    address = st.get_option("server.address")
    text = privacy_text(address)
    if text is PRIVACY:
        st.caption(":material/lock: " + text)
    else:
        st.warning(text, icon=":material/public:")


@store_callback
def _add_person(store: Store) -> None:
    name = st.session_state.get("new_person_name", "").strip()
    if not name:
        return
    try:
        person = store.add_person(name)
    except ValueError as exc:
        st.session_state["person_error"] = str(exc)
        return
    st.session_state["person_id"] = person.id
    st.session_state["new_person_name"] = ""
    st.session_state.pop("person_error", None)


def person_picker(store: Store) -> Person:
    """Choose who is exercising (sidebar), creating a first person on first use."""
    people = store.people()
    if not people:
        try:
            store.add_person(DEFAULT_PERSON)
        except ValueError:  # another tab created it a moment ago
            pass
        people = store.people()
    ids = [p.id for p in people]
    if st.session_state.get("person_id") not in ids:
        st.session_state["person_id"] = ids[0]
    names = {p.id: p.name for p in people}
    with st.sidebar:
        st.selectbox("Who is exercising?", ids, format_func=names.get, key="person_id")
        with st.expander("Add a person"):
            st.text_input("Name", key="new_person_name", placeholder="e.g. Sam")
            st.button("Add", key="add_person", on_click=_add_person, args=(store,))
            if "person_error" in st.session_state:
                st.error(st.session_state["person_error"])
    return next(p for p in people if p.id == st.session_state["person_id"])
