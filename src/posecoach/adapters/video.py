"""Reading frames from videos and images, and writing H.264 mp4, with PyAV.

Every reader yields ``Frame(rgb, t_ms)`` with RGB uint8 (H, W, 3) pixels, rotated as the
container's display matrix says, and presentation times in ms from the first frame.
Unreadable input raises ``InputError`` with a one-line message naming the file.

Nothing larger than ``MAX_PIXELS`` a frame is decoded: an image's size is read from its
header and a video's from its stream before any pixel is (a header may declare 50000 x 50000
in a file of a few bytes). A container's frame rate outside ``0..MAX_FPS`` is taken as
unknown (30 fps), and frames closer than ``MIN_FRAME_GAP_MS`` are placed one frame apart, so
that times written out (reports, landmarks files) read back.

Animated GIFs are clips, timed by their own frame delays (``gif_delay_ms``; FFmpeg's decoder
gives their transparent pixels as white, as a web page shows them); a GIF of one frame is a
still image (``is_still_gif``). WebM (VP8, VP9) decodes like any other video.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

VIDEO_EXTS = {".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v", ".gif"}
IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}

MAX_PIXELS = 120_000_000  # a frame's pixels at most (12000 x 10000; a 108-megapixel photo fits)
_AT_MOST = f"posecoach reads at most {MAX_PIXELS // 1_000_000} megapixels a frame (shrink it first)"
MAX_FPS = 1000.0  # a container's stated rate above this is not a camera's: taken as unknown
DEFAULT_FPS = 30.0  # the rate of a clip that states none, or none that can be believed
MIN_FRAME_GAP_MS = 1000.0 / MAX_FPS  # frames closer than this are placed 1/fps after the one before
MAX_FRAME_GAP_MS = 60_000  # VideoWriter: a frame shows for a minute at most (mp4 sample durations are 32-bit)

GIF_MIN_DELAY_MS = 20.0  # a GIF frame delay below this is not meant literally...
GIF_DEFAULT_DELAY_MS = 100.0  # ...and is shown for this long, as browsers do


class InputError(ValueError):
    """The input cannot be read at all (exit status 2)."""


@dataclass(frozen=True)
class Frame:
    """Decoded pixels (RGB uint8, H x W x 3), the presentation time in ms from the first
    frame, and the frame's number in the clip (0-based; -1 when unknown)."""

    rgb: np.ndarray
    t_ms: float
    index: int = -1


class LazyFrame:
    """A decoded frame whose RGB pixels are made when first asked for (``rgb``), so a frame
    the analysis skips is never converted: on a 640x480 clip the colour conversion costs
    about three times the decoding (0.5 against 0.18 ms a frame). Reads like ``Frame``."""

    __slots__ = ("t_ms", "index", "_frame", "_convert", "_rotation", "_rgb")

    def __init__(self, frame, convert, rotation_deg: int, t_ms: float, index: int) -> None:
        self.t_ms, self.index = t_ms, index
        self._frame, self._convert, self._rotation, self._rgb = frame, convert, rotation_deg, None

    @property
    def rgb(self) -> np.ndarray:
        if self._rgb is None:
            self._rgb = _apply_rotation(self._convert(self._frame), self._rotation)
            self._frame = None  # the decoder's buffer is let go
        return self._rgb


@dataclass
class VideoInfo:
    """What the container says. ``skipped_frames`` grows while reading."""

    width: int
    height: int
    fps: float
    rotation_deg: int
    frames_hint: int
    skipped_frames: int = 0


def check_pixels(path: Path, width: int, height: int, what: str) -> None:
    """Raise InputError when a ``width`` x ``height`` frame (as a header declares it) is over
    ``MAX_PIXELS``; ``what`` names it ("the image is", "the video's frames are")."""
    if width * height > MAX_PIXELS:
        raise InputError(f"{path}: {what} {width} x {height} pixels; {_AT_MOST}")


