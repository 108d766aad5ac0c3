"""The live coach behind the camera: frames in, verdicts out, the session stored as it runs.

The WebRTC frame callback must return at once, so it only drops the frame into a one-slot
box and draws the latest verdict. A worker thread takes the newest frame, runs the shared
``Session`` (model loaded once per stream), stores the frame, and sends a ``LiveUpdate``
through a ``queue.Queue`` to the page. Older frames are dropped, never queued: on a busy
computer fewer frames are judged, with the model the person chose (it is never swapped for
a lighter one behind their back); each frame is timed by its arrival, so holds count real
seconds, and the cue, the timer and the drawing stay live.

Each judged frame is worded once (``coach_view``): the page's headline and the caption drawn
on the video come from the same ``CoachView``. The set-up check (does the camera see what
the checks need?) and a tally of the faults for the summary after Stop run here too.

The camera can fail mid-session: when no frame comes for ``stall_notice_s`` the page is told
so, and after ``idle_end_s`` the session ends, stored as far as it went. A picture that has
not changed at all for ``frozen_after_s`` (a frozen camera) is not judged, so the hold
pauses, and the page says why. Log lines name no person and no file.

Nothing here imports Streamlit: the page wires it up.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from posecoach.adapters.estimators.factory import open_estimator
from posecoach.adapters.models import ModelInfo, provision
from posecoach.adapters.store import SessionWriter, Store
from posecoach.core.coach import Coach, FrameResult
from posecoach.core.routine import Routine, RoutineStatus, RoutineTracker
from posecoach.core.setup import SetupGate, SetupStatus, setup_status
from posecoach.core.thomas import ThomasTest
from posecoach.engine.session import Session, needs_mask
from posecoach.exercises.catalogue import Catalogue, ExerciseSpec, load_routine
from posecoach.services.live_meters import FreezeWatch, LatestBox, RateMeter, Window
from posecoach.services.live_state import CoachView, FaultTally, SessionSummary, coach_view, hold_lines
from posecoach.services.live_thomas import ThomasLive, feed_thomas, save_measurements

log = logging.getLogger(__name__)

Clock = Callable[[], float]


@dataclass(frozen=True)
class LiveConfig:
    """What the person chose on the page; a change starts a new session."""

    person_id: int
    exercise: str | None  # None: recognise the exercise
    profile_name: str
    profile_toml: str | None  # a saved profile's text, None for a built-in profile
    source: str  # "webcam", "clip:<file name>" or "upload:<file name>"
    model: str = "full"
    record_video: bool = False
    idle_end_s: float = 10.0  # no frame for this long ends the session (it is kept)
    stall_notice_s: float = 2.0  # no frame for this long: the page says the camera sends nothing
    frozen_after_s: float = 5.0  # an unchanged picture for this long is a frozen camera: not judged
    routine: str | None = None  # follow this routine hands-free (the exercise is recognised)
    plan_routine: Routine | None = None  # follow the person's plan as the routine (instead of ``routine``)
    thomas: bool = False  # the guided Thomas test: readings of the hanging leg (the exercise is the edge hang)


@dataclass(frozen=True)
class LiveStats:
    """How the live coach keeps up. Rates per second; times in milliseconds."""

    processed_fps: float
    received_fps: float
    latency_ms: float  # median, from the frame reaching the frame callback to its verdict
    process_ms: float  # median model + coach time per frame
    received: int
    processed: int
    dropped: int
    model: str


@dataclass(frozen=True)
class LiveUpdate:
    """One message from the worker to the page."""

    result: FrameResult | None
    stats: LiveStats
    session_id: int | None
    error: str | None = None
    ended: bool = False
    routine: RoutineStatus | None = None  # where the person is in the routine, when following one
    routine_slots: tuple = ()  # every (step, side) of the routine
    notice: str | None = None  # what is wrong with the camera, for the page to say
    people: int = 0  # people in the last judged frame (the coached one is kept when there are more)
    view: CoachView | None = None  # the frame in words: headline, timer, check list, routine progress
    summary: SessionSummary | None = None  # once ended: holds per side and the main fault
    thomas: ThomasLive | None = None  # the guided Thomas test: its readings so far and what to do now


def no_picture_words(for_s: float) -> str:
    return f"No picture from the camera for {for_s:.0f} s: is it unplugged or in use elsewhere?"


def frozen_words(for_s: float) -> str:
    return f"The camera picture has not changed for {for_s:.0f} s: it may be frozen. The hold is paused."


CAMERA_STOPPED = "The camera stopped sending pictures, so the session ended. Everything up to then is saved."


def offer(q: queue.Queue, item: object) -> None:
    """Put without blocking; when full, drop the oldest item first."""
    while True:
        try:
            q.put_nowait(item)
            return
        except queue.Full:
            with contextlib.suppress(queue.Empty):
                q.get_nowait()


@dataclass
class _Counters:
    received: int = 0
    processed: int = 0
    received_rate: RateMeter = field(default_factory=RateMeter)
    processed_rate: RateMeter = field(default_factory=RateMeter)
    latency_ms: Window = field(default_factory=lambda: Window(50))
    process_ms: Window = field(default_factory=lambda: Window(50))


class LiveCoach:
    """One stream, one stored session: a worker thread from the first frame to the end."""

    def __init__(self, config: LiveConfig, catalogue: Catalogue, models: dict[str, ModelInfo],
                 store: Store | None, updates: queue.Queue, clock: Clock = time.monotonic) -> None:
        self.config = config
        self.catalogue = catalogue
        self.models = dict(models)  # variant -> installed bundle; the chosen one is provisioned if missing
        self.store = store
        self.updates = updates
        self.clock = clock
        self.model = config.model
        self.session_id: int | None = None
        self.last_result: FrameResult | None = None
        self.last_view: CoachView | None = None  # drawn on the video: the same words as the page's headline
        self.error: str | None = None
        self._box: LatestBox[tuple[np.ndarray, float]] = LatestBox()
        self._stop = threading.Event()
        self._counts = _Counters()
        self._lock = threading.Lock()
        self._t0_s: float | None = None
        self._thread = threading.Thread(target=self._run, name="posecoach-live", daemon=True)
        self._thread.start()

    @property
    def started_s(self) -> float | None:
        """When the first frame arrived (the clock's seconds): frame times count from it."""
        return self._t0_s

    @property
    def finished(self) -> bool:
        return not self._thread.is_alive()

    def submit(self, rgb: np.ndarray, arrival_s: float) -> None:
        """Hand over a frame (RGB uint8, not mirrored) that reached the server at ``arrival_s``."""
        with self._lock:
            self._counts.received += 1
            self._counts.received_rate.tick(arrival_s)
        self._box.put((rgb, arrival_s))

    def stop(self, wait_s: float | None = 5.0) -> None:
        """End the session: the worker stores what is left and exits."""
        self._stop.set()
        if wait_s is not None and threading.current_thread() is not self._thread:
            self._thread.join(wait_s)

    def stats(self) -> LiveStats:
        c = self._counts
        with self._lock:
            return LiveStats(
                processed_fps=c.processed_rate.per_s(), received_fps=c.received_rate.per_s(),
                latency_ms=c.latency_ms.median(), process_ms=c.process_ms.median(),
                received=c.received, processed=c.processed, dropped=self._box.dropped, model=self.model,
            )

    # The worker thread
    def _run(self) -> None:
        try:
            if self.model not in self.models:
                self.models[self.model] = provision(self.model, say=log.info)
            with contextlib.ExitStack() as stack:
                masks = needs_mask(self.catalogue, self.config.exercise)
                estimator = stack.enter_context(open_estimator(self.models[self.model].path, "people", mode="video",
                                                               masks=masks))
                session = Session(self.catalogue, self.config.exercise, estimator)
                self._loop(session, stack)
        except Exception as exc:  # shown on the page; the stream itself keeps running
            # The message may name a file of this person's: the log keeps only the kind of failure.
            log.error("live coach failed: %s", type(exc).__name__)
            self.error = str(exc) or type(exc).__name__
            offer(self.updates, LiveUpdate(self.last_result, self.stats(), self.session_id, error=self.error, ended=True,
                                           view=self.last_view))

    def _loop(self, session: Session, stack: contextlib.ExitStack) -> None:
        recorder = _SessionRecorder(self.store, self.config, self.models[self.model], stack,
                                    self.catalogue.breathing.belly_share_min)
        routine = self.config.plan_routine or (load_routine(self.config.routine, self.catalogue)
                                               if self.config.routine else None)
        tracker = RoutineTracker(routine) if routine else None
        thomas = ThomasTest() if self.config.thomas else None
        thomas_now: ThomasLive | None = None
        slots = tuple(tracker.routine.slots()) if tracker else ()
        freeze = FreezeWatch()
        gate = SetupGate()
        tally = FaultTally()
        last_frame_s = self.clock()
        notice: str | None = None
        while not self._stop.is_set():
            item = self._box.take(timeout_s=0.2)
            if item is None:
                idle_s = self.clock() - last_frame_s
                if idle_s > self.config.idle_end_s:
                    notice = CAMERA_STOPPED
                    break
                if idle_s > self.config.stall_notice_s:
                    offer(self.updates, LiveUpdate(self.last_result, self.stats(), self.session_id,
                                                   notice=no_picture_words(idle_s), view=self.last_view))
                continue
            rgb, arrival_s = item
            last_frame_s = arrival_s
            frozen_s = freeze.frozen_for_s(rgb, arrival_s)
            if frozen_s >= self.config.frozen_after_s:
                offer(self.updates, LiveUpdate(self.last_result, self.stats(), self.session_id,
                                               notice=frozen_words(frozen_s), view=self.last_view))
                continue
            if self._t0_s is None:
                self._t0_s = arrival_s
            t_ms = (arrival_s - self._t0_s) * 1000.0  # real time since the first frame: holds count real seconds
            start_s = self.clock()
            result = session.step(rgb, t_ms)
            done_s = self.clock()
            self._count(start_s, done_s, arrival_s)
            self.session_id = recorder.add(rgb, result, session)
            status = None
            if tracker is not None:
                status = tracker.update(result.t_ms, result.exercise, result.side, result.hold.good_form_s,
                                        result.hold.complete)
            spec = self.catalogue.exercises.get(result.exercise) if result.exercise else None
            tally.add(result, spec)
            view = describe(session.coach, result, self.catalogue, gate, tracker.routine if tracker else None, status)
            self.last_result, self.last_view = result, view
            if thomas is not None:
                thomas_now = feed_thomas(thomas, result)
            det = session.last_detection
            offer(self.updates, LiveUpdate(result, self.stats(), self.session_id, routine=status,
                                           routine_slots=slots, people=0 if det is None else det.n_people,
                                           view=view, thomas=thomas_now))
        recorder.close(session, thomas)
        summary = SessionSummary(self.session_id, hold_lines(session.coach.holds.sets, self.catalogue),
                                 tally.main_fault(self.catalogue),
                                 0.0 if self.last_result is None else self.last_result.t_ms / 1000.0)
        offer(self.updates, LiveUpdate(self.last_result, self.stats(), self.session_id, ended=True, notice=notice,
                                       view=self.last_view, summary=summary, thomas=thomas_now))

    def _count(self, start_s: float, done_s: float, arrival_s: float) -> None:
        with self._lock:
            c = self._counts
            c.processed += 1
            c.processed_rate.tick(done_s)
            c.latency_ms.add((done_s - arrival_s) * 1000.0)
            c.process_ms.add((done_s - start_s) * 1000.0)


def describe(coach: Coach, result: FrameResult, catalogue: Catalogue, gate: SetupGate,
             routine: Routine | None = None, status: RoutineStatus | None = None) -> CoachView:
    """The coach's latest frame in words, with the set-up check (does the camera see what the
    hold's checks need?) run on the frame's observation and remembered by ``gate``."""
    spec = catalogue.exercises.get(result.exercise) if result.exercise else None
    obs = coach.last_observation
    setup: SetupStatus | None = None
    ready = False
    if spec is not None and obs is not None:
        needed = {c.id: c.views for c in spec.checks if c.required}
        setup = setup_status(result.pose, obs.head_seen, obs.feet_seen, result.view, spec.view, result.checks, needed)
        ready = gate.update(result.exercise, setup)
    return coach_view(result, catalogue, setup, ready, routine, status)


class _SessionRecorder:
    """Stores the session's frames (and, if asked, its video) from the first frame on."""

    def __init__(self, store: Store | None, config: LiveConfig, model: ModelInfo, stack: contextlib.ExitStack,
                 belly_share_min: float | None = None) -> None:
        self.store, self.config, self.model, self.stack = store, config, model, stack
        self.belly_share_min = belly_share_min  # belly from chest breathing in the stored breathing
        self.writer: SessionWriter | None = None
        self.video = None
        self._last_holds_s = 0.0
        self._frames = 0
        self._last_t_ms = 0.0

    def add(self, rgb: np.ndarray, result: FrameResult, session: Session) -> int | None:
        if self.store is None:
            return None
        if self.writer is None:
            self._open(rgb)
        det = session.last_detection
        self.writer.add(result, None if det is None else det.landmarks, session.last_image_measures)
        self._frames += 1
        self._last_t_ms = result.t_ms
        if result.t_ms / 1000.0 - self._last_holds_s >= 1.0:
            self.writer.save_holds(session.coach.holds.sets)
            self._last_holds_s = result.t_ms / 1000.0
        if self.video is not None:
            self.video.write(rgb, result.t_ms)
        return self.writer.id

    def close(self, session: Session, thomas: ThomasTest | None = None) -> None:
        """Finish the video first, then mark the session ended (so an ended session's video is whole);
        then keep its measurements (stretch depth per side, the Thomas test's complete sides)."""
        if self.video is not None:
            self.video.close()
            self.video = None
        if self.writer is not None:
            fps = (self._frames - 1) / (self._last_t_ms / 1000.0) if self._last_t_ms > 0 else None
            self.writer.update(fps=None if fps is None else round(fps, 2))  # frames analysed per second
            self.writer.close(session.coach.holds.sets)
            save_measurements(self.store, self.writer.id, session.coach.judge.depth.best, thomas)

    def _open(self, rgb: np.ndarray) -> None:
        c = self.config
        h, w = rgb.shape[:2]
        self.writer = self.store.start_session(
            c.person_id, exercise_arg=c.exercise or "auto", profile_name=c.profile_name, profile_toml=c.profile_toml,
            model=self.model.variant, model_sha256=self.model.sha256, width=w, height=h, fps=None, source=c.source,
            belly_share_min=self.belly_share_min,
        )
        self.stack.callback(self._close_quietly)
        if c.record_video:
            from posecoach.adapters.video import VideoWriter

            path = Path(self.store.path).parent / "videos" / f"session-{self.writer.id}.mp4"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.video = VideoWriter(path, w, h, 30.0)
            self.writer.update(video_path=str(path))

    def _close_quietly(self) -> None:
        """On an error, still close what was opened (each at most once)."""
        if self.video is not None:
            with contextlib.suppress(Exception):
                self.video.close()
            self.video = None
        if self.writer is not None and not self.writer.closed:
            with contextlib.suppress(Exception):
                self.writer.close()


class LiveHub:
    """Per browser session: the current ``LiveCoach``, started by the first frame of a stream
    and replaced when the person changes what is coached. Safe to call from any thread."""

    def __init__(self, store: Store | None, updates_max: int = 64) -> None:
        self.store = store
        self.updates: queue.Queue[LiveUpdate] = queue.Queue(maxsize=updates_max)
        self._lock = threading.Lock()
        self._plan: tuple[LiveConfig, Catalogue, dict[str, ModelInfo]] | None = None
        self._coach: LiveCoach | None = None

    def configure(self, config: LiveConfig, catalogue: Catalogue, models: dict[str, ModelInfo]) -> None:
        """What the next frames are coached with (the page calls this on every run)."""
        with self._lock:
            self._plan = (config, catalogue, models)

    @property
    def configured(self) -> tuple[LiveConfig, Catalogue, dict[str, ModelInfo]] | None:
        """What the next frames will be coached with: the last ``configure``'s arguments (None before)."""
        with self._lock:
            return self._plan

    def on_frame(self, rgb: np.ndarray, arrival_s: float) -> FrameResult | None:
        """From the video thread: hand over a frame; return the latest verdict to draw."""
        with self._lock:
            coach = self._coach
            if self._plan is None:
                return None
            restart = coach is None or coach.config != self._plan[0] or (coach.finished and coach.error is None)
            if restart:
                if coach is not None:
                    coach.stop(wait_s=None)
                coach = self._coach = LiveCoach(*self._plan, self.store, self.updates)
        if coach.finished:
            return coach.last_result  # it failed: the page shows why, frames pass through
        coach.submit(rgb, arrival_s)
        return coach.last_result

    def end(self) -> None:
        """The stream ended: close the session."""
        with self._lock:
            coach, self._coach = self._coach, None
        if coach is not None:
            coach.stop()

    @property
    def coach(self) -> LiveCoach | None:
        return self._coach

    def spec(self, exercise: str | None):
        """The catalogue entry of ``exercise`` in the current plan (for colouring the overlay)."""
        plan = self._plan
        return None if plan is None or exercise is None else plan[1].exercises.get(exercise)


def shown_result(result: FrameResult, view: CoachView | None, spec: ExerciseSpec | None = None) -> FrameResult:
    """The frame's result as the video draws it: the page's headline as its caption (nothing
    while good form counts); the skeleton coloured by the checks the hold needs only (a tip
    does not turn it red beside "Good form"); the timer is the page's, in large type beside
    the video, so the video does not repeat it in other words."""
    if view is None:
        return result
    hold = replace(result.hold, exercise=None)
    tips = {c.id for c in getattr(spec, "checks", ()) if not c.required}
    checks = {cid: v for cid, v in result.checks.items() if cid not in tips}
    return replace(result, cues=[view.caption] if view.caption else [], hold=hold, checks=checks)


def frame_callback(hub: LiveHub, mirror: bool, clock: Clock = time.monotonic):
    """The typed streamlit-webrtc ``video_frame_callback``: hand the frame to the hub, return
    it with the latest verdict drawn (mirrored for a selfie view; the model sees it unmirrored)."""
    import av

    from posecoach.adapters.overlay import draw
    from posecoach.reports.words import video_measure_label

    def callback(frame: av.VideoFrame) -> av.VideoFrame:
        arrival_s = clock()
        rgb = frame.to_ndarray(format="rgb24")
        result = hub.on_frame(rgb, arrival_s)
        if result is not None:
            coach = hub.coach
            spec = hub.spec(result.exercise)
            shown = shown_result(result, coach.last_view if coach is not None else None, spec)
            shown = draw(rgb, shown, mirror=mirror, spec=spec, label_of=video_measure_label)
        else:
            shown = np.ascontiguousarray(rgb[:, ::-1]) if mirror else rgb
        return av.VideoFrame.from_ndarray(shown, format="rgb24")

    return callback
