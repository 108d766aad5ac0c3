"""`posecoach analyze --rate adaptive / --workers N / --fast / --max-side`: the same verdicts
and hold times as the exact default, within stated tolerances, and reports that say how
their frames were picked."""

from __future__ import annotations

import json

import av
import pytest

from posecoach.bench.clips import make_session_clip
from posecoach.bench.rate import compare
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

# Tolerances: share of the default report's (frame, check) verdicts that the faster mode
# shows at the same time, and the hold-time difference summed over exercise and side.
ADAPTIVE_VERDICTS, ADAPTIVE_HOLD_S = 0.98, 0.3
PARALLEL_VERDICTS, PARALLEL_HOLD_S = 0.99, 0.2


def analyse(posecoach, clip, out, *options) -> dict:
    r = posecoach("analyze", clip, "--json", out, "--quiet", *options)
    assert r.code == 0, r.err
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def session_clip(tmp_path_factory, full_model):
    """20 s of sample clips back to back (a cut at 10 s with two workers)."""
    folder = tmp_path_factory.mktemp("session")
    clip = make_session_clip(folder / "session.mp4", 20.0)
    return clip, folder


@pytest.fixture(scope="module")
def exact(session_clip, posecoach):
    clip, folder = session_clip
    return analyse(posecoach, clip, folder / "exact.json")


@pytest.mark.parametrize("name", ["lunge_kneeling_ok_a", "cobra_beginner_elbows_straight"])
def test_adaptive_rate_keeps_the_verdicts_and_hold_times(posecoach, tmp_path, full_model, name):
    clip = SAMPLES / f"{name}.mp4"
    full = analyse(posecoach, clip, tmp_path / "full.json")
    fast = analyse(posecoach, clip, tmp_path / "adaptive.json", "--rate", "adaptive", "--landmarks-out", tmp_path / "l.json")
    c = compare(full, fast)
    assert c.checks_same / c.checks >= ADAPTIVE_VERDICTS
    assert c.hold_diff_s <= ADAPTIVE_HOLD_S
    assert fast["summary"]["segments"] == full["summary"]["segments"] or name.startswith("cobra")
    # the contract: frames lists the analysed frames only, and stride says how far apart they may be
    assert fast["stride"] == 3 and fast["analysis"]["rate"] == "adaptive"
    assert len(fast["frames"]) == fast["summary"]["frames"] < len(full["frames"])
    times = [f["t_ms"] for f in fast["frames"]]
    assert set(times) <= {f["t_ms"] for f in full["frames"]}
    frame_ms = 1000 / full["fps"]
    assert all(0 < b - a <= 3 * frame_ms + 1 for a, b in zip(times, times[1:], strict=False))
    rescored = analyse(posecoach, tmp_path / "l.json", tmp_path / "rescored.json")
    assert [f["checks"] for f in rescored["frames"]] == [f["checks"] for f in fast["frames"]]  # re-scoring reproduces it


def test_parallel_segments_keep_the_verdicts_and_hold_times(posecoach, session_clip, exact):
    clip, folder = session_clip
    rep = analyse(posecoach, clip, folder / "w2.json", "--workers", "2")
    assert rep["analysis"] == {"rate": "fixed", "workers": 2, "scaled_to": None}
    assert [f["t_ms"] for f in rep["frames"]] == [f["t_ms"] for f in exact["frames"]]  # every frame, once
    assert rep["skipped_frames"] == exact["skipped_frames"] == 0
    c = compare(exact, rep)
    assert c.checks_same / c.checks >= PARALLEL_VERDICTS
    assert c.hold_diff_s <= PARALLEL_HOLD_S
    assert [s["exercise"] for s in rep["summary"]["segments"]] == [s["exercise"] for s in exact["summary"]["segments"]]
    people, exact_people = rep["summary"]["people"], exact["summary"]["people"]
    assert people["most"] == exact_people["most"] == 1 and people["frames_with_others"] == 0
    # each segment locks afresh, so a change of person across the cut is not counted
    assert 0 <= exact_people["coached_person_changes"] - people["coached_person_changes"] <= 1


def test_fast_keeps_the_verdicts_and_writes_every_output(posecoach, session_clip, exact):
    clip, folder = session_clip
    out = folder / "fast.json"
    r = posecoach("analyze", clip, "--json", out, "--fast", "--annotate", folder / "fast.mp4",
                  "--landmarks-out", folder / "fast_landmarks.json")
    assert r.code == 0, r.err
    rep = json.loads(out.read_text())
    assert rep["analysis"]["rate"] == "adaptive" and rep["analysis"]["workers"] >= 1
    c = compare(exact, rep)
    assert c.checks_same / c.checks >= ADAPTIVE_VERDICTS
    assert c.hold_diff_s <= ADAPTIVE_HOLD_S
    with av.open(str(folder / "fast.mp4")) as video:
        assert video.streams.video[0].frames == len(rep["frames"])  # one overlay per analysed frame
    landmarks = json.loads((folder / "fast_landmarks.json").read_text())
    assert len(landmarks["frames"]) == len(rep["frames"])
    # Re-scoring smooths across the cut where the segment smoothed from its lead-in: nearly the same.
    rescored = analyse(posecoach, folder / "fast_landmarks.json", folder / "rescored.json")
    assert [f["t_ms"] for f in rescored["frames"]] == [f["t_ms"] for f in rep["frames"]]
    assert compare(rep, rescored).checks_same / compare(rep, rescored).checks >= PARALLEL_VERDICTS


def test_large_frames_are_shrunk_before_the_model(posecoach, tmp_path, full_model):
    clip = make_session_clip(tmp_path / "large.mp4", 4.0, size_px=(1280, 960))
    full = analyse(posecoach, clip, tmp_path / "full.json", "--exercise", "constructive_rest")
    small = analyse(posecoach, clip, tmp_path / "small.json", "--exercise", "constructive_rest", "--max-side", "640")
    assert (small["width"], small["height"]) == (1280, 960)  # the displayed size, before shrinking
    assert small["analysis"]["scaled_to"] == [640, 480] and full["analysis"]["scaled_to"] is None
    c = compare(full, small)
    assert c.checks_same / c.checks >= 0.95
