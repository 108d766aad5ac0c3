"""`posecoach bench speed`: the raw landmarker beside the whole pipeline, review throughput,
re-scoring and cold start, in one table.

Measured in one run so the ratios hold on a noisy machine:
- the raw MediaPipe landmarker per frame (lite, full, heavy): ``mp.Image`` and
  ``detect_for_video`` on frames decoded beforehand;
- the whole review pipeline with the full model (decoding, which runs a few frames ahead in
  its own thread, the landmarker in a process of its own, image measures, smoothing,
  measures, checks, hold timer on a second thread, overlay drawing) over a clip, alternating
  with a raw landmarker over the same frames; wall and CPU time (all threads of both
  processes) per frame;
- one frame at a time as the live page's worker runs it (model, image measures, engine),
  interleaved frame by frame with the raw landmarker on the same frame;
- review throughput: `posecoach analyze` on a 60 s clip made from the sample clips, as a
  multiple of real time, by default and with the throughput options, and on a 1920x1080
  version with and without shrinking;
- re-scoring 10 minutes of stored frames with new thresholds;
- cold start: from invoking `posecoach analyze` to the first frame analysed.
"""

from __future__ import annotations

import contextlib
import math
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from benchmarks.support.places import checkout_root
from benchmarks.support.report_table import hardware_line, load_line, process_cpu_s, table
from posecoach.adapters.estimators.landmarker import PoseEstimator
from posecoach.adapters.models import provision
from posecoach.adapters.overlay import draw
from posecoach.adapters.video import VideoReader, decode_ahead
from posecoach.engine.session import Session, needs_mask
from posecoach.exercises.catalogue import load_catalogue

DEFAULT_CLIP = checkout_root() / "sample_videos" / "lunge_kneeling_ok_a.mp4"


def _decode(path: Path, limit: int | None = None) -> list:
    with VideoReader(path) as reader:
        return list(reader.frames())[:limit]


def raw_detect(landmarker, rgb: np.ndarray, t_ms: int) -> None:
    """The bare MediaPipe call: wrap the pixels, run the landmarker (no conversion of its result)."""
    import mediapipe as mp

    landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), int(t_ms))


def raw_landmarker_ms(model: str, frames: list, masks: bool = False) -> float:
    """Median time of the bare landmarker per frame (VIDEO mode), after a warm-up."""
    info = provision(model)
    times = []
    with PoseEstimator(info.path, mode="video", masks=masks) as est:
        for f in frames[:5]:
            raw_detect(est._landmarker, f.rgb, f.t_ms)
        offset = frames[-1].t_ms + 1000
        for f in frames:
            t0 = time.perf_counter()
            raw_detect(est._landmarker, f.rgb, f.t_ms + offset)
            times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1000)


def raw_beside_busy_thread_ms(frames: list, switch_interval_s: float) -> float:
    """Median time of the bare full landmarker per frame while another thread runs pure Python
    without pause, at the interpreter's ``switch_interval_s``: how much the model's call needs
    the GIL (MediaPipe's Python binding hands each call to its own thread and back)."""
    import threading

    stop = threading.Event()

    def busy() -> None:
        while not stop.is_set():
            sum(range(1000))

    info = provision("full")
    old = sys.getswitchinterval()
    times = []
    with PoseEstimator(info.path, mode="video") as est:
        for f in frames[:5]:
            raw_detect(est._landmarker, f.rgb, f.t_ms)
        offset = frames[-1].t_ms + 1000
        sys.setswitchinterval(switch_interval_s)
        thread = threading.Thread(target=busy, daemon=True)
        thread.start()
        try:
            for f in frames:
                t0 = time.perf_counter()
                raw_detect(est._landmarker, f.rgb, f.t_ms + offset)
                times.append(time.perf_counter() - t0)
        finally:
            stop.set()
            thread.join()
            sys.setswitchinterval(old)
    return float(np.median(times) * 1000)


@dataclass(frozen=True)
class Overhead:
    """The pipeline beside the raw landmarker: ms per frame, wall and CPU time (all threads)."""

    pipeline_ms: float
    raw_ms: float
    pipeline_cpu_ms: float
    raw_cpu_ms: float

    @property
    def wall(self) -> float:
        return self.pipeline_ms / self.raw_ms - 1

    @property
    def cpu(self) -> float:
        return self.pipeline_cpu_ms / self.raw_cpu_ms - 1


def _stream(path: Path, limit: int | None, offset_ms: float):
    """The pipeline's frame source, as `analyze` has it: decoded in a thread, a few frames
    ahead; times moved on by ``offset_ms`` (a landmarker's timestamps only go up)."""
    with VideoReader(path, threads="fit") as reader, contextlib.closing(decode_ahead(reader.frames())) as frames:
        for i, frame in enumerate(frames):
            if limit is not None and i >= limit:
                return
            yield replace(frame, t_ms=frame.t_ms + offset_ms)


