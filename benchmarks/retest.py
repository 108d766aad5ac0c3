"""`posecoach bench retest`: how much stretch depth and the guided Thomas test vary when the same
body is measured again (test-retest), on the rendered clips and, if given, on real videos.

A person measured twice never moves the same way twice; a rendered clip does. So each clip is
analysed as several sessions that see the same held pose through different frames, each a fresh
model and coach: played forward; played backward (the hold is entered from its other end); and
at half the frame rate from frame 0 and from frame 1 (a busy laptop judges about 15 frames a
second, and the two passes see disjoint frames). A measurement's spread is half the range over
those sessions (the same definition as a Thomas test side's spread over its three readings).

What this covers: the model's and the coach's own variation on one recording (which frames are
judged, smoothing, which second of the hold counts). What it does not: a person setting up again
on another day (the camera's height and angle, clothing, light, how deep they go), which only
repeated real sessions can show. Angles in degrees.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.support.places import checkout_root
from benchmarks.support.report_table import hardware_line, table
from posecoach.adapters.estimators.landmarker import PoseEstimator
from posecoach.adapters.models import provision
from posecoach.adapters.video import VideoReader
from posecoach.core.coach import Coach
from posecoach.core.thomas import ThomasTest, thomas_angles
from posecoach.engine.session import Session, needs_mask
from posecoach.exercises.catalogue import load_catalogue

SAMPLES = checkout_root() / "sample_videos"
DEPTH_CLIPS = ("lunge_kneeling_ok_a", "lunge_kneeling_ok_b", "lunge_kneeling_ok_c", "lunge_kneeling_hysteresis",
               "transition_standing_to_lunge")
THOMAS_CLIPS = ("edge_hang_intermediate_ok", "edge_hang_advanced_ok")
MAX_SIDE_PX = 960  # real videos are scaled down to this long side (all passes see the same pixels)
PASSES: dict[str, Callable[[int], list[int]]] = {
    "forward": lambda n: list(range(n)),
    "backward": lambda n: list(range(n - 1, -1, -1)),
    "half rate, even frames": lambda n: list(range(0, n, 2)),
    "half rate, odd frames": lambda n: list(range(1, n, 2)),
}


@dataclass
class Retest:
    """One recording measured as several sessions: per pass, the depth per side or the first
    Thomas reading (thigh, knee), None where the pass gave none."""

    name: str
    exercise: str
    depth: dict[str, dict[str, float | None]] = field(default_factory=dict)  # pass -> side -> degrees
    thomas: dict[str, tuple[float, float] | None] = field(default_factory=dict)  # pass -> (thigh, knee) degrees
    depth_truth: dict[str, float] = field(default_factory=dict)  # side -> degrees (rendered clips)


def half_range(values: list[float]) -> float | None:
    """Half of max - min (degrees); None for fewer than two values."""
    return (max(values) - min(values)) / 2 if len(values) >= 2 else None


def _frames(path: Path) -> tuple[list[np.ndarray], float]:
    """Every frame (RGB, long side at most MAX_SIDE_PX) and the frame interval in ms."""
    import cv2

    out = []
    with VideoReader(path) as reader:
        fps = reader.info.fps or 30.0
        for frame in reader.frames():
            rgb = frame.rgb
            scale = MAX_SIDE_PX / max(rgb.shape[:2])
            if scale < 1:
                rgb = cv2.resize(rgb, (int(rgb.shape[1] * scale) // 2 * 2, int(rgb.shape[0] * scale) // 2 * 2),
                                 interpolation=cv2.INTER_AREA)
            out.append(np.ascontiguousarray(rgb))
    return out, 1000.0 / fps


def _sessions(frames: list[np.ndarray], step_ms: float, exercise: str, model_path: Path) -> Iterator[tuple[str, Session, list]]:
    """Each pass as a fresh session; yields (pass, session, [(t_ms, result, landmarks, measures)])."""
    catalogue = load_catalogue("beginner")
    for name, order in PASSES.items():
        indices = order(len(frames))
        stride = 2 if name.startswith("half") else 1
        with PoseEstimator(model_path, mode="video", masks=needs_mask(catalogue, exercise)) as estimator:
            session = Session(catalogue, exercise, estimator)
            seen = []
            for k, i in enumerate(indices):
                t_ms = k * stride * step_ms  # time runs forward in every pass, at the pass's frame rate
                r = session.step(frames[i], t_ms)
                seen.append((t_ms, r, session.last_detection.landmarks, session.last_image_measures))
        yield name, session, seen


def _first_thomas(seen: list, width: int, height: int) -> tuple[float, float] | None:
    coach = Coach(load_catalogue("beginner"), "edge_hang")
    test = ThomasTest()
    for t_ms, _r, landmarks, measures in seen:
        r = coach.step(t_ms, landmarks, width, height, measures)
        hip, knee = thomas_angles(r.angles.get("hang_hip"), r.angles.get("hang_knee"))
        test.update(t_ms, r.side, hip, knee, r.checks.get("no_lumbar_arch") == "pass")
        if test.readings:
            return test.readings[0].hip_deg, test.readings[0].knee_deg
    return None


def retest(path: Path, exercise: str, model: str = "full") -> Retest:
    """Analyse ``path`` in every pass with ``exercise`` forced."""
    frames, step_ms = _frames(path)
    res = Retest(path.stem, exercise)
    h, w = frames[0].shape[:2]
    for name, session, seen in _sessions(frames, step_ms, exercise, provision(model).path):
        if exercise == "edge_hang":
            res.thomas[name] = _first_thomas(seen, w, h)
        else:
            best = session.coach.judge.depth.best
            res.depth[name] = {side or "-": d for (ex, side), d in best.items() if ex == exercise}
    return res


def _truth_depth(truth_path: Path) -> dict[str, float]:
    """The deepest back-hip extension the truth holds 1 s with every check passing, per side."""
    from posecoach.core.depth import DepthTracker

    truth = json.loads(truth_path.read_text())
    spec = load_catalogue("beginner")["lunge"]
    tracker = DepthTracker()
    for i, f in enumerate(truth["frames"]):
        good = f.get("exercise") == "lunge" and bool(f.get("checks")) and all(v == "pass" for v in f["checks"].values())
        back_hip = (f.get("angles_2d") or {}).get("back_hip")
        tracker.update(i * 1000.0 / truth["fps"], "lunge", f.get("side"), good,
                       None if back_hip is None else back_hip - spec.depth_zero)
    return {side: d for (_, side), d in tracker.best.items()}


def depth_rows(results: list[Retest]) -> tuple[list[list[str]], list[float]]:
    rows, spreads = [], []
    for r in results:
        sides = sorted({s for per in r.depth.values() for s in per})
        for side in sides or ["-"]:
            values = [per.get(side) for per in r.depth.values()]
            got = [v for v in values if v is not None]
            spread = half_range(got)
            if spread is not None:
                spreads.append(spread)
            truth = r.depth_truth.get(side)
            rows.append([r.name, side, "-" if truth is None else f"{truth:.1f}",
                         ", ".join("-" if v is None else f"{v:.1f}" for v in values),
                         "-" if spread is None else f"{spread:.1f}"])
    return rows, spreads


def thomas_rows(results: list[Retest]) -> tuple[list[list[str]], list[float], list[float]]:
    rows, hips, knees = [], [], []
    for r in results:
        got = [v for v in r.thomas.values() if v is not None]
        hs, ks = half_range([h for h, _ in got]), half_range([k for _, k in got])
        if hs is not None:
            hips.append(hs)
            knees.append(ks)
        rows.append([r.name, ", ".join("-" if v is None else f"{v[0]:.1f}" for v in r.thomas.values()),
                     "-" if hs is None else f"{hs:.1f}",
                     ", ".join("-" if v is None else f"{v[1]:.1f}" for v in r.thomas.values()),
                     "-" if ks is None else f"{ks:.1f}"])
    return rows, hips, knees


def run(samples: Path | None = None, videos: list[Path] | None = None, model: str = "full") -> str:
    folder = Path(samples) if samples else SAMPLES
    out = [f"hardware: {hardware_line()}", f"model: {model}",
           f"passes (each a fresh model and coach): {', '.join(PASSES)}", ""]
    depth: list[Retest] = []
    for clip in DEPTH_CLIPS:
        path = folder / f"{clip}.mp4"
        if path.exists():
            r = retest(path, "lunge", model)
            r.depth_truth = _truth_depth(folder / f"{clip}.truth.json")
            depth.append(r)
    real = [retest(Path(v), "lunge", model) for v in videos or []]
    rows, spreads = depth_rows(depth + real)
    if rows:
        out += ["Stretch depth per side and pass (degrees), and its spread (half the range over the passes):", "",
                table(rows, ["recording", "side", "truth", "per pass: " + " / ".join(PASSES), "spread"]), ""]
        rendered = depth_rows(depth)[1]
        if rendered:
            out.append(f"rendered clips: spread median {np.median(rendered):.1f}, largest {max(rendered):.1f} degrees "
                       f"over {len(rendered)} holds")
        real_spreads = depth_rows(real)[1]
        if real:
            out.append("real videos: " + (f"spread median {np.median(real_spreads):.1f}, largest {max(real_spreads):.1f} "
                                          f"degrees over {len(real_spreads)} holds" if real_spreads
                                          else "no depth held 1 s with good form in two passes"))
        out.append("")
    thomas = [retest(folder / f"{clip}.mp4", "edge_hang", model) for clip in THOMAS_CLIPS
              if (folder / f"{clip}.mp4").exists()]
    if thomas:
        rows, hips, knees = thomas_rows(thomas)
        out += ["The guided Thomas test's first reading per pass (degrees: the thigh below the surface; the knee's",
                "bend), and its spread (half the range over the passes):", "",
                table(rows, ["clip", "thigh per pass", "spread", "knee bend per pass", "spread"]), ""]
        if hips:
            out.append(f"thigh spread largest {max(hips):.1f}, knee {max(knees):.1f} degrees")
        out.append("")
    cmd = "posecoach bench retest" + "".join(f" --video {v}" for v in videos or [])
    out.append(f"reproduce: {cmd}")
    return "\n".join(out)
