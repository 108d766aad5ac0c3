"""A clip analysed in parallel segments, one process each, judged in one pass.

The landmarker's tracking, the smoothing and the recognition vote remember about a second, and
a rest is named once it has lasted 3 s, so a segment's observations (landmarks, image measures, smoothed measures, view, side,
exercise: everything before a threshold is applied) only need a lead-in of the frames
before it (``LEAD_IN_MS``). The verdicts' hysteresis, the hold timer and the cue remember the whole session,
so they are not computed in the segments: every observation goes, in time order, through one
Judge, exactly as the live coach would judge them. Near a cut the observations can differ
slightly from one sequential run (the tracker starts afresh in the lead-in), hence a
tolerance in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from posecoach.core.coach import Observation
from posecoach.core.rate import AdaptiveRate, FixedRate, RateParams
from posecoach.core.recognize import ENTER_AFTER_MS
from posecoach.exercises.catalogue import Catalogue

# Frames analysed before a segment: the tracker, the filters and the recognition vote remember
# about a second, and a position that must last before it is named (a rest: ENTER_AFTER_MS, 3 s)
# needs that long again, or a rest spanning a cut is named late in the segment after it (the
# 1920x1080 bench clip's 51 s rest lost 1.9 s of hold at its cut with a 1 s lead-in).
LEAD_IN_MS = 1000.0 + max(ENTER_AFTER_MS.values(), default=0.0)
MIN_SEGMENT_MS = 5000.0  # shorter segments are not worth a process


@dataclass(frozen=True)
class Segment:
    """Frames ``start_ms <= t_ms < end_ms`` are kept; analysis starts at ``lead_in_ms``."""

    lead_in_ms: float
    start_ms: float
    end_ms: float


@dataclass(frozen=True)
class SegmentJob:
    """Everything a worker process needs (picklable)."""

    path: str
    segment: Segment
    origin_s: float
    model_path: str
    masks: bool
    catalogue: Catalogue
    exercise: str | None
    stride: int
    rate: RateParams | None  # None: every ``stride``-th frame
    max_side_px: int | None
    size_px: tuple[int, int]


@dataclass
class SegmentResult:
    """The kept frames' observations, raw landmarks and image measures, in time order (those
    analysed), and every kept frame's time and whether it was analysed."""

    observations: list[Observation] = field(default_factory=list)
    landmarks: list[np.ndarray | None] = field(default_factory=list)
    image_measures: list[dict[str, float]] = field(default_factory=list)
    people: list[int] = field(default_factory=list)  # people the model found in each kept frame
    person_changes: int = 0  # how often the coached person changed within the segment (lead-in included)
    decoded: int = 0  # kept frames decoded, analysed or not
    skipped: int = 0  # corrupt frames met in the kept range
    frame_ms: list[float] = field(default_factory=list)  # every kept frame's time, analysed or not
    frame_analysed: list[bool] = field(default_factory=list)


def plan(duration_ms: float, workers: int, lead_in_ms: float = LEAD_IN_MS,
         min_segment_ms: float = MIN_SEGMENT_MS) -> list[Segment]:
    """Segments covering ``[0, duration_ms)``, at most ``workers`` and none shorter than
    ``min_segment_ms``, with equal work: lead-in included, so the first (which has none) is
    longer by a lead-in. The last runs to the end of the clip."""
    n = max(1, min(workers, int(duration_ms // max(min_segment_ms, 1.0))))
    work_ms = (duration_ms + (n - 1) * lead_in_ms) / n
    cuts = [0.0] + [work_ms + k * (work_ms - lead_in_ms) for k in range(n - 1)] + [math.inf]
    return [Segment(max(0.0, cuts[k] - lead_in_ms) if k else 0.0, cuts[k], cuts[k + 1]) for k in range(n)]


def observe_segment(job: SegmentJob) -> SegmentResult:
    """Run in a worker: the landmarker and the coach over one segment's frames."""
    from posecoach.adapters.estimators.factory import open_estimator
    from posecoach.adapters.video import VideoReader, decode_ahead
    from posecoach.engine.loop import analyse_frames
    from posecoach.engine.session import AnalysedFrame, Session

    seg = job.segment
    out = SegmentResult()
    rate = AdaptiveRate(job.rate) if job.rate is not None else FixedRate(job.stride)

    def keep(f: AnalysedFrame) -> None:
        out.frame_ms.append(f.result.t_ms)
        out.frame_analysed.append(True)
        out.observations.append(session.coach.last_observation)
        out.landmarks.append(None if f.detection is None else f.detection.landmarks)
        out.image_measures.append(f.image_measures)
        out.people.append(0 if f.detection is None else f.detection.n_people)

    def within(frames: Iterator) -> Iterator:
        for frame in frames:
            if frame.t_ms >= seg.end_ms:
                return
            if frame.t_ms >= seg.start_ms:
                out.decoded += 1
            yield frame

    def skip(frame) -> None:
        out.frame_ms.append(frame.t_ms)
        out.frame_analysed.append(False)

    with open_estimator(job.model_path, "people", mode="video", masks=job.masks) as estimator, \
            VideoReader(job.path, job.max_side_px, threads="fit") as reader:
        session = Session(job.catalogue, job.exercise, estimator)
        adaptive = job.rate is not None
        frames = within(reader.frames_from(seg.lead_in_ms, job.origin_s, count_from_ms=seg.start_ms, lazy=adaptive))
        # No judging on a second thread here: the segments keep every core busy already. At
        # the adaptive rate the frames are decoded in line (0.2 ms a 640x480 frame; a frame
        # skipped is never converted to RGB): a thread decoding ahead would only contend with
        # the landmarker for the interpreter.
        analyse_frames(session, frames if adaptive else decode_ahead(frames), rate, keep, keep_from_ms=seg.start_ms,
                       size_px=job.size_px, on_skip=skip)
        out.skipped = reader.info.skipped_frames
        out.person_changes = estimator.person_changes
    return out


def observe_parallel(jobs: list[SegmentJob], workers: int) -> Iterator[SegmentResult]:
    """The segments' results in order, computed by up to ``workers`` processes: this one does
    the first segment while the others start."""
    if len(jobs) == 1 or workers < 2:
        yield from map(observe_segment, jobs)
        return
    from posecoach.adapters.estimators.landmarker import import_mediapipe

    import_mediapipe()  # once, before the workers fork, rather than in each
    with ProcessPoolExecutor(max_workers=min(workers - 1, len(jobs) - 1)) as pool:
        try:
            rest = [pool.submit(observe_segment, job) for job in jobs[1:]]
            yield observe_segment(jobs[0])
            for future in rest:
                yield future.result()
        except BaseException:  # Ctrl-C, a termination signal, a failure: nobody waits for the rest
            _stop_workers(pool)
            raise


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's processes now rather than when their segments are done (they only
    compute: nothing of theirs is written)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join()


def clip_duration_ms(path: Path) -> float:
    """The video stream's duration in ms from its header (0 when it does not say)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.duration and stream.time_base:
            return float(stream.duration * stream.time_base) * 1000.0
        if container.duration:
            return container.duration / 1000.0
        rate = float(stream.average_rate or 0)
        return stream.frames / rate * 1000.0 if stream.frames and rate else 0.0
