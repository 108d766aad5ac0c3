"""`posecoach bench speed`: the raw landmarker beside the whole pipeline, on the same frames.

Measured side by side in one run so the ratios hold on a noisy machine:
- the raw MediaPipe landmarker per frame (lite, full, heavy), frames decoded beforehand;
- the whole per-frame pipeline with the full model: decode, landmarker, image measures,
  smoothing, measures, checks, hold timer, overlay drawing;
- review throughput of a clip as a multiple of real time, at stride 1 and with the
  throughput options;
- cold start: from invoking `posecoach analyze` to the first frame analysed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from posecoach.adapters.estimator import PoseEstimator
from posecoach.adapters.models import provision
from posecoach.adapters.overlay import draw
from posecoach.adapters.video import VideoReader
from posecoach.bench.common import hardware_line, table
from posecoach.exercises.catalogue import load_catalogue
from posecoach.pipeline import Session, needs_mask

DEFAULT_CLIP = Path(__file__).resolve().parents[3] / "sample_videos" / "lunge_kneeling_ok_a.mp4"


def _decode(path: Path) -> list:
    with VideoReader(path) as reader:
        return list(reader.frames())


def raw_landmarker_ms(model: str, frames: list, masks: bool = False) -> float:
    """Median time of the bare landmarker per frame (VIDEO mode), after a warm-up."""
    info = provision(model)
    times = []
    with PoseEstimator(info.path, mode="video", masks=masks) as est:
        for f in frames[:5]:
            est.detect(f.rgb, f.t_ms)
        offset = frames[-1].t_ms + 1000
        for f in frames:
            t0 = time.perf_counter()
            est.detect(f.rgb, f.t_ms + offset)
            times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1000)


def pipeline_vs_raw_ms(path: Path, exercise: str | None = "lunge") -> tuple[float, float]:
    """Median per-frame time of (whole pipeline, raw landmarker), interleaved frame by frame
    so both see the same machine load. The pipeline is decode + Session.step (full model,
    mask when the exercise needs it, engine) + overlay; the raw landmarker is a second
    landmarker with the same settings on the same decoded frame."""
    catalogue = load_catalogue()
    info = provision("full")
    masks = needs_mask(catalogue, exercise)
    pipe, raw = [], []
    with PoseEstimator(info.path, mode="video", masks=masks) as est, \
            PoseEstimator(info.path, mode="video", masks=masks) as bare:
        session = Session(catalogue, exercise, est)
        with VideoReader(path) as reader:
            it = reader.frames()
            while True:
                t0 = time.perf_counter()
                frame = next(it, None)
                if frame is None:
                    break
                result = session.step(frame.rgb, frame.t_ms)
                draw(frame.rgb, result)
                t1 = time.perf_counter()
                bare.detect(frame.rgb, frame.t_ms)
                t2 = time.perf_counter()
                pipe.append(t1 - t0)
                raw.append(t2 - t1)
    return float(np.median(pipe[5:]) * 1000), float(np.median(raw[5:]) * 1000)


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


def run(clip: Path | None = None) -> str:
    path = Path(clip) if clip else DEFAULT_CLIP
    frames = _decode(path)
    h, w = frames[0].rgb.shape[:2]
    raw = {m: raw_landmarker_ms(m, frames) for m in ("lite", "full", "heavy")}
    pipe, raw_same = pipeline_vs_raw_ms(path)
    cold = cold_start_s(path)
    rows = [[f"raw landmarker, {m}", f"{v:.1f} ms", ""] for m, v in raw.items()]
    rows.append(["raw landmarker, full, mask on (interleaved with the pipeline)", f"{raw_same:.1f} ms", ""])
    overhead = (pipe / raw_same - 1) * 100
    rows.append(["whole pipeline, full (decode, model+mask, engine, overlay)", f"{pipe:.1f} ms",
                 f"overhead {overhead:+.0f}% over the raw landmarker (target < 10%)"])
    rows.append(["cold start: `posecoach analyze` to first frame analysed", f"{cold:.2f} s", ""])
    return "\n".join([
        f"hardware: {hardware_line()}",
        f"frames: {len(frames)} of {path.name}, {w}x{h}; medians per frame, wall time", "",
        table(rows, ["measure", "per frame", "note"]), "",
        f"reproduce: posecoach bench speed --clip {path}",
    ])
