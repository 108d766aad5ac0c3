"""One state at a time on the Coach page: the real coach judges constructed poses, and what the
page and the video caption say is read from the one ``CoachView`` made of each frame."""

from __future__ import annotations

from dataclasses import replace

import pytest

from posecoach.core.checks import failing_cue
from posecoach.core.coach import Coach
from posecoach.core.routine import RoutineTracker
from posecoach.core.setup import SetupGate, setup_status
from posecoach.exercises.catalogue import load_catalogue, load_routine, with_routine_targets
from posecoach.reports.instructions import instructions
from posecoach.services.live_session import describe, shown_result
from posecoach.services.live_state import DONE, FIX, GOOD, GOOD_FORM, INFO, FaultTally, SessionSummary, coach_view, hold_lines
from posecoach.ui.coach_panel import busy_words, card_html, summary_html, view_html
from tests.poses import kneeling_lunge_facing_right, make_landmarks

FRAME_MS = 40.0


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def _held_lunge(catalogue, seconds: float, joints=None):
    """(coach, gate, [(result, view)]) for a kneeling lunge held ``seconds``, judged every 40 ms."""
    coach, gate = Coach(catalogue, "lunge"), SetupGate()
    pose = make_landmarks(joints or kneeling_lunge_facing_right())
    out = []
    for i in range(int(seconds * 1000 / FRAME_MS)):
        result = coach.step(i * FRAME_MS, pose, 640, 480)
        out.append((result, describe(coach, result, catalogue, gate)))
    return coach, gate, out


def test_good_form_is_the_headline_and_the_video_shows_no_other_words(catalogue):
    _, _, frames = _held_lunge(catalogue, 3.0)
    result, view = frames[-1]
    assert result.hold.counting and view.ready
    assert (view.tone, view.headline, view.caption) == (GOOD, GOOD_FORM, None)
    assert view.timer.endswith("of 0:30") and view.side == "Left leg forward: stretching the right hip flexor"
    assert [c.name for c in view.checks if c.required][0] == "Front knee at 90 degrees"  # words, never ids
    assert all("_" not in c.name for c in view.checks)


def test_a_check_the_hold_does_not_need_never_leads_it_is_a_tip(catalogue):
    _, gate, frames = _held_lunge(catalogue, 3.0)
    result, _ = frames[-1]
    spec = catalogue["lunge"]
    back_knee = spec.check("back_knee_down")
    assert not back_knee.required
    tip = back_knee.conditions[0].cue_high
    faulty = replace(result, checks={**result.checks, "back_knee_down": "fail"}, cues=[tip])
    view = coach_view(faulty, catalogue, None, True)
    assert view.headline == GOOD_FORM and view.tip == tip and view.caption is None
    drawn = shown_result(faulty, view, spec)  # what the video shows beside it
    assert drawn.cues == [] and "back_knee_down" not in drawn.checks and set(drawn.checks.values()) == {"pass"}
    lines = {c.name: c for c in view.checks}
    assert lines["Back knee on a cushion"].verdict == "fail" and not lines["Back knee on a cushion"].required
    assert list(lines).index("Back knee on a cushion") == len(lines) - 1  # listed after every needed check


def test_a_failing_needed_check_leads_even_when_the_coachs_cue_is_a_tip(catalogue):
    _, _, frames = _held_lunge(catalogue, 3.0)
    result, _ = frames[-1]
    spec = catalogue["lunge"]
    tip = spec.check("back_knee_down").conditions[0].cue_high
    angles = {**result.angles, "front_knee": 120.0}
    faulty = replace(result, angles=angles, cues=[tip], hold=replace(result.hold, counting=False),
                     checks={**result.checks, "front_knee_90": "fail", "back_knee_down": "fail"})
    view = coach_view(faulty, catalogue, None, True)
    expected = failing_cue(spec.check("front_knee_90"), {"front_knee": 120.0})
    assert view.tone == FIX and f"{view.headline}: {view.detail}" == expected
    assert view.caption == view.headline  # the video says what the headline says
    assert GOOD_FORM not in view_html(view)


def test_a_completed_hold_says_done_now_the_other_side_and_the_timer_stops_at_its_target(catalogue):
    _, _, frames = _held_lunge(catalogue, 34.0)
    result, view = frames[-1]
    assert result.hold.complete and result.hold.good_form_s > 31  # the coach keeps counting past the target
    assert (view.tone, view.headline) == (DONE, "Done: now the other side")
    assert view.timer == "0:30 of 0:30" and view.detail == "Right leg forward: stretching the left hip flexor"
    page = view_html(view)
    assert "0:3" not in page.replace("0:30", "")  # never "0:33 of 0:30"
    assert view.caption == "Done: now the other side"


