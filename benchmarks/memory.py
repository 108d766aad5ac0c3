"""`posecoach bench memory`: memory of a long live-like session, and whether it grows.

The live page's own worker (``LiveCoach``: the Session, the full model, the store's
SessionWriter writing to a SQLite file) is fed the sample clips back to back at 30 frames a
second of stream time, and the overlay is drawn as the page draws it. Two ways:

- as fast as judged (the default): each frame is handed over as soon as the previous one is
  judged, so every frame is judged and the run takes less than its stream time;
- ``paced``: as a camera does, one frame every 1/30 s of wall time on the real clock, whatever
  the worker is doing; the worker takes the newest frame and drops the rest, as on the page,
  and the feeding side draws the latest verdict on every frame. The run takes its stream time.

The process's resident memory is sampled every ``sample_every_s`` of stream time; the slope is
fitted after the first minute (the model and caches settle in then).
"""

from __future__ import annotations

import queue
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.support.report_table import hardware_line, load_line, table
from benchmarks.support.tree_memory import TreeMemory, rss_mb, tree_memory_mb  # noqa: F401 (offered here)

FPS = 30.0


@dataclass(frozen=True)
class MemoryRun:
    frames: int  # handed to the worker
    samples: list[tuple[float, float]]  # (stream minutes, RSS MB)
    peak_mb: float
    store_mb: float
    judged: int = 0  # frames the worker judged (fewer than ``frames`` when paced and it fell behind)
    model: str = "full"  # the model at the end (the worker falls back to lite when it lags)

    @property
    def slope_mb_per_min(self) -> float:
        """Least-squares growth of RSS after the first minute, MB per minute of stream."""
        pts = [(m, r) for m, r in self.samples if m >= 1.0] or self.samples
        if len(pts) < 2:
            return float("nan")
        minutes, mb = np.array(pts).T
        return float(np.polyfit(minutes, mb, 1)[0])


def live_run(minutes: float = 10.0, sample_every_s: float = 30.0, workdir: Path | None = None,
             paced: bool = False) -> MemoryRun:
    """Feed ``minutes`` of frames through the live page's worker and store; sample RSS.
    ``paced``: one frame every 1/30 s of wall time (see the module doc)."""
    from posecoach.adapters.models import installed, provision
    from posecoach.adapters.store import Store
    from posecoach.exercises.catalogue import load_catalogue
    from posecoach.services.live_session import LiveCoach, LiveConfig

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        store = Store(Path(tmp) / "posecoach.db")
        person = store.add_person("bench")
        config = LiveConfig(person_id=person.id, exercise=None, profile_name="beginner", profile_toml=None,
                            source="clip:bench")
        updates: queue.Queue = queue.Queue(maxsize=8 if paced else 0)
        models = {"full": provision("full")}
        if paced:  # as the page: the worker falls back to lite if it lags and lite is there
            models.update({k: v for k, v in installed().items() if k == "lite"})
            stream_s = None
            coach = LiveCoach(config, load_catalogue(), models, store, updates)
        else:
            stream_s = [0.0]  # stream time: the worker's clock, 1/30 s a frame
            coach = LiveCoach(config, load_catalogue(), models, store, updates, clock=lambda: stream_s[0])
        try:
            samples = _feed(coach, updates, int(round(minutes * 60 * FPS)), max(1, int(round(sample_every_s * FPS))),
                            stream_s)
        finally:
            coach.stop(wait_s=30)
        stats = coach.stats()
        store_mb = sum(p.stat().st_size for p in Path(tmp).glob("posecoach.db*")) / 2**20
        return MemoryRun(stats.received, samples, rss_mb()[1], store_mb, stats.processed, coach.model)


