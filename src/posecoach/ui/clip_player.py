"""A video file played in a loop, in real time, as if it were a camera (a WebRTC video track).

aiortc's own ``MediaPlayer(loop=True)`` stops at the end of the file with the PyAV this
project uses, so the coach plays clips itself: frames are read with the project's
``VideoReader`` (rotation metadata applied), paced by their own timestamps, scaled so the
long side is at most ``max_side_px`` (the live coach is tuned for 640 x 480), and the file
starts again at its end.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np

VIDEO_CLOCK_HZ = 90_000  # the RTP video clock


def _fit(rgb: np.ndarray, max_side_px: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    if max(h, w) <= max_side_px:
        return rgb
    import cv2

    scale = max_side_px / max(h, w)
    size = (max(2, int(w * scale)) // 2 * 2, max(2, int(h * scale)) // 2 * 2)
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def looped_frames(path: Path, max_side_px: int = 640) -> Iterator[tuple[np.ndarray, float]]:
    """RGB frames of ``path`` with their time in seconds, growing across loops; endless."""
    from posecoach.adapters.video import VideoReader

    offset_s = 0.0
    while True:
        last_s = None
        with VideoReader(path) as reader:
            for frame in reader.frames():
                last_s = frame.t_ms / 1000.0
                yield _fit(frame.rgb, max_side_px), offset_s + last_s
            step_s = 1.0 / max(reader.info.fps, 1.0)
        if last_s is None:
            return
        offset_s += last_s + step_s


def _track_class():
    from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

    class LoopingClipTrack(MediaStreamTrack):
        """The clip as a live video track, paced in real time."""

        kind = "video"

        def __init__(self, path: Path, max_side_px: int = 640) -> None:
            super().__init__()
            self._frames = looped_frames(path, max_side_px)
            self._start_s: float | None = None

        async def recv(self):
            import av

            if self.readyState != "live":
                raise MediaStreamError
            item = await asyncio.get_running_loop().run_in_executor(None, next, self._frames, None)
            if item is None:
                self.stop()
                raise MediaStreamError
            rgb, t_s = item
            if self._start_s is None:
                self._start_s = time.monotonic() - t_s
            wait_s = self._start_s + t_s - time.monotonic()
            if wait_s > 0:
                await asyncio.sleep(wait_s)
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            frame.pts = int(round(t_s * VIDEO_CLOCK_HZ))
            frame.time_base = Fraction(1, VIDEO_CLOCK_HZ)
            return frame

        def stop(self) -> None:
            super().stop()
            try:
                self._frames.close()  # closes the file
            except ValueError:  # a frame is being read in the executor: the file closes when it is freed
                pass

    return LoopingClipTrack


class ClipPlayer:
    """What streamlit-webrtc's ``player_factory`` must return: ``.video`` and ``.audio`` tracks."""

    def __init__(self, path: Path, max_side_px: int = 640) -> None:
        self.video = _track_class()(path, max_side_px)
        self.audio = None
