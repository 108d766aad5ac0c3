"""History over a clip analysed by the real model into a real store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from posecoach.adapters.store import Store
from posecoach.exercises.catalogue import load_catalogue
from posecoach.services.history import (
    load_history,
)

CATALOGUE = load_catalogue("beginner")
KNEE_CUE_HIGH = CATALOGUE["lunge"].check("front_knee_90").conditions[0].cue_high


@pytest.mark.slow
def test_an_analysed_clip_with_the_knee_too_open_shows_that_fault_with_its_cue(tmp_path, full_model):
    """The real model over a rendered clip: the SQL's failed seconds agree with the stored frames."""
    from posecoach.services.ingest import analyse_into_store

    clip = Path(__file__).resolve().parents[2] / "sample_videos" / "lunge_kneeling_knee_too_open.mp4"
    if not clip.exists():
        pytest.skip("sample clips not rendered (make samples)")
    store = Store(tmp_path / "posecoach.db")
    sam = store.add_person("Sam").id
    sid = analyse_into_store(clip, store, sam, CATALOGUE, "lunge", full_model)

    history = load_history(store, sam, CATALOGUE)

    frames = store.load_session(sid).frames
    t_ms = np.array([f.t_ms for f in frames])
    steps_ms = np.minimum(np.append(np.diff(t_ms), (t_ms[-1] - t_ms[0]) / (len(t_ms) - 1)), 500.0)
    knee_fails = np.array([f.exercise == "lunge" and f.checks.get("front_knee_90") == "fail" for f in frames])
    knee = next(f for f in history.faults if f.check == "front_knee_90")
    assert knee.failed_s == pytest.approx(steps_ms[knee_fails].sum() / 1000)
    assert knee.failed_s > 2.0 and knee.sessions == 1
    assert knee.cue == KNEE_CUE_HIGH  # the knee is too open: bring the front foot back
    [session] = history.sessions
    assert session.exercises == ("lunge",) and session.has_video and not session.complete
