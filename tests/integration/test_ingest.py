"""A video analysed into the store with the real model: judging its stored poses again gives
the verdicts stored at the time; an unreadable video stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from posecoach.adapters.store import Store
from posecoach.adapters.video import InputError
from posecoach.exercises.catalogue import load_catalogue
from posecoach.reports.review import forced_exercise, observe, review
from posecoach.services.ingest import analyse_into_store

ROOT = Path(__file__).resolve().parents[2]
CLIP = ROOT / "sample_videos" / "cobra_beginner_elbows_straight.mp4"


@pytest.mark.parametrize("exercise", ["cobra", None])
def test_the_stored_session_is_judged_again_exactly_as_it_was(tmp_path, full_model, exercise):
    store = Store(tmp_path / "posecoach.db")
    person = store.add_person("Sam")
    catalogue = load_catalogue()
    seen: list[tuple[int, int]] = []
    sid = analyse_into_store(CLIP, store, person.id, catalogue, exercise, full_model, on_progress=lambda d, t: seen.append((d, t)))
    stored = store.load_session(sid)
    assert stored.info.ended is not None and stored.info.width == 640 and stored.info.fps == pytest.approx(30)
    assert len(stored.frames) == len(seen) == seen[-1][0] > 100 and seen[-1][1] >= seen[-1][0] - 2
    assert Path(stored.info.video_path).exists() and Path(stored.info.video_path).parent.name == "videos"
    obs = observe(((f.t_ms, f.landmarks, f.image_measures) for f in stored.frames), 640, 480, catalogue,
                  forced_exercise(stored.info.exercise_arg, catalogue))
    again = review(obs, catalogue).frame_results()
    assert [f.checks for f in stored.frames] == [r.checks for r in again]
    assert [f.cue for f in stored.frames] == [r.cues[0] if r.cues else None for r in again]
    assert [(h.exercise, h.side, h.good_form_s) for h in stored.holds] == [
        (h.exercise, h.side, pytest.approx(h.good_form_s, abs=0.01)) for h in review(obs, catalogue).holds]
    fails = review(obs, catalogue).counts["elbow_bend"]["fail"]
    assert fails > 30, "the clip's arms are straight: a beginner's elbow check fails"


def test_an_unreadable_video_stores_nothing(tmp_path, full_model):
    store = Store(tmp_path / "posecoach.db")
    person = store.add_person("Sam")
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    with pytest.raises(InputError, match="notes.mp4"):
        analyse_into_store(bad, store, person.id, load_catalogue(), None, full_model)
    assert store.sessions(person.id) == []


def test_a_kneeling_stretch_analysed_into_the_store_keeps_its_depth_per_side(tmp_path, full_model):
    store = Store(tmp_path / "posecoach.db")
    person = store.add_person("Sam")
    clip = ROOT / "sample_videos" / "lunge_kneeling_ok_a.mp4"
    sid = analyse_into_store(clip, store, person.id, load_catalogue(), "lunge", full_model, keep_video=False)
    (m,) = store.measurements(person.id)
    held = next(h for h in store.load_session(sid).holds if h.good_form_s > 1)
    assert (m.session, m.kind, m.exercise, m.side) == (sid, "stretch_depth_deg", "lunge", held.side)
    assert 10.0 <= m.value <= 22.0  # the rendered back hip is extended 15 degrees
