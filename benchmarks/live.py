"""`posecoach bench live`: the live page's judged frames per second and its latency from frame
to verdict, on an idle machine and with every core kept busy, with the full model.

The page's own worker (``LiveCoach``: the full model, the coach, the store written to a SQLite
file) is fed a rendered clip of a held kneeling stretch as a camera does, one frame every 1/30 s
of wall time; it takes the newest frame and drops the rest, as on the page. Latency is from a
frame's arrival to its verdict reaching the page's queue (milliseconds). Under load, one busy
process per core runs beside it (bounded in time). The model kept is read from the worker.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.support.report_table import hardware_line, load_line, table

FPS = 30.0
CLIP = "lunge_kneeling_ok_a"


@dataclass(frozen=True)
class LiveRun:
    """One run: rates per second, latencies in milliseconds."""

    received_fps: float
    judged_fps: float
    latency_median_ms: float
    latency_p95_ms: float
    good_form_share: float  # judged frames whose needed checks all pass (a correct clip: near 1)
    model: str


def _frames(clip: str) -> list[np.ndarray]:
    """The held part of a rendered clip (the correct position only), decoded once."""
    import json

    from benchmarks.support.clips import SAMPLES
    from posecoach.adapters.video import VideoReader

    truth = json.loads((SAMPLES / f"{clip}.truth.json").read_text(encoding="utf-8"))
    held = {i for i, f in enumerate(truth["frames"]) if f.get("phase") == "hold"}
    with VideoReader(SAMPLES / f"{clip}.mp4") as reader:
        return [f.rgb for i, f in enumerate(reader.frames()) if i in held]


def _busy(n: int, seconds: float) -> list[subprocess.Popen]:
    code = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end: pass\n"
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(n)]


def live_run(seconds: float, frames: list[np.ndarray], workdir: Path) -> LiveRun:
    """Feed ``frames`` (looped) to the live worker at 30 fps of wall time for ``seconds``."""
    from posecoach.adapters.models import provision
    from posecoach.adapters.store import Store
    from posecoach.exercises.catalogue import load_catalogue
    from posecoach.services.live_session import LiveCoach, LiveConfig

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        store = Store(Path(tmp) / "posecoach.db")
        person = store.add_person("bench")
        catalogue = load_catalogue()
        config = LiveConfig(person.id, "lunge", "beginner", None, "clip:bench", model="full")
        updates: queue.Queue = queue.Queue()
        coach = LiveCoach(config, catalogue, {"full": provision("full")}, store, updates)
        latencies: list[float] = []
        verdicts: list[bool] = []
        errors: list[str] = []
        done = threading.Event()

        def listen() -> None:  # as the page: verdicts taken off the queue as they come
            while not done.is_set():
                try:
                    update = updates.get(timeout=0.05)
                except queue.Empty:
                    continue
                if update.error:
                    errors.append(update.error)
                if update.result is not None and update.view is not None and not update.ended:
                    arrival_s = (coach.started_s or t0) + update.result.t_ms / 1000.0
                    latencies.append((time.monotonic() - arrival_s) * 1000.0)
                    verdicts.append(update.view.tone == "good")

        t0 = time.monotonic()
        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        i = 0
        try:
            while (now := time.monotonic()) < t0 + seconds:
                if (wait_s := t0 + i / FPS - now) > 0:
                    time.sleep(wait_s)
                coach.submit(frames[i % len(frames)], time.monotonic())
                i += 1
        finally:
            coach.stop(wait_s=30)
            done.set()
            listener.join()
        if errors:
            raise RuntimeError(f"the live coach failed: {errors[0]}")
        stats = coach.stats()
        judged = stats.processed / seconds
        lat = np.array(latencies) if latencies else np.array([np.nan])
        return LiveRun(stats.received / seconds, judged, float(np.median(lat)), float(np.percentile(lat, 95)),
                       float(np.mean(verdicts)) if verdicts else float("nan"), stats.model)


def run(seconds: float = 20.0, clip: str = CLIP) -> str:
    """Idle, then with one busy process per core: the table the bench prints."""
    frames = _frames(clip)
    cores = os.cpu_count() or 2
    workdir = Path(tempfile.gettempdir())
    lines = [f"hardware: {hardware_line()}"]
    rows = []
    for label, busy in (("no load added", 0), (f"{cores} busy processes added", cores)):
        procs = _busy(busy, seconds + 30) if busy else []
        label = f"{label} ({load_line().split(' (')[0]})"
        try:
            r = live_run(seconds, frames, workdir)
        finally:
            for p in procs:
                p.kill()
                p.wait()
        rows.append([label, f"{r.received_fps:.1f}", f"{r.judged_fps:.1f}", f"{r.latency_median_ms:.0f}",
                     f"{r.latency_p95_ms:.0f}", f"{100 * r.good_form_share:.0f}%", r.model])
    lines += [
        f"{seconds:g} s of a held kneeling stretch ({clip}, the correct position) fed to the live page's worker at "
        "30 fps of wall time (the newest frame judged, the rest dropped), full model, store written", "",
        table(rows, ["machine", "fed fps", "judged fps", "latency median ms", "latency p95 ms",
                     "judged good form", "model at the end"]), "",
        "latency: from a frame's arrival to its verdict reaching the page; holds are timed by arrival, in real seconds.",
        "The load average beside each run is the machine's before it (other programs count too).",
        f"reproduce: posecoach bench live --seconds {seconds:g}",
    ]
    return "\n".join(lines)
