"""`posecoach bench memory`: memory of a long live-like session, and whether it grows.

The live page's own worker (``LiveCoach``: the Session, the full model, the store's
SessionWriter writing to a SQLite file) is fed the sample clips back to back at 30 frames a
second of stream time, without waiting between frames: each frame is handed over as soon as
the previous one is judged, and the overlay is drawn as the page draws it. The process's
resident memory is sampled every ``sample_every_s`` of stream time; the slope is fitted after
the first minute (the model and caches settle in then).
"""

from __future__ import annotations

import queue
import resource
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posecoach.bench.common import hardware_line, load_line, table

FPS = 30.0


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    now = peak = float("nan")
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    now = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return now, peak


@dataclass(frozen=True)
class MemoryRun:
    frames: int
    samples: list[tuple[float, float]]  # (stream minutes, RSS MB)
    peak_mb: float
    store_mb: float

    @property
    def slope_mb_per_min(self) -> float:
        """Least-squares growth of RSS after the first minute, MB per minute of stream."""
        pts = [(m, r) for m, r in self.samples if m >= 1.0] or self.samples
        if len(pts) < 2:
            return float("nan")
        minutes, mb = np.array(pts).T
        return float(np.polyfit(minutes, mb, 1)[0])


def live_run(minutes: float = 10.0, sample_every_s: float = 30.0, workdir: Path | None = None) -> MemoryRun:
    """Feed ``minutes`` of frames through the live page's worker and store; sample RSS."""
    from posecoach.adapters.models import provision
    from posecoach.adapters.overlay import draw
    from posecoach.adapters.store import Store
    from posecoach.bench.clips import session_frames
    from posecoach.exercises.catalogue import load_catalogue
    from posecoach.ui.live import LiveCoach, LiveConfig

    n_frames = int(round(minutes * 60 * FPS))
    every = max(1, int(round(sample_every_s * FPS)))
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        store = Store(Path(tmp) / "posecoach.db")
        person = store.add_person("bench")
        config = LiveConfig(person_id=person.id, exercise=None, profile_name="beginner", profile_toml=None,
                            source="clip:bench")
        updates: queue.Queue = queue.Queue()
        now_s = [0.0]  # stream time: the worker's clock, 1/30 s a frame
        coach = LiveCoach(config, load_catalogue(), {"full": provision("full")}, store, updates, clock=lambda: now_s[0])
        frames = session_frames()
        samples: list[tuple[float, float]] = []
        try:
            for i in range(n_frames):
                rgb = next(frames)
                now_s[0] = i / FPS
                coach.submit(rgb, now_s[0])
                update = updates.get(timeout=120)
                if update.error:
                    raise RuntimeError(f"the live coach failed: {update.error}")
                if update.result is not None:
                    draw(rgb, update.result, mirror=True)
                if i % every == 0 or i == n_frames - 1:
                    samples.append((i / FPS / 60, rss_mb()[0]))
        finally:
            coach.stop(wait_s=30)
        store_mb = sum(p.stat().st_size for p in Path(tmp).glob("posecoach.db*")) / 2**20
        return MemoryRun(n_frames, samples, rss_mb()[1], store_mb)


def run(minutes: float = 10.0) -> str:
    load_before = load_line()
    r = live_run(minutes)
    first = next((mb for m, mb in r.samples if m >= 1.0), r.samples[0][1])
    rows = [
        ["peak resident memory (VmHWM)", f"{r.peak_mb:.0f} MB", "target < 600 MB"],
        ["resident memory after the first minute / at the end", f"{first:.0f} / {r.samples[-1][1]:.0f} MB", ""],
        ["growth after the first minute (least squares)", f"{r.slope_mb_per_min:+.2f} MB/min", "target: flat"],
        ["session store (SQLite, WAL included)", f"{r.store_mb:.1f} MB", f"{r.frames} frames"],
    ]
    trace = ", ".join(f"{m:.1f} min {mb:.0f}" for m, mb in r.samples[:: max(1, len(r.samples) // 10)])
    return "\n".join([
        f"hardware: {hardware_line()}; {load_before} before, {load_line()} after",
        f"{r.frames} frames ({minutes:g} min at 30 fps) through the live page's worker (full model, exercise recognised, "
        "store written), fed as fast as judged", "",
        table(rows, ["measure", "result", "note"]), "",
        f"RSS MB by stream time: {trace}", "",
        f"reproduce: posecoach bench memory --minutes {minutes:g}",
    ])
