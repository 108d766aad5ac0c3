"""What the camera really saw: points outside the picture, a body cut by the frame, poor
light, and whom to coach among several people. The real coach on constructed landmarks;
the light measured on the rendered clips' real frames."""

from __future__ import annotations

import json

import numpy as np
import pytest

from posecoach.adapters.light import light_measures
from posecoach.adapters.video import VideoReader
from posecoach.core.coach import CUE_NO_PERSON, Coach
from posecoach.core.framing import CUE_AT_EDGE, CUE_POOR_LIGHT, cut_by_side_edge, light_is_poor, only_in_frame
from posecoach.core.landmarks import INDEX
from posecoach.core.person_lock import PersonLock
from posecoach.exercises.catalogue import load_catalogue
from tests.conftest import SAMPLES
from tests.poses import kneeling_lunge_facing_right, make_landmarks

CAT = load_catalogue()
GOOD_LIGHT = {"brightness": 0.6, "contrast": 0.15, "subject_brightness": 0.5}


def lunge(dx_px: float = 0.0, **kw) -> np.ndarray:
    joints = {k: (x + dx_px, y) for k, (x, y) in kneeling_lunge_facing_right(**kw).items()}
    return make_landmarks(joints)


def run(landmarks, measures=GOOD_LIGHT, frames: int = 40):
    coach = Coach(CAT, "lunge")
    results = [coach.step(i * 40.0, landmarks, 640, 480, measures) for i in range(frames)]
    return coach, results


def test_the_lunge_passes_in_good_light_so_the_cases_below_are_not_trivially_unknown():
    coach, results = run(lunge())
    assert results[-1].checks["front_knee_90"] == "pass" and coach.holds.sets[0].good_form_s > 1.0


def test_points_outside_the_picture_count_as_unseen():
    lms = lunge()
    lms[INDEX["left_ankle"], 0] = 1.08
    lms[INDEX["left_knee"], 1] = -0.02
    seen = only_in_frame(lms)[:, 3]
    assert seen[INDEX["left_ankle"]] == 0 and seen[INDEX["left_knee"]] == 0
    assert seen[INDEX["left_hip"]] == lms[INDEX["left_hip"], 3]


def test_a_front_foot_guessed_beyond_the_edge_is_not_judged():
    lms = lunge(front_knee=(600, 250), front_ankle=(660, 350))  # the foot is past the right edge
    _, results = run(lms)
    assert results[-1].checks["knee_over_ankle"] == "unknown"


@pytest.mark.parametrize("dx_px", [-300, 290])
def test_a_body_cut_by_the_side_edge_is_guidance_not_verdicts(dx_px):
    lms = lunge(dx_px)
    assert cut_by_side_edge(only_in_frame(lms))
    coach, results = run(lms)
    assert set(results[-1].checks.values()) == {"unknown"}
    assert results[-1].cues == [CUE_AT_EDGE] and all(v is None for v in results[-1].angles.values())
    assert not coach.holds.sets or coach.holds.sets[0].good_form_s == 0.0


@pytest.mark.parametrize("measures", [
    {"brightness": 0.05, "contrast": 0.01},  # a dark room
    {"brightness": 0.5, "contrast": 0.01},  # fog, a lens covered with a finger
    {"brightness": 0.85, "contrast": 0.3, "subject_brightness": 0.07},  # backlit: a silhouette against a window
])
def test_poor_light_says_so_and_judges_nothing(measures):
    assert light_is_poor(measures)
    coach, results = run(lunge(), measures)
    assert set(results[-1].checks.values()) == {"unknown"} and results[-1].cues == [CUE_POOR_LIGHT]
    assert not coach.holds.sets or coach.holds.sets[0].good_form_s == 0.0
    nobody = Coach(CAT, "lunge").step(0.0, None, 640, 480, measures)
    assert nobody.cues == [CUE_POOR_LIGHT]  # in the dark nobody is found: the light is the reason given
    assert Coach(CAT, "lunge").step(0.0, None, 640, 480, GOOD_LIGHT).cues == [CUE_NO_PERSON]


def _sample(name: str, every: int = 50, upto: int = 101):
    truth = json.loads((SAMPLES / f"{name}.truth.json").read_text())
    with VideoReader(SAMPLES / f"{name}.mp4") as reader:
        for i, frame in enumerate(reader.frames()):
            if i >= upto:
                return
            if i % every == 0:
                joints = {k: v for k, v in truth["frames"][i]["joints_2d"].items() if k in INDEX}
                yield frame.rgb, make_landmarks(joints, truth["width"], truth["height"])


def test_no_rendered_clip_is_called_poorly_lit_and_darkened_or_backlit_ones_are():
    checked = 0
    for truth in sorted(SAMPLES.glob("*.truth.json")):
        for rgb, lms in _sample(truth.name[: -len(".truth.json")]):
            measures = light_measures(rgb, lms)
            assert not light_is_poor(measures), (truth.name, measures)
            assert light_is_poor(light_measures((rgb * 0.1).astype(np.uint8), lms))
            checked += 1
    assert checked > 100
    rgb, lms = next(_sample("lunge_kneeling_ok_a", 100))
    backlit = np.full_like(rgb, 250)
    xs, ys = (lms[lms[:, 3] > 0.5, 0] * 640).astype(int), (lms[lms[:, 3] > 0.5, 1] * 480).astype(int)
    backlit[ys.min():ys.max(), xs.min():xs.max()] = (rgb[ys.min():ys.max(), xs.min():xs.max()] * 0.12).astype(np.uint8)
    measures = light_measures(backlit, lms)
    assert measures["brightness"] > 0.5 and light_is_poor(measures)


