"""The coach over the rendered sample clips, against their ground truth.

One correct and one faulty clip per exercise are analysed once (in parallel, through
`posecoach batch`); the tests then hold the angle errors, the verdict agreement, the holds
and recognition within bounds set from what was measured when the clips were made (see
BENCHMARKS.md), so a regression in any part of the pipeline shows here.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict

import numpy as np
import pytest

from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def _truths() -> dict[str, dict]:
    return {p.name[: -len(".truth.json")]: json.loads(p.read_text()) for p in sorted(SAMPLES.glob("*.truth.json"))}


def _chosen(truths: dict[str, dict]) -> list[str]:
    """One correct and one faulty clip per exercise (the first of each, by name)."""
    picked: dict[tuple[str, str, bool], str] = {}
    for name, t in truths.items():
        if t["exercise"] is None or len(t.get("exercises", [t["exercise"]])) > 1:
            continue
        if t.get("fault") == "knee_near_threshold":  # hovers at a band edge on purpose: tested for flicker
            continue
        if "breathing" in t:  # a minute of breathing in a rest position: measured by the breathing bench
            continue
        picked.setdefault((t["exercise"], t.get("profile") or "beginner", t.get("fault") is None), name)
    return sorted(picked.values())


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, posecoach, full_model):
    truths = _truths()
    names = _chosen(truths)
    root = tmp_path_factory.mktemp("clips")
    groups = defaultdict(list)
    for n in names:
        groups[(truths[n]["exercise"], truths[n].get("profile") or "beginner")].append(n)
    reports = {}
    for (exercise, profile), clips in groups.items():
        src = root / f"{exercise}_{profile}"
        src.mkdir()
        for n in clips:
            shutil.copy(SAMPLES / f"{n}.mp4", src / f"{n}.mp4")
        out = root / f"{exercise}_{profile}_out"
        r = posecoach("batch", src, "--out", out, "--exercise", exercise, "--profile", profile, "--workers", "2",
                      "--quiet", timeout=1200)
        assert r.code == 0, r.err
        for n in clips:
            reports[n] = json.loads((out / f"{n}.mp4.json").read_text())
    return truths, reports


def hold(report: dict, truth: dict):
    return [(f, t) for f, t in zip(report["frames"], truth["frames"], strict=False)
            if t.get("phase") == "hold" and t.get("exercise") == truth["exercise"]]


def test_every_exercise_has_a_correct_and_a_faulty_clip():
    truths = _truths()
    have = defaultdict(set)
    for t in truths.values():
        have[t["exercise"]].add(t.get("fault") is None)
    from posecoach.exercises.catalogue import load_catalogue

    for exercise in load_catalogue().exercises:
        assert have[exercise] == {True, False}, exercise


def test_the_person_is_found_in_every_clip(analysed):
    _, reports = analysed
    for name, rep in reports.items():
        assert rep["summary"]["pose_frames"] >= 0.95 * rep["summary"]["frames"], name


def test_angles_are_close_to_the_projected_truth(analysed):
    truths, reports = analysed
    errors = defaultdict(list)
    for name, rep in reports.items():
        for f, t in hold(rep, truths[name]):
            for k, v in f["angles"].items():
                true = (t.get("angles_2d") or {}).get(k)
                if v is not None and true is not None and k in ANGLE_BOUNDS:
                    errors[k].append(abs(v - true))
    for k, errs in errors.items():
        median_bound, p95_bound = ANGLE_BOUNDS[k]
        assert np.median(errs) <= median_bound, (k, np.median(errs))
        assert np.percentile(errs, 95) <= p95_bound, (k, np.percentile(errs, 95))


def test_verdicts_agree_with_the_truth_in_the_hold(analysed):
    truths, reports = analysed
    agree = defaultdict(list)
    for name, rep in reports.items():
        for f, t in hold(rep, truths[name]):
            for cid, v in (t.get("checks") or {}).items():
                if v in ("pass", "fail") and cid in f["checks"]:
                    agree[cid].append(f["checks"][cid] == v)
    overall = np.mean([x for v in agree.values() for x in v])
    assert overall >= OVERALL_AGREEMENT, overall
    for cid, v in agree.items():
        assert np.mean(v) >= CHECK_AGREEMENT.get(cid, DEFAULT_CHECK_AGREEMENT), (cid, np.mean(v))


def test_a_correct_clip_builds_its_hold(analysed):
    truths, reports = analysed
    for name, rep in reports.items():
        t = truths[name]
        if t.get("fault") is not None or not rep["summary"]["holds"] or name in KNOWN_WEAK:
            continue
        hold_s = len(hold(rep, t)) / t["fps"]
        best = max(h["good_form_s"] for h in rep["summary"]["holds"])
        assert best >= HOLD_SHARE * hold_s, (name, best, hold_s)


def test_a_faulty_clip_is_not_counted_as_good_form(analysed):
    truths, reports = analysed
    for name, rep in reports.items():
        t = truths[name]
        if t.get("fault") is None or name in KNOWN_WEAK:
            continue
        failing = [cid for f, tf in hold(rep, t) for cid, v in (tf.get("checks") or {}).items() if v == "fail"]
        if not failing:
            continue
        hold_s = len(hold(rep, t)) / t["fps"]
        best = max((h["good_form_s"] for h in rep["summary"]["holds"]), default=0.0)
        assert best <= FAULT_HOLD_SHARE * hold_s, (name, best, hold_s)


# Bounds set from the measured figures in BENCHMARKS.md, with headroom.
ANGLE_BOUNDS = {  # degrees: (median, 95th percentile)
    "front_knee": (6, 30), "back_hip": (8, 20), "trunk_lean": (8, 12), "elbow": (6, 15), "hip": (14, 25),
    "knee": (10, 30), "bent_hip": (15, 70), "straight_knee": (6, 15), "body_line": (10, 25), "hang_hip": (8, 60),
}
OVERALL_AGREEMENT = 0.8
DEFAULT_CHECK_AGREEMENT = 0.5
# Known weak spots (see BENCHMARKS.md): the supine body seen from the feet, where MediaPipe
# mixes up the legs, and the cobra's hips lifted with the legs, which the leg line follows.
CHECK_AGREEMENT: dict[str, float] = {"knees_together": 0.35, "hips_square": 0.4, "hips_down": 0.6}
KNOWN_WEAK = {"edge_hang_advanced_ok", "cobra_advanced_hips_up", "cobra_beginner_hips_up", "knees_together_rest_ok_front",
              "smr_release_not_prone", "pigeon_ok_front"}  # SMR: no check yet tells lying prone from all fours
HOLD_SHARE = 0.5
FAULT_HOLD_SHARE = 0.5
