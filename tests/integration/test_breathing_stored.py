"""A rendered belly-breathing rest analysed into the store as the Review page's "Analyse a video"
does (the real full model, a real SQLite file): the session keeps its breathing, the whole and
its one segment (what Review, History and the printable summary show), within a breath a minute
of the clip's truth."""

from __future__ import annotations

import json

import pytest

from posecoach.adapters.store import Store
from posecoach.exercises.catalogue import load_catalogue
from posecoach.services.ingest import analyse_into_store
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow
CLIP = SAMPLES / "breathing_constructive_rest_belly_6bpm.mp4"


@pytest.mark.skipif(not CLIP.is_file(), reason="the rendered breathing clips are not in sample_videos")
def test_an_analysed_breathing_rest_keeps_its_breathing_in_the_store(full_model, tmp_path):
    truth = json.loads(CLIP.with_name(CLIP.stem + ".truth.json").read_text())["breathing"]
    store = Store(tmp_path / "posecoach.db")
    person = store.add_person("Sam").id
    sid = analyse_into_store(CLIP, store, person, load_catalogue(), None, full_model, keep_video=False)
    whole, segments = store.breathing(sid)
    assert whole is not None and [s.exercise for s in segments] == ["constructive_rest"]
    for b in (whole, segments[0]):
        assert abs(b.rate_bpm - truth["rate_bpm"]) <= 1.0, b
        assert b.pattern == truth["pattern"] and b.belly_share > 0.5, b
        assert b.inhale_s == pytest.approx(truth["inhale_s"], abs=1.0) and b.exhale_s == pytest.approx(
            truth["exhale_s"], abs=1.0), b
    assert whole.measured_s >= 30.0 and whole.unknown_reason is None
    assert store.person_breathing(person) == [(sid, store.session(sid).started, whole)]