def stream_fps(stream) -> float:
    """The stream's frame rate (average, else guessed) when it is one a camera films at
    (0..``MAX_FPS``), else ``DEFAULT_FPS``: a rate of 90000 is a clock's, not a camera's."""
    for rate in (stream.average_rate, stream.guessed_rate):
        if rate and 0 < rate <= MAX_FPS:
            return float(rate)
    return DEFAULT_FPS


def _apply_rotation(rgb: np.ndarray, rotation_deg: int) -> np.ndarray:
    if rotation_deg == 90:
        return np.ascontiguousarray(np.rot90(rgb, k=-1))
    if rotation_deg == 180:
        return np.ascontiguousarray(rgb[::-1, ::-1])
    if rotation_deg == 270:
        return np.ascontiguousarray(np.rot90(rgb, k=1))
    return rgb


def gif_delay_ms(delay_ms: float | None) -> float:
    """How long a GIF frame is shown, from the delay it carries (ms; None when it has none).

    Browsers (Chrome, Firefox, Safari) show a frame whose delay is under 20 ms (0 or 10 ms,
    which many GIFs carry, meaning "as fast as you can") for 100 ms, and so does posecoach:
    without it a GIF of 0 delays would have all its frames at the same time. So a GIF's
    frame times always rise by 20 ms or more.
    """
    if delay_ms is None or not delay_ms >= GIF_MIN_DELAY_MS:  # NaN too
        return GIF_DEFAULT_DELAY_MS
    return float(delay_ms)


def _gif_packet_delay_ms(packet, time_base) -> float:
    """How long the GIF frame in ``packet`` is shown (``gif_delay_ms`` of the delay it carries)."""
    return gif_delay_ms(float(packet.duration * time_base) * 1000.0 if packet.duration else None)


def _gif_delays_ms(path: Path) -> list[float]:
    """Each frame's display time in a GIF, from the demuxer's packets (no pixels decoded)."""
    import av

    delays: list[float] = []
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue  # the flush packet at the end
                delays.append(_gif_packet_delay_ms(packet, stream.time_base))
    except (av.error.FFmpegError, OSError, IndexError):
        pass  # as far as it reads; the reader itself reports what is wrong
    return delays


def is_still_gif(path: str | Path) -> bool:
    """Whether ``path`` is a GIF of one frame: a still image, like a JPEG (an animated GIF is a clip)."""
    p = Path(path)
    try:
        with open(p, "rb") as f:
            if f.read(4) != b"GIF8":
                return False
    except OSError:
        return False
    return len(_gif_delays_ms(p)) == 1


def scaled_size(width: int, height: int, max_side_px: int | None) -> tuple[int, int]:
    """The size after shrinking so that the longer side is at most ``max_side_px`` (never enlarged)."""
    if not max_side_px or max(width, height) <= max_side_px:
        return width, height
    scale = max_side_px / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


