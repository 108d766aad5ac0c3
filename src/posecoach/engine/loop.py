"""The analysis loop: decoded frames through the Session at the rate asked (every frame, every
Nth, or the adaptive review's), and a landmarks file replayed through the same coach."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from posecoach.adapters.estimators.base import Detection
from posecoach.adapters.landmarks_file import LandmarksDoc
from posecoach.core.coach import FrameResult
from posecoach.core.rate import FixedRate, Rate
from posecoach.engine.session import AnalysedFrame, Session


def run_frames(session: Session, frames: Iterable, stride: int = 1,
               on_frame: Callable[[AnalysedFrame], None] | None = None) -> int:
    """Feed decoded frames through the session, every ``stride``-th; return how many were analysed."""
    return analyse_frames(session, frames, FixedRate(stride), on_frame)


def frame_state(r: FrameResult) -> tuple:
    """What the adaptive rate must not miss changing: person, exercise, side, view, verdicts, cue."""
    return r.pose, r.exercise, r.side, r.view, tuple(r.checks.items()), tuple(r.cues)


def analyse_frames(session: Session, frames: Iterable, rate: Rate,
                   on_frame: Callable[[AnalysedFrame], None] | None = None,
                   keep_from_ms: float = -math.inf, size_px: tuple[int, int] | None = None,
                   overlap: bool = False, on_skip: Callable | None = None) -> int:
    """Feed decoded frames through the session, those ``rate`` picks; frames before
    ``keep_from_ms`` only warm the session up (a segment's lead-in). Returns how many were
    analysed and kept. A frame's number is its ``index`` when it has one, else its position.
    ``on_skip(frame)``: called for each kept frame the rate skips, in order (its pixels are
    not touched, so a ``LazyFrame`` is never converted unless ``on_skip`` asks).

    ``overlap``: with a fixed rate, judge each frame (and call ``on_frame``) on a second
    thread while the model runs on the next one; the results are the same, in the same order.
    """
    if overlap and isinstance(rate, FixedRate):
        from posecoach.engine.overlap import analyse_overlapped

        return analyse_overlapped(session, frames, rate, on_frame, keep_from_ms, size_px)
    n = 0
    # A segment's first kept frame is analysed whatever the rate says, so that analysed frames are
    # never further apart than the rate's bound across a cut (the segment before ends on its own).
    cut = keep_from_ms > -math.inf
    for i, frame in enumerate(frames):
        index = frame.index if frame.index >= 0 else i
        wanted = rate.wants(index, frame.t_ms)  # asked of every frame: the rate follows the frame times
        if not wanted and not (cut and n == 0 and frame.t_ms >= keep_from_ms):
            if on_skip is not None and frame.t_ms >= keep_from_ms:
                on_skip(frame)
            continue
        result = session.step(frame.rgb, frame.t_ms, size_px)
        rate.update(index, result.t_ms, result.landmarks_px, result.visibility, frame_state(result),
                    session.coach.observer.recognition_due_ms, (result.pose, result.exercise),
                    session.coach.observer.entry_due_ms, session.breathing_in_play())
        if frame.t_ms < keep_from_ms:
            continue
        n += 1
        if on_frame:
            on_frame(AnalysedFrame(frame.rgb, session.last_detection, result, session.last_image_measures))
    return n


def replay_landmarks(session: Session, doc: LandmarksDoc,
                     on_frame: Callable[[AnalysedFrame], None] | None = None) -> int:
    """Re-judge a landmarks file frame by frame through the same coach; a frame the review
    skipped (``doc.carried``) carries the frame before forward again, as the review did."""
    n = 0
    for i, (t_ms, landmarks, measures) in enumerate(doc.frames):
        carry = i in doc.carried and session.coach.last_observation is not None
        if carry:
            result = session.carry(t_ms)
        else:
            result = session.replay(t_ms, landmarks, doc.width, doc.height, measures)
        n += 1
        if on_frame:
            on_frame(AnalysedFrame(None, Detection(landmarks), result, measures, analysed=not carry))
    return n
