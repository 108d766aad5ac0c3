"""Breathing read from a rendered rest through the model and the engine: the constructive rest
rendered breathing into the belly 6 times a minute is coached as the live page coaches it
(every frame, the exercise recognised), and its reading agrees with the clip's truth; the same
clip's default review (segments, frames up to 400 ms apart) reports the same breathing, and so
does its landmarks file re-scored without the model."""

from __future__ import annotations

import json

import pytest

from posecoach.adapters.estimators.factory import open_estimator
from posecoach.adapters.video import VideoReader
from posecoach.core.breathing import BELLY, KNOWN
from posecoach.engine.session import Session, needs_mask
from posecoach.exercises.catalogue import load_catalogue
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow
CLIP = SAMPLES / "breathing_constructive_rest_belly_6bpm.mp4"
TRUTH = SAMPLES / "breathing_constructive_rest_belly_6bpm.truth.json"
needs_clip = pytest.mark.skipif(not CLIP.is_file(), reason="the rendered breathing clips are not in sample_videos")


@needs_clip
def test_a_rendered_belly_breathing_rest_is_read_within_one_breath_a_minute(full_model):
    truth = json.loads(TRUTH.read_text())["breathing"]
    catalogue = load_catalogue()
    readings = []
    with VideoReader(CLIP) as reader, \
            open_estimator(full_model.path, "people", masks=needs_mask(catalogue, None)) as est:
        session = Session(catalogue, None, est)
        for frame in reader.frames():
            r = session.step(frame.rgb, frame.t_ms)
            readings.append((frame.t_ms, r))
    late = [r for t, r in readings if t >= truth["start_ms"] + 30_000]
    assert late and all(r.exercise == "constructive_rest" for r in late)
    assert all(r.breathing.state == KNOWN for r in late)
    assert max(abs(r.breathing.rate_bpm - truth["rate_bpm"]) for r in late) <= 1.0
    assert all(r.breathing.pattern == BELLY for r in late)
    assert all(r.checks["breathing_slow"] == "pass" and r.checks["breathing_belly"] == "pass" for r in late)
    assert late[-1].breathing.inhale_s == pytest.approx(truth["inhale_s"], abs=1.0)


@needs_clip
def test_the_default_review_reports_the_same_breathing(full_model, tmp_path):
    from posecoach.services.analyse_file import AnalyseRequest, analyse_file

    truth = json.loads(TRUTH.read_text())["breathing"]
    out = tmp_path / "report.json"
    assert analyse_file(AnalyseRequest(input=str(CLIP), json_out=str(out), quiet=True)) == 0
    report = json.loads(out.read_text())
    session = report["summary"]["breathing"]["session"]
    assert session["pattern"] == BELLY
    assert abs(session["rate_bpm"] - truth["rate_bpm"]) <= 1.0
    assert session["measured_s"] >= 30.0
    (segment,) = report["summary"]["breathing"]["segments"]
    assert segment["exercise"] == "constructive_rest"
    late = [f["breathing"] for f in report["frames"] if f["t_ms"] >= truth["start_ms"] + 30_000]
    assert all(b["state"] == KNOWN and abs(b["rate_bpm"] - truth["rate_bpm"]) <= 1.0 for b in late)


@needs_clip
def test_a_landmarks_file_replays_to_the_same_breathing(full_model, tmp_path):
    """The review's landmarks file keeps the trunk's thickness per frame: re-scoring it without
    the model reads the breathing again, frame by frame, as the review read it across its segments."""
    from posecoach.services.analyse_file import AnalyseRequest, analyse_file

    first, landmarks, again = tmp_path / "first.json", tmp_path / "landmarks.json", tmp_path / "again.json"
    assert analyse_file(AnalyseRequest(input=str(CLIP), json_out=str(first), landmarks_out=str(landmarks),
                                       quiet=True)) == 0
    assert analyse_file(AnalyseRequest(input=str(landmarks), json_out=str(again), quiet=True)) == 0
    a, b = (json.loads(p.read_text()) for p in (first, again))
    assert [f["breathing"] for f in a["frames"]] == [f["breathing"] for f in b["frames"]]
    assert a["summary"]["breathing"] == b["summary"]["breathing"]
