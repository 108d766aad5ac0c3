"""The app's pages as a person meets them, run by Streamlit's script tester (no browser, no WebRTC).

The camera itself needs a served page (tests/e2e/test_browser_live.py); here the logic around
it runs for real: the store in a temporary folder, the real coach judging real landmarks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posecoach import serve
from posecoach.adapters.store import Store
from posecoach.core.coach import Coach
from posecoach.core.holds import HoldStatus
from posecoach.core.setup import SetupGate
from posecoach.exercises.catalogue import load_catalogue
from posecoach.reports.words import clock_s, hold_words, side_words
from posecoach.services.live_session import LiveStats, LiveUpdate, describe
from posecoach.services.live_state import coach_view
from posecoach.ui.common import SAFETY_NOTES
from posecoach.ui.sound import SoundPlanner
from tests.poses import kneeling_lunge_facing_right, make_landmarks

APP = str(serve.APP)  # the app script as the package ships it
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("POSECOACH_DATA", str(tmp_path))
    return tmp_path


@pytest.fixture
def app(data_dir) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning] + [c.value for c in at.caption]
    parts += [m.value for m in at.metric] + [e.value for e in at.error] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_the_safety_notes_and_the_privacy_note_are_on_the_coach_page(app):
    text = _text(app)
    for note in SAFETY_NOTES:
        assert note in text
    assert "sharp, shooting or pulsing pain" in text and "not medical advice" in text
    assert "stay on this computer" in text


def test_a_first_visit_creates_a_person_to_coach(app, data_dir):
    people = Store(data_dir / "posecoach.db").people()
    assert [p.name for p in people] == ["Me"]
    assert app.sidebar.selectbox(key="person_id").value == people[0].id


def test_the_person_picker_adds_a_person_and_selects_them(app, data_dir):
    app.sidebar.text_input(key="new_person_name").input("Sam")
    app.sidebar.button(key="add_person").click()
    app.run()
    people = {p.name: p.id for p in Store(data_dir / "posecoach.db").people()}
    assert set(people) == {"Me", "Sam"}
    assert app.sidebar.selectbox(key="person_id").value == people["Sam"]
    assert app.session_state["live_hub"].configured[0].person_id == people["Sam"]


def test_a_second_person_with_the_same_name_is_refused_with_a_message(app, data_dir):
    app.sidebar.text_input(key="new_person_name").input("Me")
    app.sidebar.button(key="add_person").click()
    app.run()
    assert "already" in " ".join(e.value for e in app.sidebar.error)
    assert len(Store(data_dir / "posecoach.db").people()) == 1


def test_the_chosen_exercise_and_profile_are_what_the_live_coach_uses(app):
    exercise = app.selectbox(key="exercise")
    assert exercise.value == "auto"
    assert "lunge" in exercise.options or "Kneeling hip-flexor stretch" in exercise.options
    exercise.set_value("lunge")
    app.selectbox(key="profile").set_value("advanced")
    app.run()
    config, catalogue, _ = app.session_state["live_hub"].configured
    assert (config.exercise, config.profile_name, catalogue.profile) == ("lunge", "advanced", "advanced")
    assert catalogue["cobra"].check("elbow_bend").conditions[0].low == 160  # the advanced threshold


def test_a_profile_made_in_the_form_becomes_the_persons_default_and_its_thresholds_are_used(app, data_dir):
    app.text_input(key="profile_name_new").input("slow")
    app.number_input(key="profile_form_hold:lunge").set_value(45.0)
    app.text_area(key="profile_form_note").input("From my physiotherapist: 45 s.")
    app.button(key="profile_save").click()
    app.run()
    assert not app.exception, app.exception
    assert app.selectbox(key="profile").value == "slow (yours)"  # the person's own profile is chosen for them
    config, catalogue, _ = app.session_state["live_hub"].configured
    assert config.profile_name == "slow" and "hold_s = 45" in config.profile_toml
    assert "# From my physiotherapist: 45 s." in config.profile_toml
    assert catalogue["lunge"].hold_s == 45


def test_a_broken_profile_is_refused_with_the_line_that_is_wrong(app, data_dir):
    app.text_input(key="profile_name_new").input("broken")
    app.text_area(key="profile_toml_new").input('[lunge]\nhold_s = "long"\n')
    app.button(key="profile_import").click()
    app.run()
    errors = " ".join(e.value for e in app.error)
    assert "hold_s" in errors and "line 2" in errors
    person = Store(data_dir / "posecoach.db").people()[0].id
    assert Store(data_dir / "posecoach.db").profiles(person) == {}


def test_a_sample_clip_can_be_chosen_as_the_camera(app):
    app.radio(key="source_kind").set_value("Sample clip")
    app.run()
    config = app.session_state["live_hub"].configured[0]
    clips = sorted((ROOT / "sample_videos").glob("*.mp4"))
    if clips:
        assert config.source.startswith("clip:") and config.source.endswith(".mp4")
        assert app.toggle(key="mirror-Sample clip").value is False  # a clip is shown as filmed
    else:
        assert "make samples" in _text(app)


def _live_update(n_frames: int, fps: float = 24.5) -> LiveUpdate:
    """What the worker sends after judging ``n_frames`` of a held kneeling lunge (the real coach)."""
    catalogue = load_catalogue()
    coach = Coach(catalogue, "lunge")
    gate = SetupGate()
    pose = make_landmarks(kneeling_lunge_facing_right())
    for i in range(n_frames):
        result = coach.step(i * 40.0, pose, 640, 480)
        view = describe(coach, result, catalogue, gate)
    stats = LiveStats(processed_fps=fps, received_fps=30.0, latency_ms=38.0, process_ms=21.0, received=n_frames,
                      processed=n_frames, dropped=0, model="full")
    return LiveUpdate(result, stats, session_id=1, view=view)


def _playing(app: AppTest) -> None:
    """As after Start: the camera plays (the page shows the focus view)."""
    app.session_state["coach_focus"] = True


def test_the_status_panel_shows_the_cue_large_the_hold_with_its_target_and_the_speed(app):
    update = _live_update(100)
    _playing(app)
    app.session_state["live_hub"].updates.put(update)
    app.run()
    text = _text(app)
    result = update.result
    assert result.exercise == "lunge" and update.view.ready
    assert 'class="posecoach-cue"' in text and update.view.headline in text
    if not result.cues:
        assert "Good form: hold it" in text
    assert "of 0:30" in text and hold_words(result.hold).split(" of ")[0] in text
    assert side_words("lunge", result.side) in text
    assert "24.5 frames/s analysed, 38 ms from frame to verdict (full model)" in text
    assert "This computer is busy" not in text
    assert "Settings (press Stop to change them)" in [e.label for e in app.expander]


def test_on_a_busy_computer_the_page_says_so_in_plain_words_and_keeps_the_model(app):
    _playing(app)
    app.session_state["live_hub"].updates.put(_live_update(100, fps=6.0))
    app.run()
    text = _text(app)
    assert "This computer is busy: form checked 6 times a second, full model kept" in text


def test_words_for_sides_and_times():
    assert side_words("lunge", "left") == "Left leg forward: stretching the right hip flexor"
    assert side_words("knee_to_chest", "right") == "Right knee to your chest: stretching the left hip flexor"
    assert side_words("lunge", None) == ""
    assert clock_s(75.9) == "1:15" and clock_s(0) == "0:00"
    hold = HoldStatus("lunge", "left", 12.4, 30.0, False, True, None)
    assert hold_words(hold) == "0:12 of 0:30"


def _hold(complete: bool, side: str = "left") -> HoldStatus:
    return HoldStatus("lunge", side, 30.0 if complete else 3.0, 30.0, complete, not complete, None)


def test_cues_are_spoken_when_they_change_at_most_every_four_seconds():
    planner = SoundPlanner(cooldown_s=4.0)
    said = []
    timeline = [(0.0, "A"), (0.5, "A"), (1.0, "B"), (3.0, "B"), (4.1, "B"), (5.0, None), (5.5, "B"), (9.0, "C")]
    for t, cue in timeline:
        event = planner.update(t, cue, _hold(False))
        said.append(event.say if event else None)
    assert said == ["A", None, None, None, "B", None, None, "C"]


def test_a_chime_sounds_once_when_a_hold_completes_and_again_for_the_next_set():
    planner = SoundPlanner()
    chimes = [bool(e and e.chime) for e in (planner.update(t, None, h) for t, h in [
        (0, _hold(False)), (1, _hold(True)), (2, _hold(True)), (3, _hold(False, "right")), (4, _hold(True, "right"))])]
    assert chimes == [False, True, False, False, True]
    ids = [planner.last.id]
    planner.update(5, "Lift your chest", _hold(True, "right"))
    assert planner.last.id > ids[0]



def test_routine_mode_follows_the_seeds_routine_and_shows_where_the_person_is(app):
    from posecoach.core.routine import RoutineTracker
    from posecoach.exercises.catalogue import load_routine

    app.selectbox(key="exercise").set_value("routine:seeds")
    app.run()
    assert not app.exception, app.exception
    config, catalogue, _ = app.session_state["live_hub"].configured
    assert config.routine == "seeds" and config.exercise is None
    assert catalogue["knee_to_chest"].hold_s == 60 and catalogue["constructive_rest"].hold_s == 300
    update = _live_update(10)
    tracker = RoutineTracker(load_routine("seeds"))
    status = tracker.update(0.0, "constructive_rest", None, 0.0, False)
    view = coach_view(update.result, catalogue, update.view.setup, update.view.ready, tracker.routine, status)
    routed = LiveUpdate(update.result, update.stats, session_id=1, routine=status,
                        routine_slots=tuple(tracker.routine.slots()), view=view)
    _playing(app)
    app.session_state["live_hub"].updates.put(routed)
    app.run()
    text = _text(app)
    # The coach sees a kneeling stretch, the routine waits for the rest position: the page says what is next.
    assert "Step 1 of 7: Constructive rest position · 0 of 7 done" in text
    assert "Next: Constructive rest position" in text and "This is the kneeling hip-flexor stretch." in text


def test_before_start_the_chosen_exercise_has_its_card_and_a_looping_demo(app):
    from posecoach.reports.instructions import instructions

    app.selectbox(key="exercise").set_value("cobra")
    app.run()
    text = _text(app)
    card = instructions("cobra")
    assert all(step in text for step in card.steps) and card.camera_words() in text
    assert "Stop at once if you feel sharp, shooting or pulsing pain." in text
    clips = sorted((ROOT / "sample_videos").glob("cobra_beginner_ok.mp4"))
    if clips:
        [video] = app.get("video")
        assert video.proto.loop and video.proto.autoplay and video.proto.muted
        assert 0 < video.proto.start_time < video.proto.end_time  # the held position, looped
