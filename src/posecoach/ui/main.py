"""The posecoach app: the page list, and what every page shares (the person, the footer)."""

from __future__ import annotations

import streamlit as st

from posecoach.ui import coach_page
from posecoach.ui.common import get_store, person_picker


def pages() -> list:
    """The app's pages, first the default. Add Review and History pages here."""
    return [
        st.Page(coach_page.render, title="Coach", icon="🧘", url_path="coach", default=True),
    ]


def main() -> None:
    st.set_page_config(page_title="posecoach", page_icon="🧘", layout="wide")
    page = st.navigation(pages())
    person_picker(get_store())
    page.run()
