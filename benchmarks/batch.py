"""`posecoach bench batch`: `posecoach batch` on sample clips, files per minute by worker count.

The real command in a subprocess (start-up included) on the first ``files`` sample clips,
each count of workers into a fresh output folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.support.places import checkout_root
from benchmarks.support.report_table import hardware_line, load_line, table

SAMPLES = checkout_root() / "sample_videos"


def batch_run(inputs: Path, out: Path, workers: int) -> float:
    """Wall seconds of one `posecoach batch` run."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "posecoach.cli", "batch", str(inputs), "--out", str(out),
                           "--workers", str(workers), "--quiet"], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"posecoach batch --workers {workers} failed: {proc.stderr.strip()[-300:]}")
    return wall


def run(files: int = 12, worker_counts: tuple[int, ...] = (1, 2), samples: Path = SAMPLES) -> str:
    from benchmarks.support.clips import breathing_clips

    skip = breathing_clips(samples)
    clips = sorted(c for c in samples.glob("*.mp4") if c.name not in skip)[:files]
    load_before = load_line()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        for c in clips:
            (inputs / c.name).symlink_to(c.resolve())
        for w in worker_counts:
            out = Path(tmp) / f"out{w}"
            wall = batch_run(inputs, out, w)
            index = json.loads((out / "index.json").read_text())["files"]
            frames = sum(e.get("frames", 0) for e in index.values())
            rows.append([f"{w} worker{'s' if w > 1 else ''}", f"{len(clips) / wall * 60:.1f} files/min",
                         f"{wall:.1f} s for {len(clips)} clips, {frames} frames ({frames / 30 / wall:.2f}x real time)"])
    return "\n".join([
        f"hardware: {hardware_line()}; {load_before} before, {load_line()} after",
        f"{len(clips)} sample clips of 6-7 s, 640x480, full model, exercise recognised, every frame", "",
        table(rows, ["posecoach batch", "throughput", "note"]), "",
        f"reproduce: posecoach bench batch --files {files}",
    ])
