"""The review's two stages: the model on one frame while the engine judges the one before.

The judging thread computes the image measures, the coach and the sinks (report, overlay,
landmarks file) of the frames the model has done. With the model in a process of its own
(``posecoach.adapters.estimators.model_process``, as `posecoach analyze` runs it at a fixed rate), frames
are handed to it one ahead, so it never waits for this process. With the model in this
process, its call runs on this thread beside the judging one; MediaPipe's binding takes the
GIL a few times per call, so the two wait on each other now and then (`posecoach bench speed`
measures both). Only for a fixed rate: the adaptive rate decides the next frame from this
frame's verdicts. The results are those of the sequential loop, in the same order. While an
in-process landmarker silences standard error (its first frames), the frames are judged in
line, so that nothing the sinks print is lost.
"""

from __future__ import annotations

import math
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable

from posecoach.core.rate import FixedRate

DEPTH = 4  # detections waiting to be judged, at most

_END = object()


def analyse_overlapped(session, frames: Iterable, rate: FixedRate, on_frame: Callable | None = None,
                       keep_from_ms: float = -math.inf, size_px: tuple[int, int] | None = None) -> int:
    """``analyse_frames`` with the judging on a second thread; returns the frames kept."""
    from posecoach.engine.session import AnalysedFrame

    box: queue.Queue = queue.Queue(maxsize=DEPTH)
    failed: list[BaseException] = []
    kept = [0]

    def judge_one(frame, det) -> None:
        result = session.judge(det, frame.t_ms, frame.rgb.shape, size_px)
        if frame.t_ms >= keep_from_ms:
            kept[0] += 1
            if on_frame:
                on_frame(AnalysedFrame(frame.rgb, det, result, session.last_image_measures))

    def judge_all() -> None:
        while (item := box.get()) is not _END:
            if failed:
                continue  # drain: the model's thread stops at its next frame
            try:
                judge_one(*item)
            except BaseException as exc:  # raised again in the caller's thread
                failed.append(exc)

    estimator = session.estimator
    pipelined = estimator.pipelined  # a model in a process of its own: keep it fed
    in_flight: deque = deque()  # frames submitted to the model's process, oldest first

    def collected() -> None:
        frame = in_flight.popleft()
        box.put((frame, session.with_light(estimator.collect(), frame.rgb)))

    judge = threading.Thread(target=judge_all, name="posecoach-judge", daemon=True)
    judge.start()
    try:
        for i, frame in enumerate(frames):
            if failed:
                break
            index = frame.index if frame.index >= 0 else i
            if not rate.wants(index, frame.t_ms):
                continue
            if pipelined:
                if len(in_flight) >= estimator.depth:
                    collected()
                estimator.submit(frame.rgb, frame.t_ms)
                in_flight.append(frame)
                continue
            det = session.detect(frame.rgb, frame.t_ms)
            if estimator.silencing:
                judge_one(frame, det)  # in line while the model's next call silences standard error
            else:
                box.put((frame, det))
        while in_flight and not failed:
            collected()
    finally:
        box.put(_END)
        judge.join()
    if failed:
        raise failed[0]
    return kept[0]
