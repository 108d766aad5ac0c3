"""Re-scoring stored observations gives exactly what the live coach said, and follows new thresholds."""

import numpy as np
import pytest

from posecoach.core.checks import VERDICT_NAMES
from posecoach.core.coach import Coach
from posecoach.core.rescore import NOT_JUDGED, rescore
from posecoach.exercises.catalogue import load_catalogue
from tests import stick as S

CAT = load_catalogue()


def lunge_session(n=300, seed=0):
    """A kneeling lunge whose front knee drifts through its band, with jitter and a gap."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n):
        shin = 270 + 25 * np.sin(i / 25.0)  # front shin swinging: the knee crosses 100 degrees
        lms = S.kneeling_lunge(far_shin=shin)
        lms[:, :2] += rng.normal(0, 0.002, (33, 2))
        frames.append(None if 140 <= i < 150 else lms)
    return frames


def live_and_observations(frames, exercise, catalogue=CAT):
    coach = Coach(catalogue, exercise)
    results, observations = [], []
    for i, lms in enumerate(frames):
        results.append(coach.step(i * 33.3, lms, 640, 480))
        observations.append(coach.last_observation)
    return coach, results, observations


@pytest.mark.parametrize("exercise", ["lunge", None])
def test_rescoring_with_the_same_thresholds_reproduces_the_live_verdicts(exercise):
    coach, results, observations = live_and_observations(lunge_session(), exercise)
    again = rescore(observations, CAT)
    for i, r in enumerate(results):
        for cid, verdict in r.checks.items():
            assert VERDICT_NAMES[int(again.verdicts[cid][i])] == verdict, (i, cid)
        assert again.cues[i] == (r.cues[0] if r.cues and r.pose else None), i
    assert [h.as_dict() for h in again.holds] == [h.as_dict() for h in coach.holds.sets]
    assert set(again.verdicts["front_knee_90"]) >= {0, 1}


def test_a_wider_band_turns_fails_into_passes(tmp_path):
    _, _, observations = live_and_observations(lunge_session(), "lunge")
    before = rescore(observations, CAT)
    wide = tmp_path / "wide.toml"
    wide.write_text("[lunge.front_knee_90]\nband = [60, 130]\n")
    after = rescore(observations, load_catalogue(wide))
    b, a = before.counts["front_knee_90"], after.counts["front_knee_90"]
    assert a["fail"] < b["fail"] and a["pass"] > b["pass"]
    assert a["unknown"] == b["unknown"]
    assert after.holds[0].good_form_s > before.holds[0].good_form_s


def test_frames_of_other_exercises_are_not_judged():
    frames = [S.kneeling_lunge()] * 60 + [S.cobra()] * 60
    _, _, observations = live_and_observations(frames, None)
    out = rescore(observations, CAT)
    assert out.verdicts["elbow_bend"][10] == NOT_JUDGED
    assert out.verdicts["elbow_bend"][-1] == 1
    assert out.verdicts["front_knee_90"][10] == 1
