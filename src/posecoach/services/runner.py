"""Runs one input through a Session into its sinks: report, overlay, landmarks file."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from posecoach.adapters.console import say
from posecoach.adapters.estimators.landmarker import PoseEstimator
from posecoach.adapters.landmarks_file import LandmarksDoc, LandmarksRecorder
from posecoach.adapters.outputs import OutputError, commit, discard, temp_beside, write_json
from posecoach.adapters.video import Frame, InputError, VideoReader, decode_ahead, read_image, scaled_size
from posecoach.core.coach import BreathingRelay, CoachParams
from posecoach.core.rate import AdaptiveRate, FixedRate, Rate, RateParams, ReviewRate, frames_apart
from posecoach.core.routine import RoutineTracker
from posecoach.engine.loop import analyse_frames, replay_landmarks, run_frames
from posecoach.engine.session import AnalysedFrame, Session
from posecoach.exercises.catalogue import Catalogue
from posecoach.reports.json_report import ReportBuilder


class Progress:
    """Progress on standard error, at most every ``every_s`` seconds."""

    def __init__(self, name: str, total: int, quiet: bool, every_s: float = 2.0) -> None:
        self.name, self.total, self.quiet, self.every_s = name, total, quiet, every_s
        self._last = time.monotonic()

    def tick(self, done: int) -> None:
        if self.quiet or time.monotonic() - self._last < self.every_s:
            return
        self._last = time.monotonic()
        of = f"/{self.total}" if self.total else ""
        say(f"{self.name}: {done}{of} frames analysed")


@dataclass(frozen=True)
class AnalysisPlan:
    """How a video's frames are picked and processed.

    ``stride``: every Nth frame, or with ``rate_params`` (the adaptive rate) every Nth while
    still at most. ``review``: the default review's rate, bounded in time; ``for_fps`` turns it
    into ``rate_params`` once the clip's frame rate is known. ``workers``: processes, each
    analysing one segment. ``max_side_px``: larger frames are shrunk to this before the model
    sees them (None: never). With an adaptive rate every frame is reported: those skipped
    carry the analysed frame before them forward (``analysed`` false).
    """

    stride: int = 1
    rate_params: RateParams | None = None
    workers: int = 1
    max_side_px: int | None = None
    review: ReviewRate | None = None
    breathing_gap_ms: float | None = None  # with ``rate_params`` in frames: the breathing's bound in time, for ``for_fps``

    @property
    def adaptive(self) -> bool:
        return self.rate_params is not None or self.review is not None

    def for_fps(self, fps_hz: float | None) -> AnalysisPlan:
        """The plan with the review's rate in frames for a clip of ``fps_hz``; an adaptive rate
        bounded in frames (``--stride N``) gets the breathing's bound (``breathing_gap_ms``)
        in frames too, so a rest position's breathing is read as often as by default."""
        p = self.rate_params
        if p is not None and self.breathing_gap_ms is not None and p.breathing_max_stride is None:
            bound = frames_apart(self.breathing_gap_ms, fps_hz)
            return replace(self, rate_params=replace(p, breathing_max_stride=min(p.max_stride, bound),
                                                     breathing_max_gap_ms=self.breathing_gap_ms))
        if self.review is None or p is not None:
            return self
        params = self.review.params(fps_hz)
        return replace(self, rate_params=params, stride=params.max_stride)

    def new_rate(self) -> Rate:
        return AdaptiveRate(self.rate_params) if self.rate_params is not None else FixedRate(self.stride)

    @property
    def report_stride(self) -> int:
        """The report's ``stride``: 1 when every frame is reported (the adaptive rate)."""
        return 1 if self.adaptive else self.stride

    def expected(self, frames_hint: int) -> int:
        """Frames to report, for the progress messages (0 when not known beforehand)."""
        return frames_hint // self.report_stride

    def analysis(self, workers: int, scaled_to: tuple[int, int] | None) -> dict:
        """The report's ``analysis`` entry (the counts are filled in at the end)."""
        out = {"rate": "adaptive" if self.adaptive else "fixed", "workers": workers,
               "scaled_to": list(scaled_to) if scaled_to else None,
               "max_stride": self.stride, "max_gap_ms": self.review.max_gap_ms if self.review is not None else None}
        if self.adaptive:
            p = self.rate_params
            still = p.still_speed_trunk_lengths_per_s
            out["skips"] = (f"while the body is still (joints under {still:g} trunk lengths/s, verdicts, cue "
                            f"and exercise unchanged for {p.settle_ms:g} ms, the exercise and the person unchanged for "
                            f"{p.label_settle_ms:g} ms) up to {p.max_stride - 1} frames in a row are not analysed"
                            + (f" ({p.breathing_max_stride - 1} while a rest position's breathing is read)"
                               if p.breathing_max_stride is not None and p.breathing_max_stride < p.max_stride else "")
                            + "; they carry the analysed frame before them (frames[].analysed false), so a change is "
                            "seen up to that many frames late")
            out["breathing_max_gap_ms"] = p.breathing_max_gap_ms
        return out