class VideoReader:
    """Decode a video file frame by frame; corrupt frames are skipped and counted.

    ``max_side_px`` shrinks larger frames while converting them (``info`` keeps the displayed
    size); ``threads`` is FFmpeg's threading: "AUTO", "NONE", or "fit": none up to 1920x1080
    (cheaper, when a thread of its own decodes ahead), "AUTO" above.
    """

    def __init__(self, path: str | Path, max_side_px: int | None = None, threads: str = "AUTO") -> None:
        import av
        from av.video.reformatter import VideoReformatter

        self.path = Path(path)
        self.max_side_px = max_side_px
        self._origin_s: float | None = None
        self._reformatter = VideoReformatter()
        try:
            self._container = av.open(str(self.path))
        except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{self.path}: not a readable video ({_short(exc)})") from None
        if not self._container.streams.video:
            self._container.close()
            raise InputError(f"{self.path}: has no video stream")
        self._stream = self._container.streams.video[0]
        cc = self._stream.codec_context
        try:
            check_pixels(self.path, cc.width, cc.height, "the video's frames are")
        except InputError:
            self._container.close()
            raise
        if threads == "fit":
            threads = "NONE" if cc.width * cc.height <= 1920 * 1080 else "AUTO"
        self._stream.thread_type = threads
        # Width, height and rotation are corrected from the first decoded frame's display matrix.
        self.info = VideoInfo(width=cc.width, height=cc.height, fps=stream_fps(self._stream), rotation_deg=0,
                              frames_hint=_frames_hint(self._stream))
        # A GIF's frames are timed by their own delays (browser rules), not by FFmpeg's rate.
        self._gif_delays = _gif_delays_ms(self.path) if cc.name == "gif" else None
        if self._gif_delays:
            self.info.frames_hint = len(self._gif_delays)
            self.info.fps = round(1000.0 * len(self._gif_delays) / sum(self._gif_delays), 3)

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def frames(self, lazy: bool = False) -> Iterator[Frame]:
        """Yield decoded frames; at the end, frames the container lists but that could not be
        decoded (a truncated tail) are added to ``info.skipped_frames``. ``lazy``: yield
        ``LazyFrame``s, converted to RGB only when their pixels are used."""
        decoded_count = 0
        for frame in self._decode(lazy=lazy):
            decoded_count += 1
            yield frame
        missing = self.info.frames_hint - decoded_count
        if missing > self.info.skipped_frames:
            self.info.skipped_frames = missing

    def first_time_s(self) -> float | None:
        """The first frame's presentation time in s (``t_ms`` counts from it), None when no frame
        decodes. Reads one frame, and sets ``info`` from it: call it on a reader of its own."""
        for _ in self._decode():
            return self._origin_s
        return None

    def frames_from(self, start_ms: float, origin_s: float, count_from_ms: float | None = None,
                    lazy: bool = False) -> Iterator[Frame]:
        """Yield the frames from ``start_ms`` on, seeking to the key frame before it. ``origin_s``
        is ``first_time_s()``, so that times match ``frames()``; ``index`` is the frame's
        number from its time. Corrupt frames are counted from ``count_from_ms`` on (default
        ``start_ms``). ``lazy``: as for ``frames``."""
        import av

        if start_ms > 0 and self._gif_delays is None:  # a GIF's times count from its first frame: read from there
            target = origin_s + start_ms / 1000.0
            try:
                self._container.seek(int(target / self._stream.time_base), stream=self._stream, backward=True)
            except av.error.FFmpegError:
                pass  # decode from where the reader is; the frames before start_ms are dropped
        fps = max(self.info.fps, 1.0)
        count_from = start_ms if count_from_ms is None else count_from_ms
        for frame in self._decode(origin_s=origin_s, count_from_ms=count_from, lazy=lazy):
            if frame.t_ms >= start_ms - 500.0 / fps:
                index = round(frame.t_ms * fps / 1000.0)
                if lazy:
                    frame.index = index
                    yield frame
                else:
                    yield Frame(frame.rgb, frame.t_ms, index)

    def _decode(self, origin_s: float | None = None, count_from_ms: float = 0.0, lazy: bool = False) -> Iterator[Frame]:
        import av

        first_pts: float | None = origin_s
        last_t = -1.0
        index = 0
        gif = self._gif_delays is not None
        gif_t_ms = packet_t_ms = 0.0  # a GIF frame's time: the delays of the frames before it
        demux = self._container.demux(self._stream)
        while True:
            try:
                packet = next(demux)
            except StopIteration:
                break
            except av.error.FFmpegError:
                self.info.skipped_frames += 1
                break
            if gif and packet.size:
                packet_t_ms = gif_t_ms
                gif_t_ms += _gif_packet_delay_ms(packet, self._stream.time_base)
            try:
                decoded = packet.decode()
            except av.error.FFmpegError:
                if last_t >= count_from_ms:
                    self.info.skipped_frames += 1
                continue
            for frame in decoded:
                if frame.is_corrupt:
                    if last_t >= count_from_ms:
                        self.info.skipped_frames += 1
                    continue
                rotation = (-int(frame.rotation or 0)) % 360
                t = packet_t_ms / 1000.0 if gif else frame.time
                if t is None:
                    t = 0.0 if last_t < 0 else (last_t / 1000.0 + 1.0 / max(self.info.fps, 1.0))
                if first_pts is None:
                    first_pts = self._origin_s = t
                t_ms = (t - first_pts) * 1000.0
                if t_ms < last_t + MIN_FRAME_GAP_MS:  # the same time, earlier, or a clock's tick after
                    t_ms = last_t + 1000.0 / max(self.info.fps, 1.0)
                last_t = t_ms
                if index == 0:
                    self.info.rotation_deg = rotation
                    turned = rotation in (90, 270)
                    self.info.width, self.info.height = (frame.height, frame.width) if turned else (frame.width, frame.height)
                if lazy:
                    check_pixels(self.path, frame.width, frame.height, "a frame of the video is")
                    yield LazyFrame(frame, self._rgb, rotation, t_ms, index)
                else:
                    yield Frame(_apply_rotation(self._rgb(frame), rotation), t_ms, index)
                index += 1

    def _rgb(self, frame) -> np.ndarray:
        """The frame as RGB, shrunk in the same pass when it is larger than ``max_side_px``
        (InputError for a frame over ``MAX_PIXELS``: the stream's size changed part-way)."""
        check_pixels(self.path, frame.width, frame.height, "a frame of the video is")
        w, h = scaled_size(frame.width, frame.height, self.max_side_px)
        # One reformatter for the clip keeps FFmpeg's conversion context from frame to frame
        # (``to_ndarray(format=...)`` makes one a frame): the same pixels, 0.7 against 1.0 ms
        # a 640x480 frame, measured beside another job. On one thread (FFmpeg's default is a
        # thread a core): the same pixels for less work, 148 against 218 us of processor a
        # 640x480 frame (181 us waiting on the second thread), 2.3 against 3.0 ms shrinking a
        # 1920x1080 one; the review's workers keep every core busy already.
        if (w, h) == (frame.width, frame.height):
            return self._reformatter.reformat(frame, format="rgb24", threads=1).to_ndarray()
        return self._reformatter.reformat(frame, format="rgb24", width=w, height=h, interpolation="AREA",
                                          threads=1).to_ndarray()


