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


# The settings compared by default: the default's, one step each way, and every other frame.
VARIANTS: tuple[RateParams, ...] = (
    RateParams(), RateParams(still_speed=0.5, settle_ms=500.0), RateParams(still_speed=2.0), RateParams(max_stride=2),
)


def parse_variants(text: str) -> tuple[RateParams, ...]:
    """``"3:1.0:300,6:1.0:300:free"`` (stride while still : still speed : settle ms, and
    ``free`` for not following the recognition's cadence) to settings."""
    out = []
    for item in text.split(","):
        stride, speed, settle, *free = item.split(":")
        out.append(RateParams(max_stride=int(stride), still_speed=float(speed), settle_ms=float(settle),
                              follow_recognition=free != ["free"]))
    return tuple(out)


def describe(p: RateParams) -> str:
    default = " (the default)" if p == RateParams() else ""
    free = "" if p.follow_recognition else ", recognition on those frames only"
    return f"every {p.max_stride} while still < {p.still_speed:g} trunk lengths/s for {p.settle_ms:.0f} ms{free}{default}"


def _clip_job(args: tuple[str, str, tuple[RateParams, ...]]) -> list[Comparison]:
    path, model_path, variants = args
    full = report_of(Path(path), Path(model_path), None)
    return [compare(full, report_of(Path(path), Path(model_path), v)) for v in variants]


def run(samples: str | None = None, variants: tuple[RateParams, ...] = VARIANTS, limit: int | None = None,
        workers: int | None = None) -> str:
    from posecoach.adapters.models import provision

    folder = Path(samples) if samples else SAMPLES
    clips = sorted(folder.glob("*.mp4"))[:limit]
    model = provision("full").path
    load_before = load_line()
    jobs = [(str(c), str(model), variants) for c in clips]
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        per_clip = list(pool.map(_clip_job, jobs))
    rows = []
    for k, v in enumerate(variants):
        cs = [r[k] for r in per_clip]
        frames, analysed = sum(c.frames for c in cs), sum(c.analysed for c in cs)
        diffs = sorted(c.hold_diff_s for c in cs)
        rows.append([
            describe(v), f"{analysed / frames:.0%}",
            f"{sum(c.checks_same for c in cs) / max(1, sum(c.checks for c in cs)):.2%}",
            f"{sum(c.exercise_same for c in cs) / frames:.2%}",
            f"{sum(diffs) / len(diffs):.2f} / {diffs[-1]:.2f}",
        ])
    return "\n".join([
        f"hardware: {hardware_line()}; {load_before} before, {load_line()} after",
        f"clips: {len(clips)} from {folder} ({sum(r[0].frames for r in per_clip)} frames at 30 fps), full model, "
        "exercise recognised (as `posecoach analyze` by default), so, following the recognition, the stride is 3 at most", "",
        table(rows, ["adaptive rate", "frames analysed", "verdicts as at full rate", "exercise as at full rate",
                     "hold time difference s, mean / max per clip"]), "",
        "reproduce: posecoach bench rate" + (f" --samples {samples}" if samples else ""),
    ])
