"""Reading frames from videos and images, and writing H.264 mp4, with PyAV.

Every reader yields ``Frame(rgb, t_ms)`` with RGB uint8 (H, W, 3) pixels, rotated as the
container's display matrix says, and presentation times in ms from the first frame.
Unreadable input raises ``InputError`` with a one-line message naming the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

VIDEO_EXTS = {".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v"}
IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}


class InputError(ValueError):
    """The input cannot be read at all (exit status 2)."""


@dataclass(frozen=True)
class Frame:
    rgb: np.ndarray
    t_ms: float


@dataclass
class VideoInfo:
    """What the container says. ``skipped_frames`` grows while reading."""

    width: int
    height: int
    fps: float
    rotation_deg: int
    frames_hint: int
    skipped_frames: int = 0


def _apply_rotation(rgb: np.ndarray, rotation_deg: int) -> np.ndarray:
    if rotation_deg == 90:
        return np.ascontiguousarray(np.rot90(rgb, k=-1))
    if rotation_deg == 180:
        return np.ascontiguousarray(rgb[::-1, ::-1])
    if rotation_deg == 270:
        return np.ascontiguousarray(np.rot90(rgb, k=1))
    return rgb


class VideoReader:
    """Decode a video file frame by frame; corrupt frames are skipped and counted."""

    def __init__(self, path: str | Path) -> None:
        import av

        self.path = Path(path)
        try:
            self._container = av.open(str(self.path))
        except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{self.path}: not a readable video ({_short(exc)})") from None
        if not self._container.streams.video:
            self._container.close()
            raise InputError(f"{self.path}: has no video stream")
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        cc = self._stream.codec_context
        rate = self._stream.average_rate or self._stream.guessed_rate or Fraction(30, 1)
        # Width, height and rotation are corrected from the first decoded frame's display matrix.
        self.info = VideoInfo(width=cc.width, height=cc.height, fps=float(rate), rotation_deg=0,
                              frames_hint=_frames_hint(self._stream))

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def frames(self) -> Iterator[Frame]:
        """Yield decoded frames; at the end, frames the container lists but that could not be
        decoded (a truncated tail) are added to ``info.skipped_frames``."""
        decoded_count = 0
        for frame in self._decode():
            decoded_count += 1
            yield frame
        missing = self.info.frames_hint - decoded_count
        if missing > self.info.skipped_frames:
            self.info.skipped_frames = missing

    def _decode(self) -> Iterator[Frame]:
        import av

        first_pts: float | None = None
        last_t = -1.0
        demux = self._container.demux(self._stream)
        while True:
            try:
                packet = next(demux)
            except StopIteration:
                break
            except av.error.FFmpegError:
                self.info.skipped_frames += 1
                break
            try:
                decoded = packet.decode()
            except av.error.FFmpegError:
                self.info.skipped_frames += 1
                continue
            for frame in decoded:
                if frame.is_corrupt:
                    self.info.skipped_frames += 1
                    continue
                rotation = (-int(frame.rotation or 0)) % 360
                t = frame.time
                if t is None:
                    t = 0.0 if last_t < 0 else (last_t / 1000.0 + 1.0 / max(self.info.fps, 1.0))
                if first_pts is None:
                    first_pts = t
                t_ms = (t - first_pts) * 1000.0
                if t_ms <= last_t:
                    t_ms = last_t + 1000.0 / max(self.info.fps, 1.0)
                last_t = t_ms
                rgb = _apply_rotation(frame.to_ndarray(format="rgb24"), rotation)
                if first_pts == t:
                    self.info.rotation_deg = rotation
                    self.info.height, self.info.width = rgb.shape[:2]
                yield Frame(rgb, t_ms)


def _frames_hint(stream) -> int:
    """How many frames the container lists. An AVI header counts the frames a variable-rate
    clip repeats too; its index holds only the real ones, so the smaller count is taken."""
    listed = stream.frames or 0
    try:
        entries = stream.index_entries
        indexed = sum(1 for e in entries if e.size > 0) if entries is not None else 0
    except (AttributeError, TypeError):  # an older PyAV without the index
        indexed = 0
    return indexed if 0 < indexed < listed else listed


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # FFmpeg messages repeat the path; keep the reason only.
    if ":" in text and "Errno" in text:
        text = text.split(":")[0]
    return text[:120]


def read_image(path: str | Path) -> np.ndarray:
    """Read a still image as RGB uint8, whatever its depth or colour model."""
    import cv2

    from posecoach.adapters.native_log import quiet_native_stderr

    p = Path(path)
    data = np.fromfile(str(p), dtype=np.uint8)
    with quiet_native_stderr():  # libpng and libjpeg complain about broken files on stderr
        img = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if img is None or img.size == 0:
        raise InputError(f"{p}: not a readable image")
    if img.dtype == np.uint16:
        img = (img / 257).astype(np.uint8)
    elif img.dtype != np.uint8:
        img = cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    elif img.shape[2] == 4:
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2RGB)
    else:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    # Honour EXIF orientation as a browser would.
    img = _exif_orient(p, img)
    return np.ascontiguousarray(img)


def _exif_orient(path: Path, rgb: np.ndarray) -> np.ndarray:
    """Rotate as the EXIF orientation tag says (1 upright, 3 180, 6 90 cw, 8 90 ccw)."""
    try:
        from PIL import Image
        with Image.open(path) as im:
            orientation = im.getexif().get(0x0112, 1)
    except Exception:  # no EXIF, or a format PIL does not know: leave as decoded
        return rgb
    turn = {3: 2, 6: -1, 8: 1}.get(orientation, 0)
    return np.rot90(rgb, turn) if turn else rgb


class VideoWriter:
    """Write RGB frames to an H.264 (yuv420p) mp4 that plays in browsers."""

    def __init__(self, path: str | Path, width: int, height: int, fps: float) -> None:
        import av

        self.path = Path(path)
        self._container = av.open(str(self.path), mode="w", options={"movflags": "+faststart"})
        rate = Fraction(fps).limit_denominator(1000) if fps > 0 else Fraction(30, 1)
        self._stream = self._container.add_stream("libx264", rate=rate)
        self._stream.width = width - width % 2
        self._stream.height = height - height % 2
        self._stream.pix_fmt = "yuv420p"
        self._stream.options = {"crf": "23", "preset": "veryfast"}
        self._stream.codec_context.time_base = Fraction(1, 1000)
        self._last_pts = -1

    def write(self, rgb: np.ndarray, t_ms: float) -> None:
        import av

        h, w = self._stream.height, self._stream.width
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb[:h, :w]), format="rgb24")
        pts = max(int(round(t_ms)), self._last_pts + 1)
        self._last_pts = pts
        frame.pts = pts
        frame.time_base = Fraction(1, 1000)
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
