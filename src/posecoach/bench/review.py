"""Review throughput: `posecoach analyze` on a long clip, as a multiple of real time.

Each mode is the real command in a subprocess, start-up and model loading included, on a
clip made from the sample clips; the faster modes' reports are compared with the default
report (verdicts in force at each of its frames, hold times).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from posecoach.bench.clips import make_session_clip
from posecoach.bench.rate import compare

# (label, options) of the modes compared; the first is the exact default.
MODES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("default: every frame (the model in a process of its own, fed a frame ahead)", ()),
    ("--rate adaptive", ("--rate", "adaptive")),
    ("--workers 2", ("--workers", "2")),
    ("--fast (adaptive rate, one process per core, --max-side 960)", ("--fast",)),
    ("--fast --max-side 480 (the model sees 480x360)", ("--fast", "--max-side", "480")),
)


@dataclass(frozen=True)
class ReviewRun:
    label: str
    wall_s: float
    clip_s: float
    frames_analysed: int
    verdicts_same: float | None  # share of the default's (frame, check) verdicts kept; None for the default
    hold_diff_s: float | None

    @property
    def speed(self) -> float:
        """Multiple of real time."""
        return self.clip_s / self.wall_s


def analyse(clip: Path, out: Path, options: tuple[str, ...]) -> float:
    """Wall seconds of one `posecoach analyze` run."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "posecoach.cli", "analyze", str(clip), "--json", str(out), "--quiet",
                           *options], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"posecoach analyze {' '.join(options)} failed: {proc.stderr.strip()[-300:]}")
    return wall


def review(clip: Path, clip_s: float, modes=MODES, workdir: Path | None = None) -> list[ReviewRun]:
    """Run every mode on ``clip``; compare each report with the first mode's."""
    runs: list[ReviewRun] = []
    base: dict | None = None
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for i, (label, options) in enumerate(modes):
            out = Path(tmp) / f"mode{i}.json"
            wall = analyse(clip, out, options)
            rep = json.loads(out.read_text())
            if base is None:
                base = rep
                runs.append(ReviewRun(label, wall, clip_s, len(rep["frames"]), None, None))
                continue
            c = compare(base, rep)
            runs.append(ReviewRun(label, wall, clip_s, len(rep["frames"]), c.checks_same / max(1, c.checks), c.hold_diff_s))
    return runs


# Large input: the same clip letterboxed into 1920x1080, analysed at full size and shrunk.
LARGE_MODES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("every frame (the model in a process of its own)", ()),
    ("--max-side 960", ("--max-side", "960")),
)


def review_rows(seconds: float, modes=MODES, size_px: tuple[int, int] | None = None,
                workdir: Path | None = None) -> list[list[str]]:
    """Table rows for a session clip of ``seconds`` (640x480 or ``size_px``), made in a
    temporary folder."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        clip = make_session_clip(Path(tmp) / "session.mp4", seconds, size_px=size_px)
        runs = review(clip, seconds, modes, workdir=Path(tmp))
    size = f"{size_px[0]}x{size_px[1]} " if size_px else ""
    rows = []
    for r in runs:
        same = "" if r.verdicts_same is None else (f"; verdicts {r.verdicts_same:.1%} as the first row's, "
                                                   f"hold times within {r.hold_diff_s:.2f} s")
        rows.append([f"review of a {seconds:.0f} s {size}clip, {r.label}", f"{r.speed:.2f}x real time",
                     f"{r.wall_s:.1f} s, {r.frames_analysed} frames analysed{same}"])
    return rows
