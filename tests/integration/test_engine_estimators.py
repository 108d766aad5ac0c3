"""The engine over each estimator kind the factory opens: the same Session, fed a rendered clip
of a correct kneeling stretch through MediaPipe's landmarker, the people-aware estimator and the
landmarker in a process of its own, recognises it and judges it as the clip's truth says."""

from __future__ import annotations

import json

import pytest

from posecoach.adapters.estimators.base import Estimator
from posecoach.adapters.estimators.factory import open_estimator
from posecoach.adapters.video import VideoReader
from posecoach.core.rate import FixedRate
from posecoach.engine.loop import analyse_frames
from posecoach.engine.session import AnalysedFrame, Session, needs_mask
from posecoach.exercises.catalogue import load_catalogue
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow
CLIP = SAMPLES / "lunge_kneeling_lumbar_arch.mp4"  # held with the lower back arched: a fault the truth names
KINDS = ("single", "people", "process")


def _verdicts(kind: str, model_path) -> list[AnalysedFrame]:
    catalogue = load_catalogue("beginner")
    out: list[AnalysedFrame] = []
    with VideoReader(CLIP) as reader:
        frames = list(reader.frames())
    shape = frames[0].rgb.shape
    with open_estimator(model_path, kind, mode="video", masks=needs_mask(catalogue, None), shape=shape) as est:
        assert isinstance(est, Estimator)  # the protocol, checked structurally
        session = Session(catalogue, None, est)
        analyse_frames(session, frames, FixedRate(1), out.append, overlap=est.pipelined)
    return out


@pytest.fixture(scope="module")
def by_kind(full_model) -> dict[str, list[AnalysedFrame]]:
    return {kind: _verdicts(kind, full_model.path) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_each_estimator_kind_gives_the_engine_the_clips_exercise_and_fault(by_kind, kind):
    truth = json.loads(CLIP.with_suffix("").with_suffix(".truth.json").read_text())
    frames = by_kind[kind]
    assert len(frames) == len(truth["frames"])
    held = [f.result for f in frames if f.result.exercise == "lunge"]
    assert len(held) >= 0.6 * len(frames)  # recognised once the person is in position
    arched = sum(1 for r in held if r.checks.get("no_lumbar_arch") == "fail")
    assert arched >= 0.5 * len(held)  # the arched back is seen as a fault through most of the hold


def test_the_kinds_agree_frame_by_frame(by_kind):
    """One person in view: the people-aware estimator and its process give the landmarker's verdicts."""
    base = [(f.result.exercise, tuple(sorted(f.result.checks.items()))) for f in by_kind["single"]]
    for kind in ("people", "process"):
        other = [(f.result.exercise, tuple(sorted(f.result.checks.items()))) for f in by_kind[kind]]
        same = sum(a == b for a, b in zip(base, other, strict=True))
        assert same >= 0.95 * len(base), f"{kind}: {same} of {len(base)} frames as the landmarker's"
