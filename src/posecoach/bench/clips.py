"""Long test clips for the benchmarks, made from the sample clips (never committed)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np

SAMPLES = Path(__file__).resolve().parents[3] / "sample_videos"

# A session's worth of positions: rests, knee to chest, kneeling lunges each side, cobra, with
# faults and transitions in between.
SESSION_CLIPS = (
    "constructive_rest_ok", "knee_to_chest_ok", "knee_to_chest_other_leg_bent", "transition_standing_to_lunge",
    "lunge_kneeling_ok_a", "lunge_kneeling_knee_past_ankle", "lunge_kneeling_ok_b", "cobra_beginner_ok",
    "cobra_beginner_hips_up", "glute_bridge_ok", "legs_on_chair_ok", "lunge_kneeling_lumbar_arch",
)


GAP_FRAMES = 15  # half a second of empty picture between clips: the person steps out and back


def session_frames(samples: Path = SAMPLES, gap_frames: int = GAP_FRAMES) -> Iterator[np.ndarray]:
    """The session clips' frames (RGB), one clip after another, repeating without end.

    Between clips the picture is empty for ``gap_frames``: a body does not jump from one
    position to another between two frames, and at such a jump cut the landmarker's tracking
    may keep a wrong fit for seconds or drop it at once, by chance, which would make runs
    differ for reasons no analysis option has.
    """
    from posecoach.adapters.video import VideoReader

    for name in itertools.cycle(SESSION_CLIPS):
        with VideoReader(samples / f"{name}.mp4") as reader:
            rgb = None
            for frame in reader.frames():
                rgb = frame.rgb
                yield rgb
        for _ in range(gap_frames if rgb is not None else 0):
            yield np.zeros_like(rgb)


def letterbox(rgb: np.ndarray, size_px: tuple[int, int]) -> np.ndarray:
    """``rgb`` enlarged to fit ``size_px`` (width, height), centred on black."""
    import cv2

    w, h = size_px
    scale = min(w / rgb.shape[1], h / rgb.shape[0])
    inner = cv2.resize(rgb, (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)), interpolation=cv2.INTER_LINEAR)
    out = np.zeros((h, w, 3), np.uint8)
    y, x = (h - inner.shape[0]) // 2, (w - inner.shape[1]) // 2
    out[y:y + inner.shape[0], x:x + inner.shape[1]] = inner
    return out


def make_session_clip(out: Path, seconds: float, fps: float = 30.0, samples: Path = SAMPLES,
                      size_px: tuple[int, int] | None = None) -> Path:
    """Write an H.264 mp4 of ``seconds`` at ``fps`` made of the session clips back to back
    (640x480, or letterboxed into ``size_px``)."""
    from posecoach.adapters.video import VideoWriter

    n_frames = int(round(seconds * fps))
    frames = session_frames(samples)
    first = next(frames)
    w, h = size_px or (first.shape[1], first.shape[0])
    with VideoWriter(out, w, h, fps) as writer:
        for i, rgb in enumerate(itertools.chain([first], frames)):
            if i >= n_frames:
                break
            writer.write(letterbox(rgb, (w, h)) if size_px else rgb, i * 1000.0 / fps)
    return out
