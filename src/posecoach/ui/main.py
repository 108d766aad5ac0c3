"""The posecoach app: the page list, and what every page shares (the person, the footer)."""

from __future__ import annotations

import gc
import importlib

import streamlit as st

from posecoach.adapters.store import StoreError
from posecoach.ui import coach_page, history_page, review_page, tune_page
from posecoach.ui.common import get_store, person_picker

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


def pages() -> list:
    """The app's pages, first the default."""
    return [
        st.Page(coach_page.render, title="Coach", icon="🧘", url_path="coach", default=True),
        st.Page(review_page.render, title="Review", icon="🎞️", url_path="review"),
        st.Page(tune_page.render, title="Tune", icon="🎚️", url_path="tune"),
        st.Page(history_page.render, title="History", icon="📈", url_path="history"),
    ]


def main() -> None:
    st.set_page_config(page_title="posecoach", page_icon="🧘", layout="wide")
    freeze_startup_objects()
    page = st.navigation(pages())
    try:
        store = get_store()
    except StoreError as exc:  # a read-only or full data folder: say so, never a traceback
        st.error(f"posecoach cannot keep your sessions: {exc}")
        st.stop()
    person_picker(store)
    page.run()