def _feed(coach, updates: queue.Queue, n_frames: int, every: int,
          stream_s: list[float] | None = None) -> list[tuple[float, float]]:
    """Hand ``n_frames`` to the worker, draw the latest verdict on each (mirrored, as the page),
    and sample RSS every ``every`` frames. ``stream_s`` given: it is the worker's clock, moved
    1/30 s a frame, and each frame waits for its verdict (as fast as judged). None: a frame
    every 1/30 s of wall time, the verdicts that have come read without waiting (paced)."""
    from benchmarks.support.clips import session_frames
    from posecoach.adapters.overlay import draw

    frames = session_frames()
    samples: list[tuple[float, float]] = []
    latest = None
    t0_s = time.monotonic()
    for i in range(n_frames):
        rgb = next(frames)
        if stream_s is not None:
            stream_s[0] = i / FPS
            coach.submit(rgb, stream_s[0])
            came = [updates.get(timeout=120)]
        else:
            if (wait_s := t0_s + i / FPS - time.monotonic()) > 0:
                time.sleep(wait_s)
            coach.submit(rgb, time.monotonic())
            rgb = rgb.copy()  # the worker may still be judging the frame handed over
            came = _drain(updates)
        for update in came:
            if update.error:
                raise RuntimeError(f"the live coach failed: {update.error}")
            latest = update.result if update.result is not None else latest
        if latest is not None:
            draw(rgb, latest, mirror=True)
        if i % every == 0 or i == n_frames - 1:
            samples.append((i / FPS / 60, rss_mb()[0]))
    return samples


def _drain(updates: queue.Queue) -> list:
    """What the worker has sent so far, without waiting."""
    came = []
    while True:
        try:
            came.append(updates.get_nowait())
        except queue.Empty:
            return came


def run(minutes: float = 10.0, paced: bool = False) -> str:
    load_before = load_line()
    r = live_run(minutes, paced=paced)
    first = next((mb for m, mb in r.samples if m >= 1.0), r.samples[0][1])
    rows = [
        ["peak resident memory (VmHWM)", f"{r.peak_mb:.0f} MB", "target < 600 MB"],
        ["resident memory after the first minute / at the end", f"{first:.0f} / {r.samples[-1][1]:.0f} MB", ""],
        ["growth after the first minute (least squares)", f"{r.slope_mb_per_min:+.2f} MB/min", "target: flat"],
        ["session store (SQLite, WAL included)", f"{r.store_mb:.1f} MB", f"{r.judged} frames stored"],
    ]
    if paced:
        rows.append(["frames judged / fed", f"{r.judged} / {r.frames}",
                     f"the rest dropped as on the page; model at the end: {r.model}"])
    how = ("fed at 30 fps of wall time as a camera does (the worker takes the newest frame)" if paced
           else "fed as fast as judged")
    trace = ", ".join(f"{m:.1f} min {mb:.0f}" for m, mb in r.samples[:: max(1, len(r.samples) // 10)])
    return "\n".join([
        f"hardware: {hardware_line()}; {load_before} before, {load_line()} after",
        f"{r.frames} frames ({minutes:g} min at 30 fps) through the live page's worker (full model, exercise recognised, "
        f"store written), {how}", "",
        table(rows, ["measure", "result", "note"]), "",
        f"RSS MB by stream time: {trace}", "",
        f"reproduce: posecoach bench memory --minutes {minutes:g}{' --paced' if paced else ''}",
    ])


def run_review(minutes: float = 10.0, exact: bool = False) -> str:
    """Peak memory of `posecoach analyze` (the default review, or ``exact``) on the bench
    routine of ``minutes``: all its processes together, and the largest one."""
    import tempfile

    from benchmarks.support.clips import cached
    from benchmarks.support.review_modes import analyse_measured

    load_before = load_line()
    clip = cached("long", minutes * 60.0)
    with tempfile.TemporaryDirectory() as tmp:
        wall, peak, largest = analyse_measured(clip, Path(tmp) / "r.json", ("--exact",) if exact else (), both=True)
    mode = "--exact" if exact else "the default review"
    rows = [["peak memory, all its processes (proportional set size: shared pages once)", f"{peak:.0f} MB",
             "target < 600 MB"],
            ["peak resident memory of its largest process", f"{largest:.0f} MB", ""],
            ["wall time", f"{wall:.1f} s", f"{minutes * 60 / wall:.2f}x real time"]]
    return "\n".join([
        f"hardware: {hardware_line()}; {load_before} before, {load_line()} after",
        f"`posecoach analyze` ({mode}) on the {minutes:g}-minute bench routine (640x480, 30 fps), sampled every 0.25 s",
        "", table(rows, ["measure", "result", "note"]), "",
        f"reproduce: posecoach bench memory --review --minutes {minutes:g}" + (" --exact" if exact else ""),
    ])