@dataclass(frozen=True)
class Sinks:
    """Where an analysis writes besides its report: ``annotate`` the overlay (.mp4, or .png/.jpg
    of the last frame), ``landmarks_out`` the landmarks file; ``quiet`` no progress messages;
    ``progress_first`` a message at the first frame analysed (the cold-start benchmark's mark)."""

    annotate: str | None = None
    landmarks_out: str | None = None
    quiet: bool = False
    progress_first: bool = False


class Runner:
    """Analysis of one input into its report and the optional ``sinks``."""

    def __init__(self, path: Path, kind: str, catalogue: Catalogue, exercise: str | None, sinks: Sinks,
                 model_name: str, model_sha: str, routine=None, plan: AnalysisPlan | None = None) -> None:
        self.path, self.kind, self.catalogue, self.exercise = path, kind, catalogue, exercise
        self.plan = plan or AnalysisPlan()
        self._pending: list | None = None
        self.sinks = sinks
        self.model_name, self.model_sha = model_name, model_sha
        self.report: ReportBuilder | None = None
        self.recorder: LandmarksRecorder | None = None
        self._writer = None
        # The size (width, height) the landmarks were measured at when the frames the model saw
        # were shrunk (--max-side, or the segments of --workers); None: each frame's own size.
        self._measured_px: tuple[int, int] | None = None
        self._video_tmp: Path | None = None
        self._last_overlay: np.ndarray | None = None
        self._hold_label = None  # the overlay's hold timer in words, made on the first frame drawn
        self._session: Session | None = None
        self._progress = None
        self._count = 0
        self._last_raw: tuple[np.ndarray | None, dict[str, float]] = (None, {})
        self.routine = RoutineTracker(routine) if routine is not None else None

    def _start(self, width: int, height: int, fps: float | None, stride: int, analysis: dict | None = None) -> None:
        self.report = ReportBuilder(
            input_name=self.path.name, width=width, height=height, fps=fps, stride=stride,
            model=self.model_name, model_sha256=self.model_sha, profile=self.catalogue.profile,
            exercise_arg=self.exercise, analysis=analysis or AnalysisPlan().analysis(1, None),
        )
        if self.sinks.landmarks_out:
            self.recorder = LandmarksRecorder(width, height, fps, self.model_name, self.model_sha)

    def _on_frame(self, f: AnalysedFrame) -> None:
        self.report.add(f.result, people=None if self.kind == "landmarks" or f.detection is None else f.detection.n_people,
                        analysed=f.analysed)
        if self.routine is not None:
            r = f.result
            self.routine.update(r.t_ms, r.exercise, r.side, r.hold.good_form_s, r.hold.complete)
        if f.analysed:
            self._last_raw = (None if f.detection is None else f.detection.landmarks, f.image_measures)
        if self.recorder is not None:
            # A skipped frame keeps the pose of the analysed frame before it, so the file
            # re-scores with the same frame times (the hold timer counts frame by frame).
            self.recorder.add(f.result.t_ms, *self._last_raw, analysed=f.analysed)
        if self.sinks.annotate:
            if self._pending is not None:
                self._pending.append(f.result)  # drawn once the segments are merged
            else:
                self._annotate(f)
        self._count += 1
        if self._count == 1 and self.sinks.progress_first:
            say("first frame analysed")
        if self._progress:
            self._progress.tick(self._count)

    def _annotate(self, f: AnalysedFrame) -> None:
        from posecoach.adapters.overlay import draw
        from posecoach.reports.words import video_hold_label, video_measure_label

        if self._hold_label is None:
            self._hold_label = video_hold_label({e: spec.name for e, spec in self.catalogue.exercises.items()})
        rgb = f.rgb
        if rgb is None:
            rgb = np.full((self.report.height, self.report.width, 3), 40, np.uint8)
        result = f.result
        measured = self._measured_px
        if result.landmarks_px is not None and measured is not None and rgb.shape[:2] != (measured[1], measured[0]):
            scale = np.array([rgb.shape[1] / measured[0], rgb.shape[0] / measured[1]])
            result = replace(result, landmarks_px=result.landmarks_px * scale)  # drawn on the shrunk frame
        # The names a person reads ("Front knee 92 deg", the stretch's name and side), as on the pages.
        img = draw(rgb, result, copy=False, label_of=video_measure_label, hold_label=self._hold_label)
        target = Path(self.sinks.annotate)
        if target.suffix.lower() != ".mp4":
            self._last_overlay = img
            return
        if self._writer is None:
            from posecoach.adapters.video import VideoWriter

            self._video_tmp = temp_beside(target, ".mp4")
            try:
                self._writer = VideoWriter(self._video_tmp, img.shape[1], img.shape[0], self.report.fps or 30.0)
            except OSError as exc:
                raise OutputError(f"{target}: cannot write ({exc})") from None
        self._writer.write(img, f.result.t_ms)

    def run_media(self, estimator: PoseEstimator) -> None:
        """Analyse an image, or a video frame by frame in this process."""
        # A photo has no lasting to wait for before a rest position is recognised.
        self._session = Session(self.catalogue, self.exercise, estimator, CoachParams(still_image=self.kind == "image"))
        if self.kind == "image":
            rgb = read_image(self.path)
            h, w = rgb.shape[:2]
            self._start(w, h, None, 1)
            run_frames(self._session, iter([Frame(rgb, 0.0)]), 1, self._on_frame)
            return
        size_px = self._displayed_size() if self.plan.max_side_px else None
        scaled = scaled_size(*size_px, self.plan.max_side_px) if size_px else None
        if scaled == size_px:
            size_px = scaled = None  # small enough already
        self._measured_px = size_px
        with VideoReader(self.path, self.plan.max_side_px, threads="fit") as reader:
            self.plan = plan = self.plan.for_fps(reader.info.fps)

            def started(frames):
                for frame in frames:
                    if self.report is None:
                        info = reader.info
                        self._start(info.width, info.height, round(info.fps, 3), plan.report_stride, plan.analysis(1, scaled))
                        self._progress = Progress(self.path.name, plan.expected(info.frames_hint), self.sinks.quiet)
                    yield frame

            def skipped(frame) -> None:
                rgb = frame.rgb if self.sinks.annotate else None  # converted only to be drawn on
                self._on_frame(AnalysedFrame(rgb, None, self._session.carry(frame.t_ms), {}, analysed=False))

            with contextlib.closing(decode_ahead(reader.frames(lazy=plan.adaptive))) as frames:
                analysed = analyse_frames(self._session, started(frames), plan.new_rate(), self._on_frame, size_px=size_px,
                                          overlap=True, on_skip=skipped)
            if self.report is None or analysed == 0:
                raise InputError(f"{self.path}: has no readable video frames")
            self.report.skipped_frames = reader.info.skipped_frames

    def model_frame_shape(self) -> tuple[int, int, int] | None:
        """(height, width, 3) of the frames ``run_media`` hands the model (None: no frame decodes)."""
        size_px = self._displayed_size()
        if size_px is None:
            return None
        w, h = scaled_size(*size_px, self.plan.max_side_px)
        return h, w, 3

    def _displayed_size(self) -> tuple[int, int] | None:
        """Width and height after rotation, from the first frame (None when none decodes)."""
        with VideoReader(self.path) as probe:
            return None if probe.first_time_s() is None else (probe.info.width, probe.info.height)

    def run_parallel(self, model_path: Path, masks: bool) -> bool:
        """Analyse a video in segments, one process each (``--workers``), and judge them in one
        pass. Returns False, having done nothing, when the clip is too short to split."""
        from posecoach.adapters.estimators.base import Detection
        from posecoach.engine import segments

        with VideoReader(self.path) as probe:
            origin_s = probe.first_time_s()
            info = probe.info
        self.plan = plan = self.plan.for_fps(info.fps)
        if origin_s is None:
            raise InputError(f"{self.path}: has no readable video frames")
        duration_ms = segments.clip_duration_ms(self.path)
        cuts = segments.plan(duration_ms, plan.workers)
        if info.frames_hint <= 0 or len(cuts) < 2:
            return False
        size = (info.width, info.height)
        scaled = scaled_size(*size, plan.max_side_px)
        self._measured_px = size  # the segments measure every frame at the first frame's size
        self._session = Session(self.catalogue, self.exercise, None)
        self._start(info.width, info.height, round(info.fps, 3), plan.report_stride,
                    plan.analysis(len(cuts), scaled if scaled != size else None))
        self._progress = Progress(self.path.name, plan.expected(info.frames_hint), self.sinks.quiet)
        jobs = [segments.SegmentJob(str(self.path), seg, origin_s, str(model_path), masks, self.catalogue, self.exercise,
                                    plan.stride, plan.rate_params, plan.max_side_px, size) for seg in cuts]
        if self.sinks.annotate:
            self._pending = []
        coach = self._session.coach
        relay = BreathingRelay(self.catalogue)  # the breathing read on across the cuts, as one run reads it
        decoded = skipped = 0
        for part in segments.observe_parallel(jobs, plan.workers):
            decoded += part.decoded
            skipped += part.skipped
            # Changes of person within each segment; one across a cut is not seen (each segment locks afresh).
            self.report.people_changes += part.person_changes
            analysed = zip(part.observations, part.landmarks, part.image_measures, part.people, strict=True)
            for t_ms, is_analysed in zip(part.frame_ms, part.frame_analysed, strict=True):
                if not is_analysed:  # the rate skipped it: the frame before carried forward
                    self._on_frame(AnalysedFrame(None, None, self._session.carry(t_ms), {}, analysed=False))
                    continue
                obs, landmarks, measures, people = next(analysed)
                obs = relay(obs)
                coach.last_observation = obs
                self._on_frame(AnalysedFrame(None, Detection(landmarks, n_people=people), coach.judge.judge(obs), measures))
        if self._count == 0:
            raise InputError(f"{self.path}: has no readable video frames")
        self.report.skipped_frames = max(skipped, info.frames_hint - decoded)
        if self._pending is not None:
            self._annotate_pending()
        return True

    def _annotate_pending(self) -> None:
        """Draw the merged results on their frames, decoding the clip once more."""
        pending, self._pending = self._pending, None
        by_time = {round(r.t_ms, 3): r for r in pending}
        with VideoReader(self.path, self.plan.max_side_px, threads="fit") as reader, \
                contextlib.closing(decode_ahead(reader.frames())) as frames:
            for frame in frames:
                result = by_time.pop(round(frame.t_ms, 3), None)
                if result is not None:
                    self._annotate(AnalysedFrame(frame.rgb, None, result, {}))

    def run_landmarks(self, doc: LandmarksDoc) -> None:
        self._session = Session(self.catalogue, self.exercise, None, CoachParams(still_image=len(doc.frames) == 1))
        self._start(doc.width, doc.height, doc.fps, 1)
        if not doc.frames:
            raise InputError(f"{self.path}: frames: the landmarks file holds no frames")
        replay_landmarks(self._session, doc, self._on_frame)

    def finish(self) -> dict:
        report = self.report.document(self._session.coach.holds.sets)
        if self.routine is not None:
            st, routine = self.routine.status(), self.routine.routine
            report["summary"]["routine"] = {
                "id": routine.id, "name": routine.name, "finished": st.finished,
                "steps": [{"exercise": s.exercise, "hold_s": s.hold_s, "sides": list(s.sides)} for s in routine.steps],
                "done": [{"step": i, "exercise": routine.steps[i].exercise, "side": side} for i, side in st.done],
                "instruction": st.instruction,
            }
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            commit(self._video_tmp, Path(self.sinks.annotate))
            self._video_tmp = None
        elif self._last_overlay is not None:
            _write_image(Path(self.sinks.annotate), self._last_overlay)
        if self.recorder is not None:
            write_json(Path(self.sinks.landmarks_out), self.recorder.document())
        return report

    def abort(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # the partial file is removed either way
                pass
        discard(self._video_tmp)


def _write_image(target: Path, rgb: np.ndarray) -> None:
    """The overlay of the last frame as a .png or .jpg, atomically (no partial file, also when
    a signal ends the run while it is written)."""
    import cv2

    tmp = temp_beside(target, target.suffix)
    try:
        if not cv2.imwrite(str(tmp), rgb[:, :, ::-1]):
            raise OutputError(f"{target}: cannot write the image")
    except BaseException:
        discard(tmp)
        raise
    commit(tmp, target)
