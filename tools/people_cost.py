"""What looking for more than one person costs: ms per frame of the landmarker with
num_poses=1 and 2, and of the people-aware estimator that asks for two only when needed.

    .venv/bin/python tools/people_cost.py [--repeats 3]

Clips (640 x 480, made from the rendered samples): one person; one person and a second who
walks in after 1.3 s; two people all along. Runs are interleaved and repeated, and the
median per frame is given, because other work on the machine moves single runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from posecoach.adapters.estimators.landmarker import PoseEstimator  # noqa: E402
from posecoach.adapters.estimators.people_aware import PeopleAwareEstimator  # noqa: E402
from posecoach.adapters.models import provision  # noqa: E402
from tests.e2e.media import empty_room, sample_frames  # noqa: E402


def clips() -> dict[str, list[np.ndarray]]:
    lunge, walker = sample_frames("lunge_kneeling_ok_a"), sample_frames("standing_walk_in_place")
    n = min(len(lunge), len(walker))

    def pair(i: int, right_in: bool) -> np.ndarray:
        right = walker[i].rgb if right_in else empty_room(walker[i].rgb)
        return np.ascontiguousarray(np.hstack([lunge[i].rgb[:, 160:480], right[:, 160:480]]))

    return {"one person": [pair(i, False) for i in range(n)],
            "second walks in": [pair(i, i >= 40) for i in range(n)],
            "two all along": [pair(i, True) for i in range(n)]}


def ms_per_frame(make, frames: list[np.ndarray]) -> float:
    with make() as est:
        est.detect(frames[0], 0.0)  # the first frame pays for start-up
        t0 = time.perf_counter()
        for i, rgb in enumerate(frames[1:], start=1):
            est.detect(rgb, i * 1000.0 / 30)
        return (time.perf_counter() - t0) * 1000.0 / (len(frames) - 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--model", default="full")
    args = ap.parse_args()
    path = provision(args.model).path
    makers = {"num_poses=1": lambda: PoseEstimator(path, num_poses=1),
              "num_poses=2": lambda: PoseEstimator(path, num_poses=2),
              "people-aware": lambda: PeopleAwareEstimator(path)}
    results: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeats):
        for clip, frames in clips().items():
            for name, make in makers.items():
                results.setdefault((clip, name), []).append(ms_per_frame(make, frames))
    print(f"model {args.model}, {args.repeats} interleaved runs, median ms per frame")
    print(f"{'clip':18s}" + "".join(f"{n:>14s}" for n in makers))
    for clip in clips():
        print(f"{clip:18s}" + "".join(f"{statistics.median(results[(clip, n)]):14.1f}" for n in makers))


if __name__ == "__main__":
    main()
