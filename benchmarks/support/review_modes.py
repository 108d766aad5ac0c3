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

from benchmarks.support.clips import make_session_clip
from benchmarks.support.verdicts import compare

# (label, options) of the modes compared; the first is the exact review.
MODES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("--exact: every frame (the model in a process of its own, fed a frame ahead)", ("--exact",)),
    ("default (frames up to 400 ms apart through still holds, 200 ms through a rest's breathing, one process per core, "
     "--max-side 960)", ()),
    ("--workers 1 (the default's rate in one process)", ("--workers", "1")),
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


def analysed_frames(report: dict) -> int:
    """Frames the model saw (every frame is listed; those carried forward were not analysed)."""
    return report.get("analysis", {}).get("frames_analysed", len(report["frames"]))


def analyse(clip: Path, out: Path, options: tuple[str, ...]) -> float:
    """Wall seconds of one `posecoach analyze` run."""
    return analyse_measured(clip, out, options)[0]


def analyse_measured(clip: Path, out: Path, options: tuple[str, ...], both: bool = False) -> tuple[float, ...]:
    """Wall seconds of one `posecoach analyze` run and its peak memory in MB: all its
    processes' proportional set sizes summed (``bench.memory.TreeMemory``); ``both``: also
    the largest single process's resident memory."""
    from benchmarks.support.tree_memory import TreeMemory

    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "posecoach.cli", "analyze", str(clip), "--json", str(out), "--quiet",
                             *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMemory(proc.pid) as memory:
        _, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"posecoach analyze {' '.join(options)} failed: {err.strip()[-300:]}")
    return (wall, memory.peak_mb, memory.peak_rss_mb) if both else (wall, memory.peak_mb)


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
                runs.append(ReviewRun(label, wall, clip_s, analysed_frames(rep), None, None))
                continue
            c = compare(base, rep)
            runs.append(ReviewRun(label, wall, clip_s, analysed_frames(rep), c.checks_same / max(1, c.checks),
                                  c.hold_diff_s))
    return runs


# Large input: a clip letterboxed into 1920x1080, reviewed exactly and by default.
LARGE_MODES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("--exact: every frame, full size (the model in a process of its own)", ("--exact",)),
    ("default (frames up to 400 ms apart through still holds, 200 ms through a rest's breathing, one process per core, "
     "shrunk to 960x540)", ()),
)


def review_rows(seconds: float, modes=MODES, size_px: tuple[int, int] | None = None,
                workdir: Path | None = None, kind: str = "session") -> list[list[str]]:
    """Table rows for a clip of ``seconds`` (640x480 or ``size_px``): the 60 s kind of clip
    (``session``) or the first ``seconds`` of the long routine (``long``)."""
    from benchmarks.support.clips import cached

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        clip = cached(kind, seconds, size_px=size_px) if kind == "long" else \
            make_session_clip(Path(tmp) / "session.mp4", seconds, size_px=size_px)
        runs = review(clip, seconds, modes, workdir=Path(tmp))
    size = f"{size_px[0]}x{size_px[1]} " if size_px else ""
    if kind == "long":
        size += "routine "
    rows = []
    for r in runs:
        same = "" if r.verdicts_same is None else (f"; verdicts {r.verdicts_same:.1%} as the first row's, "
                                                   f"hold times within {r.hold_diff_s:.2f} s")
        rows.append([f"review of a {seconds:.0f} s {size}clip, {r.label}", f"{r.speed:.2f}x real time",
                     f"{r.wall_s:.1f} s, {r.frames_analysed} frames analysed{same}"])
    return rows