def decode_ahead(frames: Iterator[Frame], depth: int = 8) -> Iterator[Frame]:
    """Yield ``frames`` while a background thread decodes up to ``depth`` frames ahead.

    Decoding and colour conversion run beside the landmarker on another core (about 1 ms a
    frame sooner than decoding in line, best of four passes over a 640x480 sample clip). An
    error in the decoder is raised here, in the consumer; stopping early stops the thread.
    """
    import queue
    import threading

    box: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()
    end = object()

    def produce() -> None:
        try:
            for frame in frames:
                while not stop.is_set():
                    try:
                        box.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(end)
        except BaseException as exc:  # handed to the consumer, raised there
            box.put(exc)

    thread = threading.Thread(target=produce, name="posecoach-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = box.get()
            if item is end:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            try:
                box.get(timeout=0.05)
            except queue.Empty:
                pass
        thread.join()


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
    """The reason in a decoder's error, in words: FFmpeg's "[Errno 1094995529] Invalid data
    found when processing input: 'path'" becomes "invalid data found when processing input"."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # FFmpeg messages repeat the path; keep the reason only.
    if ":" in text and "Errno" in text:
        text = text.split(":")[0]
    text = re.sub(r"\[Errno -?\d+\]\s*", "", text).strip() or "the decoder gave no reason"
    return (text[:1].lower() + text[1:])[:120]


def _even(side: int) -> int:
    """A side 4:2:0 can hold: odd ones lose a pixel, and 1 becomes 2."""
    return max(2, side - side % 2)


def _fit(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """``rgb`` at ``width`` x ``height``: cropped by the odd row and column, else scaled."""
    h, w = rgb.shape[:2]
    if 0 <= h - height <= 1 and 0 <= w - width <= 1:
        return np.ascontiguousarray(rgb[:height, :width])
    import cv2

    return cv2.resize(np.ascontiguousarray(rgb), (width, height), interpolation=cv2.INTER_AREA)


def read_image(path: str | Path) -> np.ndarray:
    """Read a still image as RGB uint8, whatever its depth or colour model."""
    import cv2

    from posecoach.adapters.native_log import quiet_native_stderr

    p = Path(path)
    _check_image_header(p)
    data = np.fromfile(str(p), dtype=np.uint8)
    if data[:4].tobytes() == b"GIF8":  # through PyAV, as an animated GIF is: its first frame
        try:
            with VideoReader(p) as reader:
                first = next(reader.frames(), None)
        except InputError:
            first = None
        if first is None:
            raise InputError(f"{p}: not a readable image")
        return first.rgb
    with quiet_native_stderr():  # libpng and libjpeg complain about broken files on stderr
        try:
            img = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
        except cv2.error:  # a header PIL could not read, refused by OpenCV's own checks
            img = None
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


def _check_image_header(path: Path) -> None:
    """Refuse an image whose header declares more than ``MAX_PIXELS``, before decoding it
    (PIL reads only the header here). A file PIL cannot read is left to the decoder."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                width, height = im.size
    except Image.DecompressionBombError:  # PIL's own limit, above MAX_PIXELS: the size it declares is larger still
        raise InputError(f"{path}: the image is over {2 * Image.MAX_IMAGE_PIXELS // 1_000_000} megapixels; {_AT_MOST}") from None
    except Exception:  # not an image PIL knows (or a broken one): the decoder says what is wrong
        return
    check_pixels(path, width, height, "the image is")


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
    """Write RGB frames to an H.264 (yuv420p) mp4 that plays in browsers.

    4:2:0 wants even sides: an odd side loses its last row or column, a side of 1 pixel is
    doubled. A frame of another size than the stream's (the clip's size changed part-way)
    is scaled to it. A frame is shown ``MAX_FRAME_GAP_MS`` at most: a longer pause in the
    times (frames hours apart) is shortened to that, which the mp4's 32-bit durations hold.
    """

    def __init__(self, path: str | Path, width: int, height: int, fps: float) -> None:
        import av

        self.path = Path(path)
        self._container = av.open(str(self.path), mode="w", options={"movflags": "+faststart"})
        rate = Fraction(fps).limit_denominator(1000) if fps > 0 else Fraction(30, 1)
        self._stream = self._container.add_stream("libx264", rate=rate)
        self._stream.width, self._stream.height = _even(width), _even(height)
        self._stream.pix_fmt = "yuv420p"
        self._stream.options = {"crf": "23", "preset": "veryfast"}
        self._stream.codec_context.time_base = Fraction(1, 1000)
        self._last_pts = -1
        self._cut_ms = 0  # the time taken out of pauses longer than MAX_FRAME_GAP_MS so far

    def write(self, rgb: np.ndarray, t_ms: float) -> None:
        import av

        rgb = _fit(rgb, self._stream.width, self._stream.height)
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        frame.pts = self._pts(t_ms)
        frame.time_base = Fraction(1, 1000)
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def _pts(self, t_ms: float) -> int:
        """The frame's time in the file (ms): rising, and at most ``MAX_FRAME_GAP_MS`` after
        the frame before (after 0 for the first)."""
        before = max(self._last_pts, 0)
        pts = int(round(t_ms)) - self._cut_ms
        if pts - before > MAX_FRAME_GAP_MS:
            self._cut_ms += pts - before - MAX_FRAME_GAP_MS
            pts = before + MAX_FRAME_GAP_MS
        self._last_pts = pts = max(pts, self._last_pts + 1)
        return pts

    def close(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def input_kind(path: Path) -> str:
    """"video", "image" or "landmarks", from the file's name (content is checked on reading)."""
    ext = path.suffix.lower()
    if ext == ".json":
        return "landmarks"
    if ext in IMAGE_EXTS:
        return "image"
    if ext in VIDEO_EXTS:
        return "video"
    return "unknown"
