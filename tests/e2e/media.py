"""Test media made on the spot from the rendered sample clips: written with PyAV into tmp_path.

Variable frame rates, rotation metadata, odd sizes, two people side by side, a person who
leaves the picture, darkened light: each is the real decoder's and the real model's input.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from posecoach.adapters.video import VideoReader
from tests.conftest import SAMPLES


def sample_frames(name: str, limit: int | None = None) -> list:
    """Decoded frames (rgb, t_ms) of a sample clip."""
    with VideoReader(SAMPLES / f"{name}.mp4") as reader:
        frames = []
        for f in reader.frames():
            frames.append(f)
            if limit is not None and len(frames) >= limit:
                break
    return frames


def write_video(path: Path, images: list[np.ndarray], t_ms: list[float] | None = None, *, rotation_deg: float | None = None,
                codec: str = "libx264", pix_fmt: str = "yuv420p", rate: int = 30) -> Path:
    """RGB ``images`` as a video; ``t_ms`` their presentation times (default: ``rate`` a second);
    ``rotation_deg`` a display matrix (counter-clockwise, as FFmpeg's display rotation)."""
    container = av.open(str(path), mode="w")
    stream = container.add_stream(codec, rate=rate)
    stream.height, stream.width = images[0].shape[:2]
    stream.pix_fmt = pix_fmt
    stream.codec_context.time_base = Fraction(1, 1000)
    if rotation_deg is not None:
        stream.set_display_rotation(rotation_deg)
    for i, img in enumerate(images):
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
        frame.pts = int(round(t_ms[i] if t_ms is not None else i * 1000.0 / rate))
        frame.time_base = Fraction(1, 1000)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return path


def empty_room(rgb: np.ndarray) -> np.ndarray:
    """The rendered room without the person: every row takes the colour at its left edge
    (wall, floor and ceiling bands stay; the person, in the middle, is gone)."""
    return np.repeat(rgb[:, :8].mean(axis=1, keepdims=True), rgb.shape[1], axis=1).astype(np.uint8)


def shifted(rgb: np.ndarray, dx_px: int) -> np.ndarray:
    """The picture moved ``dx_px`` to the right (left when negative), the room filling the gap:
    the person steps partly out of the frame."""
    out = empty_room(rgb)
    w = rgb.shape[1]
    if dx_px >= 0:
        out[:, dx_px:] = rgb[:, : w - dx_px]
    else:
        out[:, : w + dx_px] = rgb[:, -dx_px:]
    return out


def darkened(rgb: np.ndarray, factor: float) -> np.ndarray:
    return (rgb.astype(np.float32) * factor).astype(np.uint8)


def analyse(posecoach, path, *args) -> dict:
    """The report of `posecoach analyze` on ``path``, which must succeed without a traceback."""
    r = posecoach("analyze", path, "--quiet", *args)
    assert r.code == 0, r.err
    assert "Traceback" not in r.err
    return r.json()


def best_hold(report: dict) -> float:
    """The longest good-form hold of a report, seconds."""
    return max((h["good_form_s"] for h in report["summary"]["holds"]), default=0.0)
