"""The breathing pacing guide on the Coach page: the profile's seconds handed to the guide, its
toggle following the profile, a wrong breath length refused in one line; and the live readout's
words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posecoach import serve
from posecoach.adapters.store import Store
from posecoach.core.breathing import BreathingReading
from posecoach.core.coach import Coach
from posecoach.core.setup import SetupGate
from posecoach.exercises.catalogue import Pacing, load_catalogue
from posecoach.reports.words import breathing_words
from posecoach.services.live_session import LiveStats, LiveUpdate, describe
from posecoach.ui.pacing import guide_data
from tests import stick as S

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
    unknown = breathing_words("unknown", None, None, "some_new_reason")
    assert unknown == "Breathing: can't see — some new reason"  # never the id
    arms = breathing_words("unknown", None, None, "arms_over_trunk")  # the reason's words, from instructions.toml
    assert arms.startswith("Breathing: can't see — rest your arms") and "arms_over_trunk" not in arms
    assert breathing_words("unknown", None, None, None) == "Breathing: can't see — the belly and chest are not in view"


def _rest_update(reading: BreathingReading | None) -> LiveUpdate:
    """What the worker sends while a constructive rest is held (the real coach), with ``reading``."""
    catalogue = load_catalogue()
    coach, gate = Coach(catalogue, "constructive_rest"), SetupGate()
    for i in range(60):
        result = coach.step(i * 100.0, S.constructive_rest(), 640, 480)
        view = describe(coach, result, catalogue, gate)
    stats = LiveStats(processed_fps=25.0, received_fps=30.0, latency_ms=30.0, process_ms=20.0, received=60,
                      processed=60, dropped=0, model="full")
    return LiveUpdate(replace(result, breathing=reading), stats, session_id=1, view=view)


def _guide_shown(at: AppTest) -> list[dict]:
    """The pacing guide's data as the page handed it to the browser (its component's JSON)."""
    import json

    shown = []
    for node in at.get("bidi_component"):
        proto = node.proto
        if "posecoach_pacing" in getattr(proto, "component_name", ""):
            shown.append(json.loads(proto.json))
    return shown


@pytest.mark.parametrize("guide", [True, False])
def test_while_a_rest_is_held_the_panel_shows_the_breathing_and_the_guide_if_asked(app, guide):
    app.toggle(key="pacing:beginner").set_value(guide)
    app.run()
    app.session_state["coach_focus"] = True  # as after Start
    reading = BreathingReading("known", 7.2, 3.1, 5.2, "belly", 0.8, None, 30.0)
    app.session_state["live_hub"].updates.put(_rest_update(reading))
    app.run()
    assert not app.exception, app.exception
    text = "\n".join(str(m.value) for m in app.markdown)
    shown = _guide_shown(app)
    words = "Breathing 7 a minute, into the belly"
    if guide:  # the readout heads the guide, in one block
        assert [(g["active"], g["in_s"], g["out_s"], g["reading"]) for g in shown] == [(True, 4.0, 6.0, words)]
        assert 'class="pc-breathing ' not in text
    else:
        assert shown == [] and 'class="pc-breathing ' in text and words in text


def test_without_a_rest_position_there_is_no_readout_and_the_guide_is_hidden(app):
    app.toggle(key="pacing:beginner").set_value(True)
    app.run()
    app.session_state["coach_focus"] = True
    app.session_state["live_hub"].updates.put(_rest_update(None))
    app.run()
    assert not app.exception, app.exception
    assert 'class="pc-breathing ' not in "\n".join(str(m.value) for m in app.markdown)  # no readout
    assert [g["active"] for g in _guide_shown(app)] == [False]


def test_a_moment_without_the_rest_neither_blanks_the_readout_nor_restarts_the_guide(app):
    app.toggle(key="pacing:beginner").set_value(True)
    app.run()
    app.session_state["coach_focus"] = True
    reading = BreathingReading("known", 6.4, 4.0, 6.0, "belly", 0.9, None, 30.0)
    held = _rest_update(reading)
    hub = app.session_state["live_hub"]

    def shown(update: LiveUpdate) -> tuple[bool, list[bool]]:
        hub.updates.put(update)
        app.run()
        assert not app.exception, app.exception
        guides = _guide_shown(app)
        return [g["reading"] for g in guides] == ["Breathing 6 a minute, into the belly"], [g["active"] for g in guides]

    def later(seconds: float) -> LiveUpdate:
        return replace(held, result=replace(held.result, t_ms=held.result.t_ms + seconds * 1000.0, breathing=None))

    assert shown(held) == (True, [True])
    assert shown(later(1.0)) == (True, [True])  # the person unseen for a moment: the same reading, the guide runs on
    assert shown(later(5.0)) == (False, [False])  # gone for longer than that: no readout, the guide hidden