def _timed(fn, child_pid: int | None = None) -> tuple[float, float, int]:
    """(wall s, CPU s of all threads, frames) of ``fn()``, which returns its frame count; CPU
    time includes ``child_pid``'s (the model's process)."""
    cpu = (lambda: time.process_time() + process_cpu_s(child_pid)) if child_pid else time.process_time  # noqa: E731
    t0, c0 = time.perf_counter(), cpu()
    n = fn()
    return time.perf_counter() - t0, cpu() - c0, max(1, n)


def pipeline_vs_raw(path: Path, exercise: str | None = "lunge", limit: int | None = None, pairs: int = 4) -> Overhead:
    """The whole review pipeline over the clip beside the raw landmarker over the same frames,
    in alternating passes; each side's best pass (the one other jobs disturbed least), wall
    and CPU time per frame (the pipeline's includes its model process). The pipeline is what
    `posecoach analyze --annotate` runs, less the video encoding and the search for a second
    person: decoding a few frames ahead in a thread, the model with the mask in a process of
    its own, fed a frame ahead, image measures and the engine judging each frame on a second
    thread, and the overlay drawn on every frame."""
    from posecoach.adapters.estimators.model_process import ModelProcess
    from posecoach.core.rate import FixedRate
    from posecoach.engine.loop import analyse_frames

    catalogue = load_catalogue()
    info = provision("full")
    masks = needs_mask(catalogue, exercise)
    decoded = _decode(path, limit)
    runs: list[tuple[tuple, tuple]] = []
    with ModelProcess(info.path, masks=masks, shape=decoded[0].rgb.shape, people=False) as est, \
            PoseEstimator(info.path, mode="video", masks=masks) as bare:
        span_ms = decoded[-1].t_ms + 1000.0
        for k in range(pairs + 1):  # the first pair warms up
            offset = 2 * k * span_ms  # each pass continues the landmarker's timestamps

            def pipeline(offset: float = offset) -> int:
                with contextlib.closing(_stream(path, limit, offset)) as frames:
                    return analyse_frames(Session(catalogue, exercise, est), frames, FixedRate(1),
                                          lambda f: draw(f.rgb, f.result, copy=False), overlap=True)

            def raw(offset: float = offset + span_ms) -> int:
                for f in decoded:
                    raw_detect(bare._landmarker, f.rgb, f.t_ms + offset)
                return len(decoded)

            runs.append((_timed(pipeline, est.pid), _timed(raw)))
    runs = runs[1:]
    best = lambda side, k: min(run[side][k] / run[side][2] for run in runs) * 1000  # noqa: E731
    return Overhead(best(0, 0), best(1, 0), best(0, 1), best(1, 1))


def step_vs_raw(path: Path, exercise: str | None = "lunge", limit: int | None = None) -> Overhead:
    """One frame at a time, as the live page's worker runs (Session.step: the model, image
    measures, the engine), interleaved frame by frame with the raw landmarker on the same frame
    so both see the same load; medians (no CPU figures)."""
    catalogue = load_catalogue()
    info = provision("full")
    masks = needs_mask(catalogue, exercise)
    step, raw = [], []
    with PoseEstimator(info.path, mode="video", masks=masks) as est, \
            PoseEstimator(info.path, mode="video", masks=masks) as bare:
        session = Session(catalogue, exercise, est)
        for frame in _decode(path, limit):
            t0 = time.perf_counter()
            session.step(frame.rgb, frame.t_ms)
            t1 = time.perf_counter()
            raw_detect(bare._landmarker, frame.rgb, frame.t_ms)
            step.append(t1 - t0)
            raw.append(time.perf_counter() - t1)
    skip = 5  # the landmarker's first frames find the person afresh
    return Overhead(float(np.median(step[skip:])) * 1000, float(np.median(raw[skip:])) * 1000, float("nan"), float("nan"))


