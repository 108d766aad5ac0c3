"""The curated clips, as data.

A clip is a timeline of keyframes. Each keyframe names a pose builder of :mod:`poses` with
its parameters and the catalogue exercise the pose is (None when it is not one). Frames
between keyframes blend the joint angles with a smoothstep.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .breathing import BreathSpec

Ref = tuple[str, dict]


@dataclass(frozen=True)
class Key:
    """A keyframe at ``t`` seconds: pose builder reference and the exercise it shows."""

    t: float
    ref: Ref
    exercise: str | None


@dataclass(frozen=True)
class CameraSpec:
    """Where the camera is: ``view`` 'left'/'right' (the body side it sees) or 'front';
    ``yaw_off`` degrees off that axis, ``height`` of the lens and nominal ``distance`` (m)."""

    view: str = "left"
    yaw_off: float = 0.0
    height: float = 0.9
    distance: float = 3.0


@dataclass(frozen=True)
class Clip:
    """One clip: labels for the truth file, body, camera and keyframes."""

    name: str
    exercise: str | None
    variant: str | None
    fault: str | None
    body: str
    camera: CameraSpec
    keys: tuple[Key, ...]
    profile: str = "beginner"
    demo: bool = False
    note: str = ""
    exercises: tuple[str, ...] = field(default_factory=tuple)
    fps: int = 30
    breathing: BreathSpec | None = None  # the belly and chest move (see breathing.py); the truth is lean
    title: str = ""


def _with(ref: Ref, **kw) -> Ref:
    return (ref[0], {**ref[1], **kw})


def enter_hold_exit(
    rest: Ref,
    hold: Ref,
    exercise: str,
    lead: float = 0.4,
    enter: float = 1.2,
    hold_s: float = 3.0,
    exit_s: float = 1.0,
    tail: float = 0.3,
    breath: float = 1.5,
) -> tuple[Key, ...]:
    """Rest, move into the pose, hold it (breathing), move out, rest."""
    keys = [Key(0.0, rest, None), Key(lead, rest, None)]
    t = lead + enter
    n = max(2, round(hold_s))
    for i in range(n + 1):
        b = (0.0, breath, 0.0, -breath)[i % 4]
        keys.append(Key(t + hold_s * i / n, _with(hold, breath=b), exercise))
    t += hold_s
    keys.append(Key(t + exit_s, rest, None))
    keys.append(Key(t + exit_s + tail, rest, None))
    return tuple(keys)


def hold_only(hold: Ref, exercise: str, seconds: float = 4.0, breath: float = 1.5) -> tuple[Key, ...]:
    """The pose held for the whole clip."""
    n = max(2, round(seconds))
    return tuple(Key(seconds * i / n, _with(hold, breath=(0.0, breath, 0.0, -breath)[i % 4]), exercise) for i in range(n + 1))


STAND: Ref = ("standing", {})
SUPINE: Ref = ("supine", {})
TABLE: Ref = ("tabletop", {})


def _c(view: str, yaw: float = 0.0, h: float = 0.9, d: float = 3.0) -> CameraSpec:
    return CameraSpec(view, yaw, h, d)


def _lunge_clips() -> list[Clip]:
    k = "kneeling"
    L = [
        Clip(
            "lunge_kneeling_ok_a",
            "lunge",
            k,
            None,
            "woman",
            _c("left", 0, 0.9, 2.4),
            enter_hold_exit(STAND, ("lunge", {"front": "L"}), "lunge", hold_s=4.0),
            demo=True,
        ),
        Clip(
            "lunge_kneeling_ok_b",
            "lunge",
            k,
            None,
            "man",
            _c("left", 10, 1.2, 2.8),
            enter_hold_exit(STAND, ("lunge", {"front": "R"}), "lunge"),
        ),
        Clip(
            "lunge_kneeling_ok_c",
            "lunge",
            k,
            None,
            "teen",
            _c("right", -8, 0.6, 2.2),
            enter_hold_exit(STAND, ("lunge", {"front": "R", "lean": 6.0}), "lunge"),
        ),
        Clip(
            "lunge_kneeling_knee_past_ankle",
            "lunge",
            k,
            "knee_past_ankle",
            "woman",
            _c("right", 5, 0.9, 2.4),
            enter_hold_exit(STAND, ("lunge", {"front": "L", "knee": 66.0, "back_thigh": 10.0}), "lunge"),
        ),
        Clip(
            "lunge_kneeling_knee_too_open",
            "lunge",
            k,
            "knee_too_open",
            "teen",
            _c("left", -5, 1.0, 2.6),
            enter_hold_exit(STAND, ("lunge", {"front": "R", "knee": 122.0}), "lunge"),
        ),
        Clip(
            "lunge_kneeling_lumbar_arch",
            "lunge",
            k,
            "lumbar_arch",
            "man",
            _c("right", 0, 0.8, 2.6),
            enter_hold_exit(STAND, ("lunge", {"front": "R", "lean": -16.0, "lumbar": 30.0, "back_thigh": 22.0}), "lunge"),
        ),
        Clip(
            "lunge_kneeling_lumbar_arch_b",
            "lunge",
            k,
            "lumbar_arch",
            "woman",
            _c("left", 8, 1.1, 2.4),
            enter_hold_exit(STAND, ("lunge", {"front": "L", "lean": -14.0, "lumbar": 28.0, "back_thigh": 20.0}), "lunge"),
        ),
        Clip(
            "lunge_kneeling_hysteresis",
            "lunge",
            k,
            "knee_near_threshold",
            "woman",
            _c("right", 0, 0.9, 2.4),
            tuple(Key(1.0 * i, ("lunge", {"front": "R", "knee": (97.5, 103.5)[i % 2]}), "lunge") for i in range(7)),
            note="front knee oscillates slowly between about 97 and 103 degrees (band edge 100)",
        ),
        Clip(
            "lunge_standing_ok",
            "lunge",
            "standing",
            None,
            "woman",
            _c("right", 0, 0.9, 2.6),
            enter_hold_exit(STAND, ("lunge", {"front": "R", "variant": "standing"}), "lunge"),
        ),
        Clip(
            "lunge_standing_ok_b",
            "lunge",
            "standing",
            None,
            "man",
            _c("left", -10, 1.3, 3.6),
            enter_hold_exit(STAND, ("lunge", {"front": "L", "variant": "standing"}), "lunge"),
        ),
        Clip(
            "lunge_standing_knee_past_ankle",
            "lunge",
            "standing",
            "knee_past_ankle",
            "teen",
            _c("left", 6, 0.8, 2.6),
            enter_hold_exit(STAND, ("lunge", {"front": "L", "variant": "standing", "knee": 68.0}), "lunge"),
        ),
    ]
    return L


def _floor_clips() -> list[Clip]:
    cob = ("cobra", {})
    out = [
        Clip(
            "cobra_beginner_ok",
            "cobra",
            "beginner",
            None,
            "woman",
            _c("left", 0, 0.7, 2.3),
            enter_hold_exit(("cobra_rest", {}), cob, "cobra", hold_s=4.0),
            demo=True,
        ),
        Clip(
            "cobra_beginner_ok_b",
            "cobra",
            "beginner",
            None,
            "teen",
            _c("right", 10, 1.0, 2.3),
            enter_hold_exit(("cobra_rest", {}), cob, "cobra"),
        ),
        Clip(
            "cobra_beginner_elbows_straight",
            "cobra",
            "beginner",
            "elbows_straight",
            "man",
            _c("right", 0, 0.8, 2.5),
            enter_hold_exit(("cobra_rest", {}), ("cobra", {"elbow": 168.0, "hand_offset": 0.03}), "cobra"),
        ),
        Clip(
            "cobra_beginner_head_back",
            "cobra",
            "beginner",
            "head_back",
            "teen",
            _c("left", -6, 0.6, 2.2),
            enter_hold_exit(("cobra_rest", {}), ("cobra", {"head_back": 45.0}), "cobra"),
        ),
        Clip(
            "cobra_beginner_hips_up",
            "cobra",
            "beginner",
            "hips_up",
            "woman",
            _c("right", 5, 0.9, 2.4),
            enter_hold_exit(("cobra_rest", {}), ("cobra", {"hips_up": 12.0, "elbow": 95.0, "hand_offset": 0.10}), "cobra"),
        ),
        Clip(
            "cobra_advanced_ok",
            "cobra",
            "advanced",
            None,
            "man",
            _c("left", 0, 0.8, 2.5),
            enter_hold_exit(("cobra_rest", {}), ("cobra", {"elbow": 170.0, "hand_offset": 0.02}), "cobra"),
            profile="advanced",
        ),
        Clip(
            "cobra_advanced_hips_up",
            "cobra",
            "advanced",
            "hips_up",
            "woman",
            _c("left", 8, 1.0, 2.4),
            enter_hold_exit(("cobra_rest", {}), ("cobra", {"hips_up": 12.0, "elbow": 172.0, "hand_offset": 0.0}), "cobra"),
            profile="advanced",
        ),
        Clip(
            "knee_to_chest_ok",
            "knee_to_chest",
            None,
            None,
            "woman",
            _c("left", 0, 0.9, 2.4),
            enter_hold_exit(SUPINE, ("knee_to_chest", {"bent": "L"}), "knee_to_chest", hold_s=4.0),
            demo=True,
        ),
        Clip(
            "knee_to_chest_ok_b",
            "knee_to_chest",
            None,
            None,
            "man",
            _c("right", -8, 1.2, 2.7),
            enter_hold_exit(SUPINE, ("knee_to_chest", {"bent": "L"}), "knee_to_chest"),
        ),
        Clip(
            "knee_to_chest_other_leg_bent",
            "knee_to_chest",
            None,
            "other_leg_bent",
            "teen",
            _c("right", 0, 0.9, 2.4),
            enter_hold_exit(SUPINE, ("knee_to_chest", {"bent": "R", "other_knee": 80.0}), "knee_to_chest"),
        ),
        Clip(
            "knee_to_chest_knee_not_drawn",
            "knee_to_chest",
            None,
            "knee_not_drawn",
            "woman",
            _c("left", 6, 1.0, 2.4),
            enter_hold_exit(SUPINE, ("knee_to_chest", {"bent": "R", "hip": 80.0, "knee": 95.0}), "knee_to_chest"),
        ),
        Clip(
            "edge_hang_intermediate_ok",
            "edge_hang",
            "intermediate",
            None,
            "woman",
            _c("left", 0, 1.0, 2.6),
            enter_hold_exit(("edge_rest", {"bent": "L"}), ("edge_hang", {"bent": "L"}), "edge_hang", hold_s=4.0),
            demo=True,
        ),
        Clip(
            "edge_hang_advanced_ok",
            "edge_hang",
            "advanced",
            None,
            "man",
            _c("right", 8, 1.1, 2.8),
            enter_hold_exit(("edge_rest", {"bent": "R"}), ("edge_hang", {"bent": "R", "foot_on_floor": False}), "edge_hang"),
            profile="advanced",
        ),
        Clip(
            "edge_hang_lumbar_arch",
            "edge_hang",
            "intermediate",
            "lumbar_arch",
            "teen",
            _c("right", 0, 1.0, 2.6),
            enter_hold_exit(("edge_rest", {"bent": "L"}), ("edge_hang", {"bent": "L", "lumbar": 28.0}), "edge_hang"),
        ),
        Clip(
            "constructive_rest_ok",
            "constructive_rest",
            None,
            None,
            "woman",
            _c("left", 0, 0.9, 2.4),
            enter_hold_exit(SUPINE, ("constructive_rest", {}), "constructive_rest", hold_s=4.0),
            demo=True,
        ),
        Clip(
            "constructive_rest_ok_b",
            "constructive_rest",
            None,
            None,
            "man",
            _c("right", 12, 1.3, 2.8),
            enter_hold_exit(SUPINE, ("constructive_rest", {"knee": 55.0}), "constructive_rest"),
        ),
        Clip(
            "constructive_rest_knees_straight",
            "constructive_rest",
            None,
            "knees_too_straight",
            "teen",
            _c("left", -5, 0.8, 2.4),
            enter_hold_exit(SUPINE, ("constructive_rest", {"knee": 118.0}), "constructive_rest"),
        ),
        Clip(
            "legs_on_chair_ok",
            "legs_on_chair",
            None,
            None,
            "woman",
            _c("left", 0, 0.9, 2.4),
            enter_hold_exit(("bent_legs_up", {}), ("legs_on_chair", {}), "legs_on_chair", hold_s=4.0),
            demo=True,
        ),
        Clip(
            "legs_on_chair_too_far",
            "legs_on_chair",
            None,
            "too_far",
            "man",
            _c("right", 6, 1.0, 2.6),
            enter_hold_exit(("bent_legs_up", {}), ("legs_on_chair", {"hip": 55.0}), "legs_on_chair"),
        ),
        Clip(
            "knees_together_rest_ok_front",
            "knees_together_rest",
            None,
            None,
            "woman",
            _c("front", 0, 1.4, 1.9),
            enter_hold_exit(
                ("constructive_rest", {"knee": 75.0}), ("knees_together_rest", {}), "knees_together_rest", hold_s=4.0
            ),
            demo=True,
        ),
        Clip(
            "knees_together_rest_ok_side",
            "knees_together_rest",
            None,
            None,
            "man",
            _c("left", 5, 1.0, 2.5),
            enter_hold_exit(("constructive_rest", {"knee": 75.0}), ("knees_together_rest", {}), "knees_together_rest"),
        ),
        Clip(
            "knees_together_rest_knees_apart_front",
            "knees_together_rest",
            None,
            "knees_apart",
            "teen",
            _c("front", 8, 1.3, 1.9),
            enter_hold_exit(
                ("constructive_rest", {"knee": 75.0}), ("knees_together_rest", {"together": False}), "knees_together_rest"
            ),
        ),
        Clip(
            "figure_four_rest_ok",
            "figure_four_rest",
            None,
            None,
            "woman",
            _c("left", 0, 1.0, 2.4),
            enter_hold_exit(
                ("constructive_rest", {"knee": 70.0}), ("figure_four_rest", {"support": "L"}), "figure_four_rest", hold_s=4.0
            ),
            demo=True,
        ),
        Clip(
            "figure_four_rest_ok_b",
            "figure_four_rest",
            None,
            None,
            "man",
            _c("left", -8, 1.2, 2.7),
            enter_hold_exit(("constructive_rest", {"knee": 70.0}), ("figure_four_rest", {"support": "R"}), "figure_four_rest"),
        ),
        Clip(
            "figure_four_rest_not_on_knee",
            "figure_four_rest",
            None,
            "ankle_not_on_knee",
            "teen",
            _c("right", 0, 1.0, 2.4),
            enter_hold_exit(
                ("constructive_rest", {"knee": 70.0}),
                ("figure_four_rest", {"support": "R", "on_knee": False}),
                "figure_four_rest",
            ),
        ),
        Clip(
            "pigeon_ok_side",
            "pigeon",
            None,
            None,
            "woman",
            _c("left", 0, 0.8, 2.4),
            enter_hold_exit(TABLE, ("pigeon", {"front": "L"}), "pigeon", hold_s=4.0),
            demo=True,
        ),
        Clip(
            "pigeon_ok_front",
            "pigeon",
            None,
            None,
            "man",
            _c("front", 0, 1.0, 2.6),
            enter_hold_exit(TABLE, ("pigeon", {"front": "R"}), "pigeon"),
        ),
        Clip(
            "pigeon_hips_not_square_front",
            "pigeon",
            None,
            "hips_not_square",
            "woman",
            _c("front", -6, 0.9, 2.6),
            enter_hold_exit(TABLE, ("pigeon", {"front": "L", "roll": 18.0}), "pigeon"),
        ),
        Clip(
            "pigeon_back_knee_bent",
            "pigeon",
            None,
            "back_knee_bent",
            "teen",
            _c("right", 5, 0.8, 2.4),
            enter_hold_exit(TABLE, ("pigeon", {"front": "L", "back_knee": 60.0}), "pigeon"),
        ),
        Clip(
            "glute_bridge_ok",
            "glute_bridge",
            None,
            None,
            "woman",
            _c("left", 0, 0.8, 2.4),
            enter_hold_exit(("constructive_rest", {"knee": 95.0}), ("glute_bridge", {}), "glute_bridge", hold_s=4.0),
            demo=True,
        ),
        Clip(
            "glute_bridge_ok_b",
            "glute_bridge",
            None,
            None,
            "teen",
            _c("right", -10, 1.1, 2.4),
            enter_hold_exit(("constructive_rest", {"knee": 95.0}), ("glute_bridge", {"hip": 176.0}), "glute_bridge"),
        ),
        Clip(
            "glute_bridge_not_lifted",
            "glute_bridge",
            None,
            "hips_not_lifted",
            "man",
            _c("right", 0, 0.8, 2.6),
            enter_hold_exit(("constructive_rest", {"knee": 95.0}), ("glute_bridge", {"hip": 145.0}), "glute_bridge"),
        ),
        Clip(
            "glute_bridge_overarch",
            "glute_bridge",
            None,
            "overarch",
            "teen",
            _c("left", 6, 0.9, 2.4),
            enter_hold_exit(
                ("constructive_rest", {"knee": 95.0}), ("glute_bridge", {"hip": 208.0, "lumbar": 25.0}), "glute_bridge"
            ),
        ),
        Clip(
            "plank_ok",
            "plank",
            None,
            None,
            "man",
            _c("left", 0, 0.7, 2.5),
            enter_hold_exit(("plank_rest", {}), ("plank", {}), "plank", hold_s=4.0),
            demo=True,
        ),
        Clip(
            "plank_ok_b",
            "plank",
            None,
            None,
            "woman",
            _c("right", 10, 1.0, 2.4),
            enter_hold_exit(("plank_rest", {}), ("plank", {}), "plank"),
        ),
        Clip(
            "plank_sag",
            "plank",
            None,
            "sag",
            "woman",
            _c("right", 0, 0.7, 2.4),
            enter_hold_exit(("plank_rest", {}), ("plank", {"lumbar": 24.0, "hip": -8.0}), "plank"),
        ),
        Clip(
            "plank_pike",
            "plank",
            None,
            "pike",
            "teen",
            _c("left", -6, 0.9, 2.4),
            enter_hold_exit(("plank_rest", {}), ("plank", {"hip": 32.0}), "plank"),
        ),
        Clip(
            "smr_release_ok",
            "smr_release",
            None,
            None,
            "woman",
            _c("left", 0, 0.9, 2.4),
            enter_hold_exit(TABLE, ("smr_release", {"ball_side": "L"}), "smr_release", hold_s=4.0),
            demo=True,
        ),
        Clip(
            "smr_release_not_prone",
            "smr_release",
            None,
            "not_prone",
            "man",
            _c("right", 5, 1.0, 2.6),
            hold_only(("smr_release", {"ball_side": "R", "on_ball": False}), "smr_release"),
        ),
    ]
    return out


def _null_and_transitions() -> list[Clip]:
    walk = tuple(Key(i * 0.25, ("walking", {"phase": i * 3.14159 / 2}), None) for i in range(17))
    return [
        Clip(
            "standing_walk_in_place",
            None,
            None,
            None,
            "man",
            _c("left", 0, 1.0, 2.6),
            walk,
            note="standing, then walking in place: no catalogue exercise",
        ),
        Clip(
            "standing_front",
            None,
            None,
            None,
            "teen",
            _c("front", 10, 1.1, 2.8),
            tuple(Key(i * 1.0, ("standing", {"breath": (0.0, 2.0)[i % 2]}), None) for i in range(4)),
            note="standing still, front view: no catalogue exercise",
        ),
        Clip(
            "transition_standing_to_lunge",
            "lunge",
            "kneeling",
            None,
            "woman",
            _c("right", 0, 0.9, 2.6),
            (Key(0.0, STAND, None), Key(1.0, STAND, None))
            + tuple(Key(2.5 + i, ("lunge", {"front": "R", "breath": (0.0, 1.5)[i % 2]}), "lunge") for i in range(3))
            + (Key(5.8, STAND, None), Key(6.3, STAND, None)),
            note="segmentation: standing, kneeling lunge, standing",
        ),
        Clip(
            "transition_constructive_to_knee_to_chest",
            "constructive_rest",
            None,
            None,
            "man",
            _c("left", 0, 1.0, 2.6),
            (
                Key(0.0, ("constructive_rest", {}), "constructive_rest"),
                Key(1.0, ("constructive_rest", {"breath": 1.5}), "constructive_rest"),
                Key(2.0, ("constructive_rest", {}), "constructive_rest"),
                Key(3.3, ("knee_to_chest", {"bent": "L"}), "knee_to_chest"),
                Key(4.3, ("knee_to_chest", {"bent": "L", "breath": 1.5}), "knee_to_chest"),
                Key(5.3, ("knee_to_chest", {"bent": "L"}), "knee_to_chest"),
            ),
            exercises=("constructive_rest", "knee_to_chest"),
            note="segmentation: constructive rest, then knee to chest",
        ),
    ]


BREATH_FPS = 15  # breathing is slow; 15 frames a second (a webcam in a dim room) keeps the long truth files small


def settle_and_breathe(rest: Ref, hold: Ref, exercise: str, seconds: float, lead: float = 0.5, enter: float = 2.5
                       ) -> tuple[Key, ...]:
    """Lie at rest, move into the position in ``enter`` s, then hold it still (the joints do
    not move) until ``seconds``: the breathing is the mesh's, see :class:`BreathSpec`."""
    return (Key(0.0, rest, None), Key(lead, rest, None), Key(lead + enter, hold, exercise), Key(seconds, hold, exercise))