def test_the_set_up_check_passes_only_when_the_camera_sees_what_the_checks_need(catalogue):
    spec = catalogue["lunge"]
    needed = {c.id: c.views for c in spec.checks if c.required}
    known = dict.fromkeys(needed, "pass")
    whole = setup_status(True, True, True, "side", "side", known, needed)
    assert whole.ready and whole.fix is None
    no_feet = setup_status(True, True, False, "side", "side", known, needed)
    assert not no_feet.ready and "feet" in no_feet.fix
    front = setup_status(True, True, True, "front", "side", known, needed)
    assert not front.ready and front.fix == "Turn side-on to the camera"
    unseen = setup_status(True, True, True, "side", "side", {**known, "front_knee_90": "unknown"}, needed)
    assert not unseen.ready and [i.label for i in unseen.items if not i.ok] == ["I can see every joint the checks need"]
    gate = SetupGate()
    assert not gate.update("lunge", no_feet) and gate.update("lunge", whole) and gate.update("lunge", no_feet)
    assert not gate.update("cobra", no_feet)  # each exercise passes its own check


def test_before_the_set_up_check_passes_there_is_no_timer_only_what_to_fix(catalogue):
    joints = kneeling_lunge_facing_right()
    for foot in ("left_ankle", "left_heel", "left_foot_index", "right_ankle", "right_heel", "right_foot_index"):
        joints.pop(foot)
    _, _, frames = _held_lunge(catalogue, 1.0, joints)
    result, view = frames[-1]
    assert not view.ready and view.timer == "" and view.setup is not None and not view.setup.ready
    assert view.tone == INFO and "of 0:30" not in view_html(view)
    assert not result.hold.counting  # the checks cannot be judged, so the hold has not started either


def test_in_a_routine_another_position_is_named_and_the_next_step_said_not_credited(catalogue):
    routine = load_routine("seeds", catalogue)
    cat = with_routine_targets(catalogue, routine)
    tracker = RoutineTracker(routine)
    _, _, frames = _held_lunge(cat, 34.0)
    status = None
    for result, _ in frames:
        status = tracker.update(result.t_ms, result.exercise, result.side, result.hold.good_form_s, result.hold.complete)
    result, own = frames[-1]
    assert result.hold.complete  # the coach counted a whole kneeling stretch...
    view = coach_view(result, cat, own.setup, own.ready, routine, status)
    assert status.done == ()  # ...but the routine waits for its first step and credits nothing else
    assert view.headline == "Next: Constructive rest position" and view.tone == INFO
    assert view.detail.startswith("This is the kneeling hip-flexor stretch. Lie on your back")
    assert view.routine.step_words == "Step 1 of 7: Constructive rest position" and view.routine.done == 0
    assert "Done" not in view.headline


def test_the_fault_tally_names_the_main_fault_with_its_fix_in_words(catalogue):
    _, _, frames = _held_lunge(catalogue, 4.0, kneeling_lunge_facing_right(front_knee=(380, 290), front_ankle=(460, 350)))
    tally = FaultTally()
    for result, _ in frames:
        tally.add(result, catalogue["lunge"])
    fault = tally.main_fault(catalogue)
    assert fault is not None and fault.fail_s >= 1.0
    spec = catalogue["lunge"]
    cues = {t for c in spec.checks for cond in c.conditions for t in (cond.cue_low, cond.cue_high) if t}
    assert fault.fix in cues and "_" not in fault.name and fault.why == spec.check(fault.check).why
    coach = Coach(catalogue, "lunge")
    summary = SessionSummary(7, hold_lines(coach.holds.sets, catalogue), fault, 4.0)
    page = summary_html(summary, saved=True)
    assert "Session done" in page and f"Main thing to fix: {fault.name}" in page and "No hold this time" in page


def test_busy_words_say_the_model_is_kept_and_stay_quiet_when_the_computer_keeps_up():
    assert busy_words(25.0, "full") is None and busy_words(0.0, "full") is None
    words = busy_words(6.2, "full")
    assert words.startswith("This computer is busy: form checked 6 times a second, full model kept")


def test_every_exercise_has_an_instruction_card_and_every_check_a_name(catalogue):
    for exercise, spec in catalogue.exercises.items():
        card = instructions(exercise)
        assert card is not None and card.steps and card.camera, exercise
        assert set(card.check_names) == {c.id for c in spec.checks}, exercise
        words = card_html(exercise, catalogue)
        assert "m away" in words and "sharp, shooting or pulsing pain" in words
        if card.floor:
            assert "floor level" in card.camera or "hip height" in card.camera, exercise


def test_seen_from_the_front_the_set_up_check_asks_to_turn_and_no_needed_check_is_called_optional(catalogue):
    _, _, frames = _held_lunge(catalogue, 1.0)
    result, _ = frames[-1]
    spec = catalogue["lunge"]
    front = replace(result, view="front", checks=dict.fromkeys(result.checks, "unknown"), cues=["Turn side-on to the camera"],
                    hold=replace(result.hold, counting=False))
    needed = {c.id: c.views for c in spec.checks if c.required}
    setup = setup_status(True, True, True, "front", "side", front.checks, needed)
    view = coach_view(front, catalogue, setup, SetupGate().update("lunge", setup))
    assert not view.ready and view.headline == "Turn side-on to the camera"
    page = view_html(view, "side")
    assert "I see you from the side" in page and "of 0:30" not in page and view.side not in page
    assert [c.required for c in view.checks] == [True, True, True, True, False]
