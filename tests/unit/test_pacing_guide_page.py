"""The breathing pacing guide on the Coach page: the profile's seconds handed to the guide, its
toggle following the profile, a wrong breath length refused in one line; and the live readout's
words."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posecoach import serve
from posecoach.adapters.store import Store
from posecoach.exercises.catalogue import Pacing
from posecoach.reports.words import breathing_words
from posecoach.ui.pacing import guide_data

APP = str(serve.APP)


def test_the_guide_is_handed_the_profiles_seconds_and_a_quiet_tone():
    data = guide_data(Pacing(5.0, 7.0, True), active=True)
    assert (data["active"], data["in_s"], data["out_s"]) == (True, 5.0, 7.0)
    assert 0 < data["volume"] <= 0.1  # quiet: the hold-complete chime peaks at 0.3
    assert guide_data(Pacing(), active=False)["active"] is False


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("POSECOACH_DATA", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_profile_form_sets_the_breaths_and_the_guide_and_the_coach_page_follows_it(app, tmp_path):
    assert app.toggle(key="pacing:beginner").value is False  # the built-in profile: no guide
    app.text_input(key="profile_name_new").input("calm")
    app.number_input(key="profile_form_breathe_in_s").set_value(5.0)
    app.number_input(key="profile_form_breathe_out_s").set_value(8.0)
    app.toggle(key="profile_form_pacing").set_value(True)
    app.button(key="profile_save").click()
    app.run()
    assert not app.exception, app.exception
    assert app.selectbox(key="profile").value == "calm (yours)"
    config, catalogue, _ = app.session_state["live_hub"].configured
    assert catalogue.pacing == Pacing(5.0, 8.0, True)
    assert "breathe_in_s = 5" in config.profile_toml and "pacing_guide = true" in config.profile_toml
    guide = app.toggle(key="pacing:calm (yours)")
    assert guide.value is True and "Breathe in for 5 s and out for 8 s" in guide.help
    person = Store(Path(tmp_path) / "posecoach.db").people()[0].id
    assert "breathe_out_s = 8" in Store(Path(tmp_path) / "posecoach.db").profiles(person)["calm"]


def test_a_pasted_profile_with_a_wrong_breath_length_is_refused_with_its_line(app, tmp_path):
    app.text_input(key="profile_name_new").input("broken")
    app.text_area(key="profile_toml_new").input('base = "beginner"\nbreathe_out_s = 60\n')
    app.button(key="profile_import").click()
    app.run()
    errors = " ".join(e.value for e in app.error)
    assert "line 2" in errors and "breathe_out_s" in errors and "between 1 and 15 seconds" in errors
    assert "Traceback" not in errors
    person = Store(Path(tmp_path) / "posecoach.db").people()[0].id
    assert Store(Path(tmp_path) / "posecoach.db").profiles(person) == {}


def test_the_live_breathing_readout_says_the_rate_and_where_or_why_it_cannot_see():
    assert breathing_words("known", 7.2, "belly") == "Breathing 7 a minute, into the belly"
    assert breathing_words("known", 14.0, "chest") == "Breathing 14 a minute, into the chest"
    assert breathing_words("measuring", None, None) == "Measuring your breathing…"
    assert breathing_words("known", 0.0, None).startswith("Breath held")
    unknown = breathing_words("unknown", None, None, "some_new_reason")
    assert unknown.startswith("Breathing: can't see — ") and "Some new reason" in unknown  # never the id
    assert breathing_words("unknown", None, None, None) == "Breathing: can't see — the belly and chest are not in view"
