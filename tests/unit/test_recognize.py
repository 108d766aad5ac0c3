"""Recognition on constructed poses, facing either way, and its causal smoothing."""

import pytest

from posecoach.core.coach import Coach, CoachParams
from posecoach.core.recognize import Recognition, RecognitionSmoother
from posecoach.exercises.catalogue import load_catalogue
from tests import stick as S
from tests.poses import front_view
from tests.unit.test_catalogue_checks import edge_hang, figure_four, pigeon_side

CAT = load_catalogue()

POSES = [
    ("lunge", lambda f: S.kneeling_lunge(facing=f)),
    ("lunge", lambda f: S.kneeling_lunge(facing=f, near_thigh=200, near_shin=260)),  # standing split stance
    ("cobra", lambda f: S.cobra(facing=f)),
    ("knee_to_chest", lambda f: S.knee_to_chest(facing=f)),
    ("constructive_rest", lambda f: S.constructive_rest(facing=f)),
    ("legs_on_chair", lambda f: S.legs_on_chair(facing=f)),
    ("glute_bridge", lambda f: S.bridge(facing=f)),
    ("plank", lambda f: S.plank(facing=f, trunk=15, near_thigh=195, far_thigh=195, near_shin=195, far_shin=195)),
    ("edge_hang", lambda f: edge_hang(facing=f)),
    ("pigeon", lambda f: pigeon_side(facing=f)),
    (None, lambda f: S.standing(facing=f)),
    (None, lambda f: S.supine(facing=f)),  # lying flat on the back is no exercise
]


@pytest.mark.parametrize("facing", ["right", "left"])
@pytest.mark.parametrize("expected, make", POSES, ids=[str(e) for e, _ in POSES])
def test_recognises_the_pose_whichever_way_the_person_faces(expected, make, facing):
    r = Coach(CAT, None, CoachParams(still_image=True)).step(0.0, make(facing), 640, 480)  # one photo
    assert r.exercise == expected
    assert 0 < r.confidence <= 1


def prone_flat(facing: str = "right"):
    return S.plank(facing=facing, trunk=0, near_thigh=180, upper_arm=180, forearm=180, hip=(320, 60))


@pytest.mark.parametrize("facing", ["right", "left"])
def test_lying_face_down_is_smr_only_once_it_has_lasted(facing):
    """A moment face down (a photo, a rest between cobras) is no exercise; SMR is a still hold."""
    coach = Coach(CAT, None)
    seen = [coach.step(t_ms, prone_flat(facing), 640, 480).exercise for t_ms in range(0, 5000, 100)]
    assert seen[0] is None and seen[20] is None  # 2 s
    assert seen[-1] == "smr_release"


@pytest.mark.parametrize("facing", ["right", "left"])
def test_lying_with_the_knees_bent_is_a_rest_only_once_it_has_lasted_but_at_once_in_a_photo(facing):
    """The moment before a bridge's first rep looks like constructive rest: in a stream the rest
    is recognised once it has lasted, a bridge started before then is a bridge from its first
    rep; a photo has no lasting to wait for. A photo face down is still no SMR release."""
    coach = Coach(CAT, None)
    seen = [coach.step(t_ms, S.constructive_rest(facing=facing), 640, 480).exercise for t_ms in range(0, 5000, 100)]
    assert seen[0] is None and seen[25] is None  # 2.5 s
    assert seen[-1] == "constructive_rest"
    coach = Coach(CAT, None)
    seen = [coach.step(t_ms, S.constructive_rest(facing=facing), 640, 480).exercise for t_ms in range(0, 2000, 100)]
    seen += [coach.step(t_ms, S.bridge(facing=facing), 640, 480).exercise for t_ms in range(2000, 4000, 100)]
    assert "constructive_rest" not in seen and seen[-1] == "glute_bridge"
    photo = CoachParams(still_image=True)
    assert Coach(CAT, None, photo).step(0.0, S.constructive_rest(facing=facing), 640, 480).exercise == "constructive_rest"
    assert Coach(CAT, None, photo).step(0.0, prone_flat(facing), 640, 480).exercise is None


@pytest.mark.parametrize("facing", ["right", "left"])
def test_a_chest_raised_with_the_legs_lifted_is_no_cobra(facing):
    """A locust (chest and legs off the floor together) is not a cobra, whose legs lie down."""
    photo = CoachParams(still_image=True)
    lifted = S.cobra(facing=facing, near_thigh=165, far_thigh=165, near_shin=165, far_shin=165)
    assert Coach(CAT, None, photo).step(0.0, lifted, 640, 480).exercise is None
    assert Coach(CAT, None, photo).step(0.0, S.cobra(facing=facing), 640, 480).exercise == "cobra"


def test_lying_flat_between_cobras_stays_cobra_and_a_bridge_bottom_stays_a_bridge():
    for top, bottom, name in ((S.cobra(), prone_flat(), "cobra"), (S.bridge(), S.constructive_rest(), "glute_bridge")):
        coach = Coach(CAT, None)
        got = [coach.step(t, top, 640, 480).exercise for t in range(0, 3000, 100)]
        got += [coach.step(t, bottom, 640, 480).exercise for t in range(3000, 4500, 100)]  # 1.5 s down
        got += [coach.step(t, top, 640, 480).exercise for t in range(4500, 6000, 100)]
        assert got[10:] == [name] * len(got[10:]), got
        # a position held well beyond a pause is recognised for what it is
        later = [coach.step(t, bottom, 640, 480).exercise for t in range(6000, 12000, 100)]
        assert later[-1] != name


def test_figure_four_is_recognised():
    assert Coach(CAT, None).step(0.0, figure_four(), 640, 480).exercise == "figure_four_rest"


def test_standing_facing_the_camera_is_no_exercise():
    assert Coach(CAT, None).step(0.0, front_view(), 640, 480).exercise is None


def test_no_reliable_pose_is_never_guessed():
    lms = S.kneeling_lunge()
    lms[23:, 3] = 0.1  # legs not seen
    r = Coach(CAT, None).step(0.0, lms, 640, 480)
    assert r.exercise is None and r.confidence == 0.0


def test_smoother_outvotes_a_single_odd_frame_and_follows_a_lasting_change():
    sm = RecognitionSmoother(window_ms=1000)
    out = [sm.update(t * 33.3, Recognition("lunge", 0.9)).exercise for t in range(30)]
    assert sm.update(30 * 33.3, Recognition("plank", 0.9)).exercise == "lunge"
    later = [sm.update((31 + t) * 33.3, Recognition("cobra", 0.9)).exercise for t in range(40)]
    assert out[-1] == "lunge" and later[-1] == "cobra"
    assert sm.update(80 * 33.3, Recognition(None, 0.0)).exercise is None
