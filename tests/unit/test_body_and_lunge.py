"""Side, view and lunge measures on constructed poses."""

import numpy as np
import pytest

from posecoach.core.coach import Coach
from posecoach.exercises.catalogue import load_catalogue
from tests.poses import kneeling_lunge_facing_right, make_landmarks, mirror

CAT = load_catalogue()


def judge(joints, near="right", exercise="lunge"):
    coach = Coach(CAT, exercise)
    return coach.step(0.0, make_landmarks(joints, near=near), 640, 480)


def test_good_kneeling_lunge_passes_every_required_check():
    r = judge(kneeling_lunge_facing_right())
    assert r.view == "side"
    assert r.angles["front_knee"] == pytest.approx(90, abs=1.5)
    assert 195 <= r.angles["back_hip"] <= 215
    assert r.checks["front_knee_90"] == "pass"
    assert r.checks["knee_over_ankle"] == "pass"
    assert r.checks["trunk_upright"] == "pass"
    assert r.checks["no_lumbar_arch"] == "pass"
    assert r.checks["back_knee_down"] == "pass"
    assert r.cues == []


def test_side_comes_from_geometry_not_from_landmark_labels():
    joints = kneeling_lunge_facing_right()
    r = judge(joints)
    assert (r.facing, r.side) == ("right", "left")  # right side to the camera, left leg forward
    # MediaPipe swaps labels: the same picture with left/right labels exchanged (and the
    # depth following the labels) must give the same anatomical answer.
    swapped = {n.replace("left", "@").replace("right", "left").replace("@", "right"): p for n, p in joints.items()}
    r2 = judge(swapped, near="left")
    assert r2.angles["front_knee"] == pytest.approx(r.angles["front_knee"])
    assert r2.angles["back_hip"] == pytest.approx(r.angles["back_hip"])
    assert r2.facing == "right"


def test_mirrored_person_keeps_angles_and_anatomical_sides():
    joints = kneeling_lunge_facing_right()
    r = judge(joints)
    m = judge(mirror(joints), near="left")
    assert m.facing == "left" and m.side == "right"
    for name in ("front_knee", "back_hip", "trunk_lean", "front_shin"):
        assert m.angles[name] == pytest.approx(r.angles[name], abs=0.2)


def test_knee_past_the_ankle_fails_with_the_right_cue():
    # The front knee at 90 degrees, the shin leaning 20 degrees forward: only the shin is wrong.
    r = judge(kneeling_lunge_facing_right(front_knee=(433, 292), front_ankle=(399, 386)))
    assert r.angles["front_shin"] > 15 and r.checks["front_knee_90"] == "pass"
    assert r.checks["knee_over_ankle"] == "fail"
    assert r.cues and "knee stays over the ankle" in r.cues[0]  # its own cue (the front knee's cannot stand in)


def test_one_cue_at_a_time_the_front_knee_first():
    # The knee past the ankle and the front knee closed: the front knee's cue is said first.
    r = judge(kneeling_lunge_facing_right(front_knee=(440, 260), front_ankle=(400, 350)))
    assert r.checks["knee_over_ankle"] == "fail" and r.checks["front_knee_90"] == "fail"
    assert len(r.cues) == 1 and "open the front knee" in r.cues[0]


def test_front_knee_too_open_fails():
    r = judge(kneeling_lunge_facing_right(front_knee=(410, 260), front_ankle=(470, 350)))
    assert r.angles["front_knee"] > 100
    assert r.checks["front_knee_90"] == "fail"
    assert r.cues == ["Bring your front foot back a little: bend the front knee to 90 degrees"]


def test_leaning_back_is_an_arched_lower_back():
    r = judge(kneeling_lunge_facing_right(shoulders=(290, 135)))
    assert r.angles["trunk_lean"] < -10
    assert r.checks["trunk_upright"] == "fail"
    assert r.checks["no_lumbar_arch"] == "fail"


def test_front_view_makes_sagittal_checks_unknown_and_says_turn():
    joints = {
        "nose": (320, 90), "left_ear": (335, 92), "right_ear": (305, 92),
        "left_shoulder": (380, 130), "right_shoulder": (260, 130),
        "left_hip": (355, 250), "right_hip": (285, 250),
        "left_knee": (360, 330), "right_knee": (280, 330),
        "left_ankle": (362, 420), "right_ankle": (278, 420),
        "left_heel": (362, 428), "right_heel": (278, 428),
        "left_foot_index": (366, 436), "right_foot_index": (274, 436),
    }
    r = judge(joints)
    assert r.view == "front"
    assert set(r.checks.values()) == {"unknown"}
    assert r.cues == ["Turn side-on to the camera"]


def test_invisible_front_leg_is_unknown_not_good():
    joints = kneeling_lunge_facing_right()
    lms = make_landmarks(joints)
    lms[[25, 27, 29, 31], 3] = 0.1  # left knee, ankle, heel, toe barely visible
    r = Coach(CAT, "lunge").step(0.0, lms, 640, 480)
    assert r.checks["front_knee_90"] == "unknown"
    assert r.checks["knee_over_ankle"] == "unknown"
    assert r.hold.counting is False


def test_no_person_gives_all_unknown():
    r = Coach(CAT, "lunge").step(0.0, None, 640, 480)
    assert not r.pose
    assert set(r.checks.values()) == {"unknown"}