# Whom to coach --------------------------------------------------------------------------------

def test_the_same_person_is_kept_whatever_order_the_model_lists_people_in():
    lock = PersonLock()
    user, other = lunge(-150), lunge(200)
    picks = []
    for i in range(50):
        candidates = [user, other] if i % 3 else [other, user]
        pick = lock.pick(i * 40.0, candidates, 640, 480)
        picks.append(candidates[pick.index] is user)
    assert all(picks) and lock.changes == 0


def test_the_largest_person_is_coached_first_and_someone_else_only_after_the_user_has_gone():
    lock = PersonLock()
    near = make_landmarks({k: (x * 1.2 - 100, y * 1.2 - 60) for k, (x, y) in kneeling_lunge_facing_right().items()})
    far = make_landmarks({k: (x * 0.6 + 300, y * 0.6 + 100) for k, (x, y) in kneeling_lunge_facing_right().items()})
    assert lock.pick(0.0, [far, near], 640, 480).index == 1
    for t in range(1, 200):  # the user leaves; the other person stays in view
        pick = lock.pick(t * 40.0, [far], 640, 480)
        if t * 40.0 <= 5000:
            assert pick.index is None, t  # not coached in the user's place while they may come back
    assert pick.index == 0 and pick.new_person is False and lock.changes == 1


def _on_body_with_arrays(luma: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The luma on the body as the light measures first read it, with numpy's arrays: the
    reference the plain-Python reading is held to."""
    h, w = luma.shape
    x, y, vis = landmarks[:, 0], landmarks[:, 1], landmarks[:, 3]
    with np.errstate(invalid="ignore"):
        keep = (vis >= 0.5) & (x >= 0) & (x < 1) & (y >= 0) & (y < 1)
    return luma[(y[keep] * h).astype(int), (x[keep] * w).astype(int)]


def test_subject_brightness_is_numpys_median_of_the_luma_on_the_body():
    from posecoach.adapters.light import MIN_VISIBILITY, _luma, _on_body, picture_light, subject_light

    assert MIN_VISIBILITY == 0.5  # the reference's bar
    rng = np.random.default_rng(7)
    for n_seen in range(4, 34):  # odd and even counts of landmarks seen
        rgb = rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)
        lms = np.column_stack([rng.uniform(0, 1, (33, 2)), np.zeros(33), np.zeros(33)])
        lms[:n_seen, 3] = 1.0
        luma, whole = picture_light(rgb)
        expected = round(float(np.median(_on_body_with_arrays(_luma(rgb), lms))) / 255.0, 3)
        assert subject_light(luma, lms) == {"subject_brightness": expected}
        assert light_measures(rgb, lms) == {**whole, "subject_brightness": expected}
    # landmarks off the picture, on its edges, unplaced (NaN) or exactly at the visibility bar
    for _ in range(300):
        luma = rng.integers(0, 256, (int(rng.integers(1, 60)), int(rng.integers(1, 60))), dtype=np.uint8)
        lms = np.column_stack([rng.choice([-0.01, 0.0, 0.3, 0.999999, 1.0, 1.2, np.nan], (33, 2)),
                               np.zeros(33), rng.choice([0.0, 0.49, 0.5, 0.9, np.nan], 33)])
        lms[:, :2] = np.where(rng.random((33, 2)) < 0.5, rng.uniform(0, 1, (33, 2)), lms[:, :2])
        assert _on_body(luma, lms) == _on_body_with_arrays(luma, lms).tolist()
    assert subject_light(luma, None) == {}


def _luma_with_resize(rgb: np.ndarray) -> np.ndarray:
    """The light's luma sample as first taken: OpenCV's nearest shrink, then its luma (the
    reference the sliced sample is held to)."""
    import cv2

    h, w = rgb.shape[:2]
    step = max(1, max(h, w) // 160)
    small = cv2.resize(rgb, (-(-w // step), -(-h // step)), interpolation=cv2.INTER_NEAREST) if step > 1 else rgb
    return cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2GRAY)


def test_the_luma_sample_is_opencvs_shrink_at_any_size_and_layout():
    from posecoach.adapters.light import SAMPLE_SIDE_PX, _luma, _rows_and_columns_sample

    assert SAMPLE_SIDE_PX == 160  # the reference's
    rng = np.random.default_rng(3)
    sizes = [(480, 640), (540, 960), (720, 1280), (1080, 1920), (481, 641), (600, 800), (959, 540), (120, 160),
             (100, 90), (1, 1), (4100, 30)]
    sizes += [(int(rng.integers(1, 1400)), int(rng.integers(1, 1400))) for _ in range(25)]
    sliced = 0
    for h, w in sizes:
        rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        views = [rgb, np.rot90(rgb), rgb[:, ::-1], np.ascontiguousarray(rgb[::2])]
        for view in views:
            np.testing.assert_array_equal(_luma(view), _luma_with_resize(view), err_msg=f"{view.shape} {view.strides}")
        vh, vw = rgb.shape[:2]
        sliced += max(vh, vw) >= 320 and _rows_and_columns_sample(vh, vw, max(vh, vw) // 160)
    assert sliced >= 4  # the sliced way was taken, at the common sizes at least
