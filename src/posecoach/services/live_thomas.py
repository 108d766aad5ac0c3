"""The guided Thomas test while coaching, and the measurements a live session keeps.

``feed_thomas`` reads each judged frame of the edge hang into the core's ``ThomasTest`` and says
what the person should do now, or why the view cannot show the reading. ``save_measurements``
stores, when a session closes, the stretch depth per side and the Thomas test's complete sides
(median of three readings with their spread). Angles in degrees. No Streamlit here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from posecoach.adapters.store import Store
from posecoach.core.coach import FrameResult
from posecoach.core.thomas import BACK_NOT_FLAT, DONE, RELAX, SETTLE, UNSEEN, ThomasReading, ThomasTest, thomas_angles

log = logging.getLogger(__name__)
EDGE_HANG = "edge_hang"
SIDES = ("left", "right")
OTHER = {"left": "right", "right": "left"}

STATE_WORDS = {
    SETTLE: "Lie still and let the leg hang: reading in a moment",
    RELAX: "Reading taken. Sit up or lift the leg, then lie back and let it hang again",
    BACK_NOT_FLAT: "Hug the other knee closer: the lower back must lie flat for a reading",
    DONE: "This side is done: hug the other knee and let this one rest, then change legs",
}


@dataclass(frozen=True)
class ThomasLive:
    """Where the guided test is: what to do now, why nothing can be read (if so), the readings."""

    state: str
    words: str
    reason: str  # why the view cannot show the hanging leg, "" when it can
    side: str | None  # the hanging leg now (whose hip flexors are measured)
    readings: tuple[ThomasReading, ...]
    per_side: int  # readings a side needs


def unseen_reason(result: FrameResult) -> str:
    """Why the hanging leg cannot be read from this frame, in a person's words."""
    if not result.pose:
        return "No one in view: lie at the end of the bed, the whole body in the picture"
    if result.exercise != EDGE_HANG:
        return "Not in the test position yet: lie on your back at the end of the bed, one leg hanging over the edge"
    if result.view not in (None, "side"):
        return "The camera must see you side-on: put it level with the bed, at its side"
    if result.cues:
        return result.cues[0]
    return "The hanging leg's hip or knee is out of view: move the camera back so the whole leg shows"


def feed_thomas(test: ThomasTest, result: FrameResult) -> ThomasLive:
    """One judged frame into the test; what to tell the person."""
    in_position = result.pose and result.exercise == EDGE_HANG
    hip, knee = thomas_angles(result.angles.get("hang_hip"), result.angles.get("hang_knee")) if in_position else (None, None)
    arch = result.checks.get("no_lumbar_arch")
    back_flat = None if arch in (None, "unknown") else arch == "pass"
    hanging = OTHER.get(result.side) if in_position else None  # the edge hang names the hugged knee's side
    state = test.update(result.t_ms, hanging, hip, knee, back_flat)
    reason = unseen_reason(result) if state == UNSEEN else ""
    words = reason if state == UNSEEN else STATE_WORDS.get(state, "")
    if state == BACK_NOT_FLAT and back_flat is None:
        words = "Hold still: checking that the lower back lies flat"
    return ThomasLive(state, words, reason, hanging, tuple(test.readings),
                      test.params.readings_per_side)


def save_measurements(store: Store | None, session: int, depth_best: dict, thomas: ThomasTest | None) -> None:
    """Keep a closed session's measurements; a store that fails here loses only these (logged)."""
    if store is None:
        return
    try:
        for (exercise, side), depth_deg in depth_best.items():
            store.save_measurement(session, "stretch_depth_deg", depth_deg, exercise=exercise, side=side)
        for side in SIDES if thomas is not None else ():
            res = thomas.result(side)
            if res is None:
                continue
            store.save_measurement(session, "thomas_hip_deg", res.hip_deg, exercise=EDGE_HANG, side=side,
                                   spread=res.hip_spread_deg, readings=res.readings)
            store.save_measurement(session, "thomas_knee_deg", res.knee_deg, exercise=EDGE_HANG, side=side,
                                   spread=res.knee_spread_deg, readings=res.readings)
    except Exception as exc:  # the session itself is stored; its measurements are not worth a crash
        log.error("could not keep the session's measurements: %s", type(exc).__name__)