def _breathing(name: str, exercise: str, rest: Ref, hold: Ref, body: str, cam: CameraSpec, spec: BreathSpec,
               seconds: float, title: str, note: str = "") -> Clip:
    return Clip(name, exercise, None, None, body, cam, settle_and_breathe(rest, hold, exercise, seconds),
                fps=BREATH_FPS, breathing=spec, title=title, note=note)


def _breathing_clips() -> list[Clip]:
    """Rest positions held still for most of a minute while breathing with a known pattern."""
    cr, kt = ("constructive_rest", {}), ("constructive_rest", {"knee": 75.0})
    s = 4.0  # the breathing starts 1 s after the body has settled
    return [
        _breathing("breathing_constructive_rest_belly_6bpm", "constructive_rest", SUPINE, cr, "woman",
                   _c("left", 0, 0.9, 2.4), BreathSpec("belly", 4.0, 6.0, 25.0, 3.0, s, seed=1), 64.0,
                   "constructive rest: breathing into the belly, 6 a minute"),
        _breathing("breathing_constructive_rest_belly_12bpm", "constructive_rest", SUPINE, ("constructive_rest", {"knee": 55.0}),
                   "man", _c("right", 12, 1.3, 2.8), BreathSpec("belly", 2.0, 3.0, 20.0, 3.0, s, seed=2), 48.0,
                   "constructive rest: breathing into the belly, 12 a minute"),
        _breathing("breathing_constructive_rest_chest_14bpm", "constructive_rest", SUPINE, cr, "teen",
                   _c("left", -5, 0.8, 3.6), BreathSpec("chest", 1.8, 2.5, -2.0, 12.0, s, seed=3), 48.0,
                   "constructive rest: breathing into the chest, 14 a minute",
                   "chest breathing: the chest wall rises 12 mm, the belly wall sinks 2 mm"),
        _breathing("breathing_constructive_rest_held", "constructive_rest", SUPINE, cr, "man",
                   _c("left", 0, 0.6, 2.2), BreathSpec("held", belly_mm=0.0, chest_mm=0.0, start=s), 45.0,
                   "constructive rest: breath held", "a held breath: the body is still from the start"),
        _breathing("breathing_legs_on_chair_belly_10bpm", "legs_on_chair", ("bent_legs_up", {}), ("legs_on_chair", {}),
                   "man", _c("left", 6, 1.0, 2.6), BreathSpec("belly", 2.5, 3.5, 22.0, 3.0, s, seed=5), 50.0,
                   "legs on a chair: breathing into the belly, 10 a minute"),
        _breathing("breathing_figure_four_rest_belly_8bpm", "figure_four_rest", ("constructive_rest", {"knee": 70.0}),
                   ("figure_four_rest", {"support": "R"}), "teen", _c("right", 0, 1.2, 3.0),
                   BreathSpec("belly", 3.0, 4.5, 18.0, 2.0, s, seed=6), 50.0,
                   "figure four: breathing into the belly, 8 a minute"),
        _breathing("breathing_knee_to_chest_belly_12bpm", "knee_to_chest", SUPINE, ("knee_to_chest", {"bent": "R"}), "woman",
                   _c("left", -8, 0.7, 3.2), BreathSpec("belly", 2.0, 3.0, 20.0, 3.0, s, seed=7), 48.0,
                   "knee to chest: breathing into the belly, 12 a minute",
                   "the far knee is drawn up: the near side of the belly is in view"),
        _breathing("breathing_knees_together_rest_chest_18bpm", "knees_together_rest", kt, ("knees_together_rest", {}),
                   "man", _c("right", 5, 1.4, 2.0), BreathSpec("chest", 1.4, 1.9, 1.0, 10.0, s, seed=8), 45.0,
                   "knees together: fast breathing into the chest, 18 a minute",
                   "fast chest breathing: the chest wall rises 10 mm, the belly wall 1 mm"),
        _breathing("breathing_constructive_rest_belly_7bpm_hands_on_belly", "constructive_rest", SUPINE,
                   ("hands_on_belly", {}), "woman", _c("right", 0, 1.1, 2.5),
                   BreathSpec("belly", 3.5, 5.0, 24.0, 3.0, s, seed=11, hands_ride=True), 50.0,
                   "constructive rest, hands on the belly: breathing into the belly, 7 a minute",
                   "both hands rest on the belly and rise and fall with it (the wrists' truth moves with them)"),
        _breathing("breathing_constructive_rest_belly_8bpm_front", "constructive_rest", SUPINE, cr, "teen",
                   _c("front", 0, 1.4, 1.9), BreathSpec("belly", 3.0, 4.5, 25.0, 3.0, s, seed=10), 45.0,
                   "constructive rest, seen from the feet: breathing into the belly, 8 a minute",
                   "front view: the belly moves toward the camera; breathing cannot be read from the outline"),
    ]


CLIPS: list[Clip] = _lunge_clips() + _floor_clips() + _null_and_transitions() + _breathing_clips()
