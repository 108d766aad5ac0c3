"""Runs one input through a Session into its sinks: report, overlay, landmarks file."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from posecoach.adapters.estimator import PoseEstimator
from posecoach.adapters.landmarks_file import LandmarksDoc, LandmarksRecorder
from posecoach.adapters.video import Frame, InputError, VideoReader, read_image
from posecoach.core.routine import RoutineTracker
from posecoach.exercises.catalogue import Catalogue
from posecoach.outputs import OutputError, commit, discard, temp_beside, write_json
from posecoach.pipeline import AnalysedFrame, Session, replay_landmarks, run_frames
from posecoach.report import ReportBuilder


class Runner:
    """Analysis of one input with optional ``--annotate`` and ``--landmarks-out`` sinks."""

    def __init__(self, path: Path, kind: str, catalogue: Catalogue, exercise: str | None, args,
                 model_name: str, model_sha: str, routine=None) -> None:
        self.path, self.kind, self.catalogue, self.exercise = path, kind, catalogue, exercise
        self.args = args
        self.model_name, self.model_sha = model_name, model_sha
        self.report: ReportBuilder | None = None
        self.recorder: LandmarksRecorder | None = None
        self._writer = None
        self._video_tmp: Path | None = None
        self._last_overlay: np.ndarray | None = None
        self._session: Session | None = None
        self._progress = None
        self._count = 0
        self.routine = RoutineTracker(routine) if routine is not None else None

    def _start(self, width: int, height: int, fps: float | None, stride: int) -> None:
        self.report = ReportBuilder(
            input_name=self.path.name, width=width, height=height, fps=fps, stride=stride,
            model=self.model_name, model_sha256=self.model_sha, profile=self.catalogue.profile,
            exercise_arg=self.exercise,
        )
        if self.args.landmarks_out:
            self.recorder = LandmarksRecorder(width, height, fps, self.model_name, self.model_sha)

    def _on_frame(self, f: AnalysedFrame) -> None:
        self.report.add(f.result, people=None if self.kind == "landmarks" or f.detection is None else f.detection.n_people)
        if self.routine is not None:
            r = f.result
            self.routine.update(r.t_ms, r.exercise, r.side, r.hold.good_form_s, r.hold.complete)
        det = f.detection
        if self.recorder is not None:
            self.recorder.add(f.result.t_ms, None if det is None else det.landmarks, f.image_measures)
        if self.args.annotate:
            self._annotate(f)
        self._count += 1
        if self._count == 1 and getattr(self.args, "progress_first", False):
            print("posecoach: first frame analysed", file=sys.stderr, flush=True)
        if self._progress:
            self._progress.tick(self._count)

    def _annotate(self, f: AnalysedFrame) -> None:
        from posecoach.adapters.overlay import draw

        rgb = f.rgb
        if rgb is None:
            rgb = np.full((self.report.height, self.report.width, 3), 40, np.uint8)
        img = draw(rgb, f.result)
        target = Path(self.args.annotate)
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
        from posecoach.analyze import Progress

        self._session = Session(self.catalogue, self.exercise, estimator)
        stride = self.args.stride
        if self.kind == "image":
            rgb = read_image(self.path)
            h, w = rgb.shape[:2]
            self._start(w, h, None, 1)
            run_frames(self._session, iter([Frame(rgb, 0.0)]), 1, self._on_frame)
            return
        with VideoReader(self.path) as reader:
            self._progress = Progress(self.path.name, reader.info.frames_hint // stride, self.args.quiet)
            started = False
            analysed = 0
            for i, frame in enumerate(reader.frames()):
                if not started:
                    info = reader.info
                    self._start(info.width, info.height, round(info.fps, 3), stride)
                    started = True
                if i % stride:
                    continue
                analysed += run_frames(self._session, iter([frame]), 1, self._on_frame)
            if not started or analysed == 0:
                raise InputError(f"{self.path}: has no readable video frames")
            self.report.skipped_frames = reader.info.skipped_frames

    def run_landmarks(self, doc: LandmarksDoc) -> None:
        self._session = Session(self.catalogue, self.exercise, None)
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
            commit(self._video_tmp, Path(self.args.annotate))
            self._video_tmp = None
        elif self._last_overlay is not None:
            import cv2

            target = Path(self.args.annotate)
            tmp = temp_beside(target, target.suffix)
            if not cv2.imwrite(str(tmp), self._last_overlay[:, :, ::-1]):
                discard(tmp)
                raise OutputError(f"{target}: cannot write the image")
            commit(tmp, target)
        if self.recorder is not None:
            write_json(Path(self.args.landmarks_out), self.recorder.document())
        return report

    def abort(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # the partial file is removed either way
                pass
        discard(self._video_tmp)
