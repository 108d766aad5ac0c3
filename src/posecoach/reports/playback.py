"""Annotated playback of a reviewed session: the recorded video with the coach's overlay, or,
where no video was kept, the skeleton animated on a plain background. Written atomically as
an H.264 mp4 that browsers play."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from posecoach.adapters.outputs import commit, discard, temp_beside
from posecoach.adapters.overlay import HoldLabel, MeasureLabel, draw
from posecoach.adapters.video import InputError, VideoReader, VideoWriter
from posecoach.core.coach import FrameResult

BACKGROUND = 38  # grey level of the skeleton animation's background
Progress = Callable[[int, int], None]


def _nearest(times_ms: np.ndarray, t_ms: float) -> int:
    i = int(np.searchsorted(times_ms, t_ms))
    if i <= 0:
        return 0
    if i >= len(times_ms):
        return len(times_ms) - 1
    return i if times_ms[i] - t_ms < t_ms - times_ms[i - 1] else i - 1


def render(results: Sequence[FrameResult], catalogue, width: int, height: int, fps: float | None, target: Path,
           video: Path | None = None, on_progress: Progress | None = None, label_of: MeasureLabel | None = None,
           hold_label: HoldLabel | None = None) -> Path:
    """Write ``target``: each frame of ``video`` (or a plain background per stored frame) with
    the overlay of the result nearest in time (``label_of`` and ``hold_label`` word its labels, as
    ``overlay.draw`` takes them). Returns ``target``."""
    if not results:
        raise ValueError("the session has no frames to play back")
    times_ms = np.array([r.t_ms for r in results], float)
    tmp = temp_beside(target, ".mp4")
    writer = None
    try:
        if video is not None and video.exists():
            with VideoReader(video) as reader:
                total = reader.info.frames_hint
                for n, frame in enumerate(reader.frames(), start=1):
                    r = results[_nearest(times_ms, frame.t_ms)]
                    img = draw(frame.rgb, r, spec=catalogue.exercises.get(r.exercise) if r.exercise else None, label_of=label_of,
                           hold_label=hold_label)
                    if writer is None:
                        writer = VideoWriter(tmp, img.shape[1], img.shape[0], fps or reader.info.fps)
                    writer.write(img, frame.t_ms)
                    if on_progress:
                        on_progress(n, total)
        else:
            canvas = np.full((max(1, height), max(1, width), 3), BACKGROUND, np.uint8)  # the writer makes it even
            writer = VideoWriter(tmp, canvas.shape[1], canvas.shape[0], fps or 30.0)
            for n, r in enumerate(results, start=1):
                img = draw(canvas, r, spec=catalogue.exercises.get(r.exercise) if r.exercise else None, label_of=label_of,
                           hold_label=hold_label)
                writer.write(img, r.t_ms - results[0].t_ms)
                if on_progress:
                    on_progress(n, len(results))
        if writer is None:
            raise InputError(f"{video}: no frames could be decoded")
        writer.close()
        writer = None
        commit(tmp, target)
    finally:
        if writer is not None:
            try:
                writer.close()
            except Exception:  # the encoder may refuse a stream it never started; the file goes anyway
                pass
        discard(tmp if tmp.exists() else None)
    return target