def test_standing_person_is_not_an_exercise():
    joints = {
        "nose": (335, 75), "left_ear": (318, 80), "right_ear": (318, 80),
        "left_shoulder": (318, 120), "right_shoulder": (322, 120),
        "left_elbow": (318, 190), "right_elbow": (322, 190), "left_wrist": (320, 250), "right_wrist": (324, 250),
        "left_hip": (318, 250), "right_hip": (322, 250), "left_knee": (320, 340), "right_knee": (324, 340),
        "left_ankle": (318, 430), "right_ankle": (322, 430), "left_heel": (310, 438), "right_heel": (314, 438),
        "left_foot_index": (345, 440), "right_foot_index": (349, 440),
    }
    r = Coach(CAT, None).step(0.0, make_landmarks(joints), 640, 480)
    assert r.pose and r.exercise is None
    lunge = Coach(CAT, None).step(0.0, make_landmarks(kneeling_lunge_facing_right()), 640, 480)
    assert lunge.exercise == "lunge"


def test_angles_are_null_not_nan_when_unknown():
    lms = make_landmarks(kneeling_lunge_facing_right())
    lms[:, 3] = 0.0
    r = Coach(CAT, "lunge").step(0.0, lms, 640, 480)
    assert all(v is None for v in r.angles.values())
    assert not any(isinstance(v, float) and np.isnan(v) for v in r.angles.values())


def _belly_evidence_one_turn_at_a_time(xy, seen):
    """The belly evidence summed joint by joint, as it was written before the turns were
    measured in one pass: the reference the one-pass sum must equal exactly."""
    from posecoach.core import landmarks as lm
    from posecoach.core.body import _turn

    score = np.zeros(len(xy))
    for side in (0, 1):
        h, k, a = lm.HIP[side], lm.KNEE[side], lm.ANKLE[side]
        turn = _turn(xy[:, k] - xy[:, h], xy[:, a] - xy[:, k])
        score += np.where(seen[:, h] & seen[:, k] & seen[:, a] & (np.abs(turn) > 0.26), turn, 0.0)
        s, e, w = lm.SHOULDER[side], lm.ELBOW[side], lm.WRIST[side]
        turn = _turn(xy[:, e] - xy[:, s], xy[:, w] - xy[:, e])
        score -= np.where(seen[:, s] & seen[:, e] & seen[:, w] & (np.abs(turn) > 0.34), 0.6 * turn, 0.0)
        heel, toe = lm.HEEL[side], lm.FOOT[side]
        turn = _turn(xy[:, a] - xy[:, k], xy[:, toe] - xy[:, heel])
        score -= np.where(seen[:, k] & seen[:, a] & seen[:, heel] & seen[:, toe] & (np.abs(turn) > 0.34), 0.4 * turn, 0.0)
    ears = seen[:, list(lm.EAR)]
    w = np.where(ears, 1.0, 1e-3)
    ear_mid = (xy[:, list(lm.EAR)] * w[..., None]).sum(axis=1) / w.sum(axis=1)[:, None]
    shoulder_mid = (xy[:, lm.LEFT_SHOULDER] + xy[:, lm.RIGHT_SHOULDER]) / 2.0
    turn = _turn(ear_mid - shoulder_mid, xy[:, lm.NOSE] - ear_mid)
    face = seen[:, lm.NOSE] & ears.any(axis=1) & (seen[:, lm.LEFT_SHOULDER] | seen[:, lm.RIGHT_SHOULDER])
    return score + np.where(face, 0.8 * turn, 0.0)


def test_belly_evidence_in_one_pass_is_the_joint_by_joint_sum_to_the_bit():
    from posecoach.core.body import _belly_evidence

    rng = np.random.default_rng(21)
    xy = rng.uniform(0, 640, (500, 33, 2))
    seen = rng.uniform(size=(500, 33)) < 0.8
    xy[~seen & (rng.uniform(size=(500, 33)) < 0.3)] = np.nan  # some unseen points are missing
    seen &= ~np.isnan(xy).any(axis=-1)
    expected = _belly_evidence_one_turn_at_a_time(xy, seen)
    got = _belly_evidence(xy, seen, np.zeros((500, 2)), np.ones(500))
    assert got.tobytes() == expected.tobytes()
    assert got[:1].tobytes() == _belly_evidence(xy[:1], seen[:1], np.zeros((1, 2)), np.ones(1)).tobytes()


def test_a_measure_asked_twice_in_a_frame_is_computed_once_and_read_only():
    from dataclasses import replace

    from posecoach.core.body import analyse_body
    from posecoach.core.measures import m_back_hip, m_front_knee, m_kneeling_back_hip

    lms = make_landmarks(kneeling_lunge_facing_right())
    body = analyse_body(lms[None, :, :2] * np.array([640, 480]), lms[None, :, 3], lms[None, :, 2])
    first = m_back_hip(body)
    assert m_back_hip(body) is first  # kept, not computed again
    assert not first.flags.writeable  # shared: nobody may write into it
    assert m_kneeling_back_hip(body).tobytes() == first.tobytes()  # a kneeling lunge: the same angle
    swapped = replace(body, front_leg=1 - body.front_leg)  # a replaced body keeps nothing of the first's
    assert swapped.derived == {}
    assert m_front_knee(swapped).tobytes() != m_front_knee(body).tobytes()


def test_the_filters_median_is_numpys():
    from posecoach.core.smoothing import _median

    rng = np.random.default_rng(3)
    for n in range(1, 40):
        values = rng.normal(size=n)
        assert _median(values) == float(np.median(values))
