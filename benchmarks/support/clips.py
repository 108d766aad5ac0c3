"""Long test clips for the benchmarks, made from the sample clips (never committed)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from benchmarks.support.places import checkout_root

SAMPLES = checkout_root() / "sample_videos"


def breathing_clips(samples: Path = SAMPLES) -> set[str]:
    """File names (``.mp4``) of the clips that ``samples/index.json`` lists with a ``breathing``
    record: a minute or so of a rest position held still while breathing, made to measure the
    breathing. The posture benches leave them out, so that their figures stay comparable."""
    import json

    try:
        index = json.loads((samples / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    entries = index.get("clips", []) if isinstance(index, dict) else []
    return {e["clip"] for e in entries if isinstance(e, dict) and e.get("breathing") and isinstance(e.get("clip"), str)}

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


# A 10-minute routine as a physiotherapist would record it: each position entered, held for
# half a minute or so (the sample clip's own hold, played forward and back so the breathing
# sway goes on without a jump), and left, with faults held as long as the good form; two
# clips are transitions from one position into another.
LONG_SESSION: tuple[tuple[str, float], ...] = (
    ("constructive_rest_ok", 40.0), ("transition_constructive_to_knee_to_chest", 30.0),
    ("knee_to_chest_other_leg_bent", 30.0), ("knee_to_chest_ok_b", 35.0), ("transition_standing_to_lunge", 40.0),
    ("lunge_kneeling_knee_past_ankle", 30.0), ("lunge_kneeling_ok_b", 40.0), ("lunge_kneeling_hysteresis", 30.0),
    ("lunge_kneeling_lumbar_arch", 30.0), ("cobra_beginner_ok", 35.0), ("cobra_beginner_hips_up", 30.0),
    ("glute_bridge_ok", 35.0), ("legs_on_chair_ok", 40.0), ("plank_sag", 25.0), ("constructive_rest_ok_b", 40.0),
)
# (The rendered figure four is left out: the rules themselves cannot decide between constructive
# rest and a bridge on it, so the exact review's exercise flips every few seconds through the
# hold; BENCHMARKS.md gives what the default keeps there.)


def _phases(samples: Path, name: str) -> list[str]:
    """Each frame's phase (enter, hold, exit, none) from the clip's truth file."""
    import json

    truth = json.loads((samples / f"{name}.truth.json").read_text())
    return [f.get("phase") or "none" for f in truth["frames"]]


def held(frames: list[np.ndarray], phases: list[str], hold_s: float, fps: float = 30.0) -> Iterator[np.ndarray]:
    """The clip with each of its hold stretches lengthened to ``hold_s``: the hold's frames
    played forward, then back, and so on (the body sways as it breathes, never jumps)."""
    i, n = 0, len(frames)
    while i < n:
        j = i
        while j < n and phases[j] == phases[i]:
            j += 1
        part = frames[i:j]
        if phases[i] == "hold" and len(part) > 1:
            want = int(round(hold_s * fps))
            bounce = part + part[-2:0:-1]
            for k in range(want):
                yield bounce[k % len(bounce)]
        else:
            yield from part
        i = j


def long_session_frames(samples: Path = SAMPLES, gap_frames: int = GAP_FRAMES, fps: float = 30.0,
                        plan: tuple[tuple[str, float], ...] = LONG_SESSION) -> Iterator[np.ndarray]:
    """The frames of ``LONG_SESSION`` (RGB), each position held as long as it says, with
    ``gap_frames`` of empty picture between positions; repeating without end."""
    from posecoach.adapters.video import VideoReader

    for name, hold_s in itertools.cycle(plan):
        with VideoReader(samples / f"{name}.mp4") as reader:
            frames = [f.rgb for f in reader.frames()]
        phases = _phases(samples, name)[:len(frames)]
        phases += ["none"] * (len(frames) - len(phases))
        yield from held(frames, phases, hold_s, fps)
        for _ in range(gap_frames):
            yield np.zeros_like(frames[-1])


def make_long_session(out: Path, seconds: float = 600.0, fps: float = 30.0, samples: Path = SAMPLES) -> Path:
    """Write the long session (``long_session_frames``) as a 640x480 H.264 mp4 of ``seconds``."""
    from posecoach.adapters.video import VideoWriter

    n_frames = int(round(seconds * fps))
    with VideoWriter(out, 640, 480, fps) as writer:
        for i, rgb in enumerate(long_session_frames(samples, fps=fps)):
            if i >= n_frames:
                break
            writer.write(rgb, i * 1000.0 / fps)
    return out


def cached(kind: str, seconds: float, size_px: tuple[int, int] | None = None, samples: Path = SAMPLES,
           cache: Path | None = None) -> Path:
    """A bench clip, made once and kept in ``~/.cache/posecoach/bench`` (named by what it is
    made of, so a change of the plan or of the sample clips makes a new one). ``kind``:
    "long" (``make_long_session``) or "session" (``make_session_clip``)."""
    import hashlib
    import os

    folder = cache or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "posecoach" / "bench"
    names = [n for n, _ in LONG_SESSION] if kind == "long" else list(SESSION_CLIPS)
    stamp = [(n, (samples / f"{n}.mp4").stat().st_size) for n in names]
    key = hashlib.sha256(repr((kind, seconds, size_px, LONG_SESSION, GAP_FRAMES, stamp)).encode()).hexdigest()[:12]
    out = folder / f"{kind}-{seconds:g}s-{key}.mp4"
    if out.is_file():
        return out
    folder.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part.mp4")
    if kind == "long" and size_px is None:
        make_long_session(tmp, seconds, samples=samples)
    elif kind == "long":
        _letterboxed(long_session_frames(samples), tmp, seconds, size_px)
    else:
        make_session_clip(tmp, seconds, samples=samples, size_px=size_px)
    tmp.replace(out)
    return out


def _letterboxed(frames: Iterator[np.ndarray], out: Path, seconds: float, size_px: tuple[int, int],
                 fps: float = 30.0) -> Path:
    """The first ``seconds`` of ``frames`` letterboxed into ``size_px``, as an H.264 mp4."""
    from posecoach.adapters.video import VideoWriter

    with VideoWriter(out, size_px[0], size_px[1], fps) as writer:
        for i, rgb in enumerate(frames):
            if i >= int(round(seconds * fps)):
                break
            writer.write(letterbox(rgb, size_px), i * 1000.0 / fps)
    return out
