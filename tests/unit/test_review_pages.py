"""The Review and Tune pages run by Streamlit's app tester on a real store: a session written
as the live page writes it, judged again when a slider moves, saved as a profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posecoach.adapters.store import Store, session_cache_dir
from posecoach.core.coach import Coach
from posecoach.exercises.catalogue import load_catalogue
from posecoach.exercises.tuning import with_values
from posecoach.reports.review import observe, review
from posecoach.reports.words import check_name
from tests.unit.test_review import BAD, lunge_frames

CAT = load_catalogue()
KNEE_NAME = check_name("lunge", "front_knee_90")


def _review_app() -> None:
    from posecoach.ui.common import get_store, person_picker
    from posecoach.ui.review_page import render

    person_picker(get_store())
    render()


def _tune_app() -> None:
    from posecoach.ui.common import get_store, person_picker
    from posecoach.ui.tune_page import render

    person_picker(get_store())
    render()


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("POSECOACH_DATA", str(tmp_path))
    return tmp_path


@pytest.fixture
def stored(data_dir):
    """A 8-second lunge session written frame by frame as the live page writes it."""
    store = Store(data_dir / "posecoach.db")
    person = store.add_person("Sam")
    writer = store.start_session(person.id, exercise_arg="lunge", profile_name="beginner", profile_toml=None,
                                 model="full", model_sha256="abc", width=640, height=480, fps=30.0, source="webcam")
    coach = Coach(CAT, "lunge")
    frames = lunge_frames()
    for t, lms, im in frames:
        writer.add(coach.step(t, lms, 640, 480, im), lms, im)
    writer.close(coach.holds.sets)
    return store, person, writer.id, frames


def _rows(at: AppTest, column: str) -> dict[str, dict]:
    """The first table holding ``column``, as {row label: row}."""
    for table in at.table:
        df = table.value
        if column in df.columns:
            return {str(i): row for i, row in df.iterrows()}
    return {}


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [b.label for b in at.button] + [e.value for e in at.error] + [s.value for s in at.success]
    return "\n".join(str(p) for p in parts)


def test_review_lists_the_faults_with_times_and_jumps_the_video_to_one(stored):
    at = AppTest.from_function(_review_app, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    faults = [b for b in at.button if str(b.key).startswith("fault-")]
    knee = [b for b in faults if "Front knee at 90 degrees" in b.label]
    assert len(knee) == 1 and knee[0].label.startswith("0:03")
    assert CAT["lunge"].check("front_knee_90").conditions[0].cue_high in knee[0].label
    video = at.get("video")
    assert video and video[0].proto.start_time == 0
    knee[0].click()
    at.run()
    assert not at.exception, at.exception
    assert at.get("video")[0].proto.start_time == int(BAD[0] / 30 - 0.5)
    checks = _rows(at, "pass s")
    assert set(checks) == {check_name("lunge", c.id) for c in CAT["lunge"].checks}
    holds = _rows(at, "good form s")
    assert holds
    assert "No video was recorded for this session: the skeleton is animated from the stored poses." in _text(at)


def test_review_says_how_to_get_a_session_when_there_is_none(data_dir):
    at = AppTest.from_function(_review_app, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert "No sessions yet" in _text(at)


def test_a_moved_band_rescores_the_stored_session_and_the_counts_are_those_of_the_rescoring(stored):
    store, person, sid, frames = stored
    at = AppTest.from_function(_tune_app, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    obs = observe(frames, 640, 480, CAT, "lunge")
    before = review(obs, CAT).counts["front_knee_90"]
    row = _rows(at, "pass frames")[KNEE_NAME]
    assert (row["pass frames"], row["fail frames"]) == (before["pass"], before["fail"])
    assert before["fail"] > 0

    band = next(s for s in at.slider if s.label.startswith("Front knee angle"))
    assert band.value == (80.0, 100.0)
    band.set_value((80.0, 125.0))
    at.run()
    assert not at.exception, at.exception
    after = review(obs, with_values(CAT, {"lunge.front_knee_90.front_knee.high": 125.0})).counts["front_knee_90"]
    row = _rows(at, "pass frames")[KNEE_NAME]
    assert (row["pass frames"], row["fail frames"]) == (after["pass"], after["fail"]) == (before["pass"] + before["fail"], 0)
    assert (row["was pass"], row["was fail"]) == (before["pass"], before["fail"])
    assert "Kneeling hip-flexor stretch · Front knee at 90 degrees: Front knee angle 80° to 100° → 80° to 125°" in _text(at)

    at.text_input(key="tune_save_name").set_value("Sam's knee")
    at.button(key="tune_save").click()
    at.run()
    assert not at.exception, at.exception
    saved = store.profiles(person.id)
    assert "Sam's knee" in saved
    path = data_dir_of(store) / "saved.toml"
    path.write_text(saved["Sam's knee"])
    assert load_catalogue(path)["lunge"].check("front_knee_90").conditions[0].high == 125.0
    assert at.selectbox(key="tune_profile").value == "Sam's knee (yours)"
    assert "No difference" not in _text(at)


def test_reset_brings_back_the_profile_values(stored):
    at = AppTest.from_function(_tune_app, default_timeout=120)
    at.run()
    next(s for s in at.slider if s.label.startswith("Front knee angle")).set_value((85.0, 100.0))
    at.run()
    assert "Front knee angle 80° to 100° → 85° to 100°" in _text(at)
    at.button(key="tune_reset").click()
    at.run()
    assert not at.exception, at.exception
    assert next(s for s in at.slider if s.label.startswith("Front knee angle")).value == (80.0, 100.0)
    assert "No difference: these are the default thresholds." in _text(at)


def test_deleting_a_session_removes_the_files_made_from_it(stored):
    store, person, sid, frames = stored
    at = AppTest.from_function(_review_app, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    cache = session_cache_dir(store.path, sid)
    assert any(cache.glob("observations-*.pickle")) and any(cache.glob("annotated-*.mp4"))
    store.delete_session(sid)
    assert not cache.exists()


def data_dir_of(store: Store) -> Path:
    return Path(store.path).parent


def test_a_saved_profile_can_be_loaded_and_left_for_the_default(stored):
    store, person, sid, frames = stored
    store.save_profile(person.id, "gentle", 'base = "beginner"\n[lunge]\nfront_knee_90 = { band = [75, 110] }\n')
    at = AppTest.from_function(_tune_app, default_timeout=120)
    at.run()
    at.selectbox(key="tune_profile").set_value("gentle (yours)")
    at.run()
    assert not at.exception, at.exception
    assert next(s for s in at.slider if s.label.startswith("Front knee angle")).value == (75.0, 110.0)
    assert "Front knee angle 80° to 100° → 75° to 110°" in _text(at)
    at.button(key="tune_default").click()
    at.run()
    assert at.selectbox(key="tune_profile").value == "beginner"
    assert next(s for s in at.slider if s.label.startswith("Front knee angle")).value == (80.0, 100.0)
