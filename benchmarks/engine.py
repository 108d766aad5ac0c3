"""`posecoach bench engine`: the engine's cost per frame and the cost of re-scoring.

The engine (smoothing, body orientation, recognition or the forced exercise, measures,
checks, cue, hold timer) runs on landmarks alone, so the benchmark feeds it a recorded
landmarks file, or a built-in kneeling-lunge session with jitter when none is given.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.support.report_table import best_of, hardware_line, table
from posecoach.core.coach import Coach
from posecoach.core.rescore import rescore
from posecoach.exercises.catalogue import load_catalogue


def random_session(n_frames: int, seed: int = 0) -> list[np.ndarray]:
    """A kneeling lunge (side view, 640x480) whose front knee sways through its band."""
    from posecoach.core.landmarks import INDEX

    rng = np.random.default_rng(seed)
    base = {
        "nose": (347, 95), "left_ear": (325, 100), "right_ear": (325, 100), "left_shoulder": (323, 132),
        "right_shoulder": (327, 130), "left_elbow": (330, 190), "right_elbow": (332, 190), "left_wrist": (350, 240),
        "right_wrist": (352, 240), "left_hip": (318, 252), "right_hip": (322, 250), "left_knee": (420, 250),
        "left_ankle": (420, 350), "left_heel": (410, 355), "left_foot_index": (450, 358), "right_knee": (270, 350),
        "right_ankle": (170, 350), "right_heel": (168, 342), "right_foot_index": (150, 358),
    }
    template = np.zeros((33, 4))
    template[:, :2] = 0.5
    for name, (x, y) in base.items():
        template[INDEX[name]] = [x / 640, y / 480, -0.1 if name.startswith("right") else 0.1, 0.95]
    frames = []
    for i in range(n_frames):
        lms = template.copy()
        lms[27, 0] += 0.04 * np.sin(i / 40.0)  # the front ankle moves: the knee angle sways
        lms[:, :2] += rng.normal(0, 0.0015, (33, 2))
        frames.append(lms)
    return frames


def rescore_ms(n_frames: int = 18000) -> float:
    """CPU ms to re-score ``n_frames`` stored observations of a lunge with the advanced profile (best of 3)."""
    coach = Coach(load_catalogue(), "lunge")
    observations = []
    for i, lms in enumerate(random_session(n_frames)):
        coach.step(i * 1000 / 30, lms, 640, 480)
        observations.append(coach.last_observation)
    stricter = load_catalogue("advanced")
    return best_of(lambda: rescore(observations, stricter), repeat=3, clock=time.process_time) * 1000


def run(n_frames: int = 18000, exercise: str | None = "lunge") -> str:
    catalogue = load_catalogue()
    frames = random_session(n_frames)
    width, height, dt_ms = 640, 480, 1000 / 30

    coach = Coach(catalogue, exercise)
    t0 = time.process_time()
    observations = []
    for i, lms in enumerate(frames):
        coach.step(i * dt_ms, lms, width, height)
        observations.append(coach.last_observation)
    per_frame_ms = (time.process_time() - t0) * 1000 / n_frames

    auto = Coach(catalogue, None)
    sample = frames[:3000]
    t0 = time.process_time()
    for i, lms in enumerate(sample):
        auto.step(i * dt_ms, lms, width, height)
    auto_ms = (time.process_time() - t0) * 1000 / len(sample)

    stricter = load_catalogue("advanced")
    rescore_s = best_of(lambda: rescore(observations, stricter), repeat=3, clock=time.process_time)
    rows = [
        ["engine CPU time per frame, exercise forced (lunge)", f"{per_frame_ms:.3f} ms", "< 1 ms"],
        ["engine CPU time per frame, exercise recognised (auto)", f"{auto_ms:.3f} ms", "< 1 ms"],
        [f"re-score {n_frames} frames ({n_frames / 30 / 60:.0f} min at 30 fps) with new thresholds",
         f"{rescore_s * 1000:.0f} ms", "< 200 ms"],
    ]
    out = [f"hardware: {hardware_line()}",
           "(figures are process CPU time, steadier than wall time on a busy machine)", "",
           table(rows, ["measure", "result", "target"]), "",
           f"reproduce: posecoach bench engine --frames {n_frames}"]
    return "\n".join(out)