def cold_start_s(path: Path) -> float:
    """Seconds from starting `posecoach analyze` to its first analysed frame."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "posecoach.cli", "analyze", str(path), "--exercise", "lunge",
                             "--progress-first"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    first = None
    for line in proc.stderr:
        if "first frame analysed" in line:
            first = time.perf_counter() - t0
            break
    proc.kill()
    proc.wait()
    return float("nan") if first is None else first


class ModelClock:
    """While in use (``with ModelClock() as clock``), every call of the model in this process is
    timed (wall seconds, summed): ``PoseEstimator.infer``, MediaPipe's own call on the wrapped
    pixels, as the raw row times it. What surrounds it (reading the landmarks and copying the
    mask out of MediaPipe's result, choosing the person to coach) is not the model's. A model
    opened meanwhile (the search for a second person's, at its first use) is start-up:
    ``startup_s``."""

    def __init__(self) -> None:
        self.model_s, self.calls, self.startup_s = 0.0, 0, 0.0
        self._infer = self._init = None

    def __enter__(self) -> ModelClock:
        from posecoach.adapters.estimators.landmarker import PoseEstimator

        infer, init = self._infer, self._init = PoseEstimator.infer, PoseEstimator.__init__

        def opened(estimator, *args, **kwargs) -> None:
            t0 = time.perf_counter()
            try:
                init(estimator, *args, **kwargs)
            finally:
                self.startup_s += time.perf_counter() - t0

        def timed(estimator, rgb: np.ndarray, t_ms: float):
            t0 = time.perf_counter()
            try:
                return infer(estimator, rgb, t_ms)
            finally:
                self.model_s += time.perf_counter() - t0
                self.calls += 1

        PoseEstimator.infer, PoseEstimator.__init__ = timed, opened
        return self

    def __exit__(self, *exc) -> None:
        from posecoach.adapters.estimators.landmarker import PoseEstimator

        PoseEstimator.infer, PoseEstimator.__init__ = self._infer, self._init


@dataclass(frozen=True)
class Pieces:
    """The default review of a clip in one process, one thread: the model's time against the
    rest, split into what each analysed frame costs itself (decoding and converting it, light
    and image measures, judging it, its report entry) and what the frames skipped cost
    (decoding them, carrying the frame before forward, their report entries); the report's
    JSON written at the end counts with the analysed frames. Seconds, wall time."""

    frames: int
    analysed: int
    model_calls: int
    model_s: float
    analysed_other_s: float
    skipped_s: float

    def per_analysed_ms(self, seconds: float) -> float:
        return seconds / max(1, self.analysed) * 1000


def pieces(path: Path, limit_s: float | None = None) -> Pieces:
    """``Pieces`` of the default review of ``path`` (its first ``limit_s`` seconds): the real
    pipeline (lazy decoding, the review's rate, carried frames, the report and its JSON) with
    the model's own calls (``ModelClock``), each frame's decoding and each skipped frame's
    handling timed; start-up is not counted (the model is loaded beforehand, the second-person
    search's when first used is timed apart)."""
    import tempfile

    from posecoach.adapters.estimators.people_aware import PeopleAwareEstimator
    from posecoach.adapters.outputs import write_json
    from posecoach.core.rate import REVIEW_RATE, AdaptiveRate
    from posecoach.engine.loop import analyse_frames
    from posecoach.reports.json_report import ReportBuilder

    catalogue = load_catalogue()
    info = provision("full")
    analysed, skipped_s, decode_s = [0], [0.0], {}
    with PeopleAwareEstimator(info.path, mode="video", masks=needs_mask(catalogue, None)) as est, \
            ModelClock() as timed:
        session = Session(catalogue, None, est)
        t0 = time.perf_counter()
        with VideoReader(path, 960, threads="fit") as reader:
            report = ReportBuilder(path.name, reader.info.width, reader.info.height, reader.info.fps, 1, "full", "",
                                   catalogue.profile, None)
            end_ms = math.inf if limit_s is None else limit_s * 1000

            def frames():
                decoded = reader.frames(lazy=True)
                while True:
                    t = time.perf_counter()
                    f = next(decoded, None)
                    if f is None or f.t_ms >= end_ms:
                        return
                    decode_s[f.t_ms] = time.perf_counter() - t
                    yield f

            def on_frame(f) -> None:
                analysed[0] += 1
                report.add(f.result, f.detection.n_people, True)

            def on_skip(f) -> None:
                t = time.perf_counter()
                report.add(session.carry(f.t_ms), None, False)
                skipped_s[0] += time.perf_counter() - t + decode_s[f.t_ms]

            analyse_frames(session, frames(), AdaptiveRate(REVIEW_RATE.params(reader.info.fps)), on_frame,
                           on_skip=on_skip)
        with tempfile.TemporaryDirectory() as tmp:
            write_json(Path(tmp) / "r.json", report.document(session.coach.holds.sets))
        total_s = time.perf_counter() - t0
    other = total_s - timed.model_s - timed.startup_s - skipped_s[0]
    return Pieces(len(decode_s), analysed[0], timed.calls, timed.model_s, other, skipped_s[0])


def raw_every_frame_ms(path: Path, limit: int) -> float:
    """Median ms of the bare full landmarker per frame over the first ``limit`` frames of ``path``."""
    return raw_landmarker_ms("full", _decode(path, limit))


def run(clip: Path | None = None, quick: bool = False, review_s: float | None = None, minutes: float = 10.0,
        keep: str | None = None) -> str:
    """The table: the raw model at every frame beside the exact and the default review of a
    ``minutes`` routine and of a 60 s clip, a 1920x1080 clip, the default's pieces per
    analysed frame, re-scoring and cold start. ``quick``: a 0.3-minute routine and a 10 s
    clip, no 1920x1080 clip (for the tests)."""
    import os

    from benchmarks.engine import rescore_ms
    from benchmarks.rate import SESSIONS, review_sessions
    from benchmarks.support.clips import cached
    from benchmarks.support.review_modes import LARGE_MODES, review_rows

    minutes = 0.3 if quick else minutes
    short_s = review_s or (10.0 if quick else 60.0)
    cores = os.cpu_count() or 1
    load_before = load_line()
    long_clip = cached("long", minutes * 60)
    raw_frames = 120 if quick else 900
    raw_ms = raw_every_frame_ms(long_clip, raw_frames)
    per_core = 1000.0 / 30.0 / raw_ms
    rows = [[f"raw landmarker, full, every frame ({raw_frames} frames of the routine)", f"{raw_ms:.1f} ms",
             f"per frame, median: {per_core:.2f}x real time on one core, {per_core * cores:.2f}x at best on {cores}"]]
    sessions = tuple((label, kind, short_s if kind == "session" else s) for label, kind, s in SESSIONS)
    if short_s != 60.0:
        sessions = tuple((label.replace("60 s", f"{short_s:g} s"), kind, s) for label, kind, s in sessions)
    runs = review_sessions(sessions, minutes=minutes, keep=Path(keep) if keep else None)
    for r in runs:
        a = r.agreement
        rows.append([f"{r.label}: exact review (--exact: every frame)", f"{r.seconds / r.exact_s:.2f}x real time",
                     f"{r.exact_s:.1f} s, {a.frames} frames analysed"])
        rows.append([f"{r.label}: default review", f"{r.seconds / r.default_s:.2f}x real time",
                     f"{r.default_s:.1f} s, {a.analysed} frames analysed ({a.analysed / max(1, a.frames):.0%}); verdicts "
                     f"{a.verdicts_same:.1%} as exact, each hold within {a.hold_diff_max_s:.2f} s, reps "
                     f"{a.reps_default}/{a.reps_exact}, faults of 1 s found {a.faults_found}/{a.faults}; peak memory "
                     f"{r.peak_mb:.0f} MB (all its processes, shared pages counted once)"])
    if not quick:
        rows += review_rows(60.0, LARGE_MODES, size_px=(1920, 1080), kind="long")
    pc = pieces(long_clip if quick else cached("session", 60.0))
    model_ms, own_ms, skipped_ms = (pc.per_analysed_ms(x) for x in (pc.model_s, pc.analysed_other_s, pc.skipped_s))
    rows.append(["default review in one process, per analysed frame: the model", f"{model_ms:.1f} ms",
                 f"{pc.model_calls} model calls for {pc.analysed} analysed of {pc.frames} frames (a second person is "
                 "looked for once a second)"])
    rows.append(["... everything else the analysed frame costs (decoding and converting it, light, reading the "
                 "model's result, choosing the person, image measures, judging, its report entry; the report written)",
                 f"{own_ms:.2f} ms",
                 f"{own_ms / model_ms:.2%} of the model's time (target at most 10%)"])
    rows.append(["... and the frames skipped, per analysed frame (decoding them, carrying the frame before, their "
                 "report entries)", f"{skipped_ms:.2f} ms",
                 f"{(pc.frames - pc.analysed) / max(1, pc.analysed):.1f} skipped per analysed; with them everything "
                 f"but the model is {(own_ms + skipped_ms) / model_ms:.1%} of the model's time"])
    n_rescore = 1800 if quick else 18000
    rows.append([f"re-score {n_rescore} stored frames ({n_rescore / 1800:.0f} min at 30 fps) with new thresholds",
                 f"{rescore_ms(n_rescore):.0f} ms", "CPU time, best of 3 (target < 200 ms for 10 min)"])
    path = Path(clip) if clip else DEFAULT_CLIP
    rows.append(["cold start: `posecoach analyze` to first frame analysed", f"{cold_start_s(path):.2f} s", ""])
    return "\n".join([
        f"hardware: {hardware_line()}, mediapipe {_version('mediapipe')}",
        f"{load_before} before, {load_line()} after",
        "reviews: `posecoach analyze` in a subprocess (start-up and model loading included), 640x480 at 30 fps "
        "unless stated; wall time unless stated", "",
        table(rows, ["measure", "result", "note"]), "",
        "reproduce: posecoach bench speed" + (f" --clip {clip}" if clip else "") + (" --quick" if quick else ""),
    ])


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"
