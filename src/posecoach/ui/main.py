"""The posecoach app: the page list, and what every page shares (the person, the footer)."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable

import streamlit as st

from posecoach.adapters.store import Store, StoreError, StoreUnusable
from posecoach.ui import coach_page, history_page, review_page, tune_page
from posecoach.ui.common import (
    STORE_PROBLEM,
    WITHOUT_STORE,
    forget_store,
    get_store,
    person_picker,
    store_failed,
    storing,
)

# Imported before the collector is told to leave the start-up objects alone (see below).
HEAVY_MODULES = ("mediapipe.tasks.python.vision", "streamlit_webrtc", "aiortc", "av", "cv2")
_startup_frozen = False


def freeze_startup_objects() -> None:
    """Once per server process: load the heavy libraries, then ``gc.freeze()`` what exists.

    Streamlit runs a full garbage collection after every script run, and the coach's status
    panel reruns twice a second. Scanning the ~140,000 objects of the imported libraries
    takes 70 to 130 ms with the interpreter lock held, which stalls the video threads. Frozen
    objects are skipped by the cycle collector (reference counting still frees them).
    """
    global _startup_frozen
    if _startup_frozen:
        return
    for name in HEAVY_MODULES:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()
    _startup_frozen = True


def pages(with_store: bool = True) -> list:
    """The app's pages, first the default (only the Coach page while coaching without storing)."""
    coach = st.Page(coach_page.render, title="Coach", icon=":material/self_improvement:", url_path="coach", default=True)
    if not with_store:
        return [coach]
    return [
        coach,
        st.Page(review_page.render, title="Review", icon=":material/movie:", url_path="review"),
        st.Page(tune_page.render, title="Tune", icon=":material/tune:", url_path="tune"),
        st.Page(history_page.render, title="History", icon=":material/monitoring:", url_path="history"),
    ]


def _coach_without_store() -> None:
    st.session_state[WITHOUT_STORE] = True


def _try_store_again() -> None:
    st.session_state.pop(STORE_PROBLEM, None)
    forget_store()


def _offer_without_store(problem: str) -> None:
    """What is wrong with the store and what to do, in one sentence; coaching goes on without it if asked."""
    st.error(f"posecoach cannot keep your sessions: {problem}.", icon=":material/database:")
    left, right = st.columns(2)
    left.button("Coach without storing", key="store_skip", type="primary", on_click=_coach_without_store,
                help="The coach works as usual, but nothing is kept: no history, no review, no saved profiles.")
    right.button("Try again", key="store_retry", on_click=_try_store_again,
                 help="After moving the file aside or making the folder writable.")


def usable_store() -> Store | None:
    """The store, or None while the person coaches without storing. A store that cannot be
    used (damaged, another program's file, read-only, a folder name that is not UTF-8) stops the
    page with what is wrong and what to do; the file itself is left as it is."""
    if not storing():
        return None
    problem = st.session_state.get(STORE_PROBLEM)
    if problem is None:
        try:
            return get_store()
        except StoreError as exc:
            problem = str(exc)
    _offer_without_store(problem)
    st.stop()


def show_page(run: Callable[[], None], store: Store | None) -> None:
    """The person picker and the page; a store that fails during the run says so (the run again)."""
    try:
        if store is not None:
            person_picker(store)
        else:
            st.sidebar.caption("Coaching without storing: nothing of this session is kept. Reload the page to "
                               "try the store again.")
        run()
    except StoreUnusable as exc:
        store_failed(exc)
        st.rerun()


def main() -> None:
    st.set_page_config(page_title="posecoach", page_icon=":material/self_improvement:", layout="wide")
    freeze_startup_objects()
    page = st.navigation(pages(storing()))
    show_page(page.run, usable_store())
