"""`posecoach bench rate`: does the adaptive analysis rate keep the full rate's verdicts and holds?

Every sample clip is analysed at the full rate and at the adaptive rate with several strides
(while still), with the exercise recognised as `posecoach analyze` does by default. For each
full-rate frame the adaptive run's verdict in force at that time (its latest analysed frame)
is compared; hold times are compared per exercise and side.
"""

from __future__ import annotations

import bisect
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from posecoach.bench.common import hardware_line, load_line, table
from posecoach.core.rate import RateParams

SAMPLES = Path(__file__).resolve().parents[3] / "sample_videos"


@dataclass(frozen=True)
class Comparison:
    """One clip at one rate against its full-rate run."""

    frames: int  # full-rate frames
    analysed: int  # frames the adaptive rate analysed
    checks: int  # (frame, check) pairs compared
    checks_same: int
    exercise_same: int  # frames whose recognised exercise is the same
    hold_diff_s: float  # sum over (exercise, side) of |good-form seconds difference|


def report_of(path: Path, model_path: Path, rate_params: RateParams | None, exercise: str | None = None) -> dict:
    """The report of one clip analysed in this process (no sinks)."""
    from posecoach.adapters.estimator import PoseEstimator
    from posecoach.adapters.video import VideoReader
    from posecoach.core.rate import AdaptiveRate, FixedRate
    from posecoach.exercises.catalogue import load_catalogue
    from posecoach.pipeline import Session, analyse_frames, needs_mask
    from posecoach.report import ReportBuilder

    catalogue = load_catalogue()
    report = ReportBuilder(path.name, 0, 0, 30.0, 1, "full", "", catalogue.profile, exercise)
    rate = AdaptiveRate(rate_params) if rate_params else FixedRate(1)
    with PoseEstimator(model_path, mode="video", masks=needs_mask(catalogue, exercise)) as est, VideoReader(path) as reader:
        session = Session(catalogue, exercise, est)
        analyse_frames(session, reader.frames(), rate, lambda f: report.add(f.result))
        report.fps = reader.info.fps
    return report.document(session.coach.holds.sets)


def compare(full: dict, other: dict) -> Comparison:
    """``other``'s verdicts in force at each of ``full``'s frames, and the hold times."""
    times = [f["t_ms"] for f in other["frames"]]
    checks = same = exercise_same = 0
    for f in full["frames"]:
        g = other["frames"][max(0, bisect.bisect_right(times, f["t_ms"]) - 1)]
        exercise_same += g["exercise"] == f["exercise"]
        for cid, verdict in f["checks"].items():
            checks += 1
            same += g["checks"].get(cid) == verdict
    return Comparison(len(full["frames"]), len(other["frames"]), checks, same, exercise_same, hold_difference_s(full, other))


def hold_difference_s(a: dict, b: dict) -> float:
    """Sum over (exercise, side) of the difference in good-form seconds between two reports."""
    totals: list[dict] = []
    for rep in (a, b):
        t: dict = defaultdict(float)
        for h in rep["summary"]["holds"]:
            t[(h["exercise"], h["side"])] += h["good_form_s"]
        totals.append(t)
    return sum(abs(totals[0][k] - totals[1][k]) for k in set(totals[0]) | set(totals[1]))


def _clip_job(args: tuple[str, str, tuple[int, ...], float]) -> dict[int, Comparison]:
    path, model_path, strides, still_speed = args
    full = report_of(Path(path), Path(model_path), None)
    return {s: compare(full, report_of(Path(path), Path(model_path), RateParams(max_stride=s, still_speed=still_speed)))
            for s in strides}


def run(samples: str | None = None, strides: tuple[int, ...] = (2, 3, 4, 6), still_speed: float = RateParams.still_speed,
        limit: int | None = None, workers: int | None = None) -> str:
    from posecoach.adapters.models import provision

    folder = Path(samples) if samples else SAMPLES
    clips = sorted(folder.glob("*.mp4"))[:limit]
    model = provision("full").path
    jobs = [(str(c), str(model), strides, still_speed) for c in clips]
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        per_clip = list(pool.map(_clip_job, jobs))
    rows = []
    for s in strides:
        cs = [r[s] for r in per_clip]
        frames, analysed = sum(c.frames for c in cs), sum(c.analysed for c in cs)
        diffs = sorted(c.hold_diff_s for c in cs)
        rows.append([
            f"adaptive, every {s} while still", f"{analysed / frames:.0%}",
            f"{sum(c.checks_same for c in cs) / max(1, sum(c.checks for c in cs)):.2%}",
            f"{sum(c.exercise_same for c in cs) / frames:.2%}",
            f"{sum(diffs) / len(diffs):.2f} / {diffs[-1]:.2f}",
        ])
    return "\n".join([
        f"hardware: {hardware_line()}; {load_line()}",
        f"clips: {len(clips)} from {folder} ({sum(r[strides[0]].frames for r in per_clip)} frames), full model, "
        f"exercise recognised; still below {still_speed} trunk lengths/s for 0.5 s", "",
        table(rows, ["rate", "frames analysed", "verdicts as at full rate", "exercise as at full rate",
                     "hold time difference s, mean / max per clip"]), "",
        "reproduce: posecoach bench rate" + (f" --samples {samples}" if samples else ""),
    ])
