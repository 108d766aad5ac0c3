"""`posecoach bench rate`: does the default review keep the exact review's verdicts and holds?

The sessions (a 10-minute routine made of the sample clips' holds and transitions, and the
60 s clip of twelve sample clips back to back) are reviewed by `posecoach analyze`, once with
``--exact`` and once by default, and compared (``Agreement``): the verdicts at every frame,
hold times per exercise and side, rep counts, and whether every fault the exact review held
for 1 s or more is found by the default. With ``--variants`` the sample clips are analysed
in this process at the full rate and at other adaptive settings, and compared the same way.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.support.places import checkout_root
from benchmarks.support.report_table import hardware_line, load_line, table
from benchmarks.support.verdicts import (  # noqa: F401 (offered here: the bench's own words)
    FAULT_MIN_MS,
    Agreement,
    Comparison,
    agreement,
    compare,
    fault_runs,
    hold_difference_max_s,
    hold_difference_s,
    hold_set_difference_max_s,
)
from posecoach.core.rate import REVIEW_RATE, RateParams

SAMPLES = checkout_root() / "sample_videos"


def report_of(path: Path, model_path: Path, rate_params: RateParams | None, exercise: str | None = None) -> dict:
    """The report of one clip analysed in this process (no sinks)."""
    from posecoach.adapters.estimators.landmarker import PoseEstimator
    from posecoach.adapters.video import VideoReader
    from posecoach.core.rate import AdaptiveRate, FixedRate
    from posecoach.engine.loop import analyse_frames
    from posecoach.engine.session import Session, needs_mask
    from posecoach.exercises.catalogue import load_catalogue
    from posecoach.reports.json_report import ReportBuilder

    catalogue = load_catalogue()
    report = ReportBuilder(path.name, 0, 0, 30.0, 1, "full", "", catalogue.profile, exercise)
    rate = AdaptiveRate(rate_params) if rate_params else FixedRate(1)
    with PoseEstimator(model_path, mode="video", masks=needs_mask(catalogue, exercise)) as est, VideoReader(path) as reader:
        session = Session(catalogue, exercise, est)
        analyse_frames(session, reader.frames(lazy=True), rate, lambda f: report.add(f.result),
                       on_skip=lambda f: report.add(session.carry(f.t_ms), analysed=False))
        report.fps = reader.info.fps
    return report.document(session.coach.holds.sets)


# The settings compared with --variants and no list: the default review's at 30 fps, shorter
# and longer gaps, and the earlier adaptive rate (every 3rd frame, following the recognition).
VARIANTS: tuple[RateParams, ...] = (
    REVIEW_RATE.params(30.0), replace(REVIEW_RATE.params(30.0), max_stride=8), replace(REVIEW_RATE.params(30.0), max_stride=16),
    RateParams(),
)


def parse_variants(text: str) -> tuple[RateParams, ...]:
    """``"3:1.0:300,6:1.0:300:free"`` (stride while still : still speed : settle ms, and
    ``free`` for not following the recognition's cadence) to settings."""
    out = []
    for item in text.split(","):
        stride, speed, settle, *free = item.split(":")
        review = free == ["free"]  # as the default review: gaps growing, a second at every frame after a change
        breathing = REVIEW_RATE.params(30.0) if review else RateParams()  # and closer while breathing is read
        out.append(RateParams(max_stride=int(stride), still_speed_trunk_lengths_per_s=float(speed), settle_ms=float(settle),
                              follow_recognition=not review, growth=REVIEW_RATE.growth if review else 1.0,
                              label_settle_ms=REVIEW_RATE.label_settle_ms if review else 0.0,
                              breathing_max_stride=breathing.breathing_max_stride,
                              breathing_max_gap_ms=breathing.breathing_max_gap_ms))
    return tuple(out)


def describe(p: RateParams) -> str:
    default = " (the default review at 30 fps)" if replace(p, max_gap_ms=None) == replace(REVIEW_RATE.params(30.0),
                                                                                         max_gap_ms=None) else ""
    free = "" if p.follow_recognition else ", recognition on those frames only"
    still = f"{p.still_speed_trunk_lengths_per_s:g} trunk lengths/s for {p.settle_ms:.0f} ms"
    return f"at most {p.max_stride} frames apart while still < {still}{free}{default}"


def _clip_job(args: tuple[str, str, tuple[RateParams, ...]]) -> list[Comparison]:
    path, model_path, variants = args
    full = report_of(Path(path), Path(model_path), None)
    return [compare(full, report_of(Path(path), Path(model_path), v)) for v in variants]


def run_variants(samples: str | None = None, variants: tuple[RateParams, ...] = VARIANTS, limit: int | None = None,
                 workers: int | None = None) -> str:
    """The sample clips at the full rate and at each of ``variants``, in this process's pool."""
    from posecoach.adapters.models import provision

    folder = Path(samples) if samples else SAMPLES
    from benchmarks.support.clips import breathing_clips

    skip = breathing_clips(folder)
    clips = sorted(c for c in folder.glob("*.mp4") if c.name not in skip)[:limit]
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
        "reproduce: posecoach bench rate --variants ..." + (f" --samples {samples}" if samples else ""),
    ])


# The sessions reviewed both ways: (label, clip kind for ``clips.cached``, seconds).
SESSIONS: tuple[tuple[str, str, float], ...] = (
    ("10-minute routine (sample holds and transitions)", "long", 600.0),
    ("60 s clip (twelve sample clips back to back)", "session", 60.0),
)


@dataclass(frozen=True)
class SessionRun:
    """One session reviewed exactly and by default: wall seconds of each and their agreement."""

    label: str
    seconds: float
    exact_s: float
    default_s: float
    agreement: Agreement
    peak_mb: float = float("nan")  # the default review's peak memory, all its processes


def review_sessions(sessions=SESSIONS, workdir: Path | None = None, minutes: float | None = None,
                    keep: Path | None = None) -> list[SessionRun]:
    """`posecoach analyze --exact` and `posecoach analyze` (the default) on each session, in
    subprocesses (start-up and model loading included). ``minutes``: shorten the long session;
    ``keep``: a folder to copy the reports to."""
    import json
    import tempfile

    from benchmarks.support.clips import cached
    from benchmarks.support.review_modes import analyse, analyse_measured

    out = []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for label, kind, seconds in sessions:
            if minutes is not None and kind == "long":
                seconds = minutes * 60.0
                label = f"{minutes:g}-minute routine (sample holds and transitions)"
            clip = cached(kind, seconds)
            exact_s = analyse(clip, Path(tmp) / "exact.json", ("--exact",))
            default_s, peak_mb = analyse_measured(clip, Path(tmp) / "default.json", ())
            exact, default = (json.loads((Path(tmp) / f"{n}.json").read_text()) for n in ("exact", "default"))
            if keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                for n in ("exact", "default"):
                    (keep / f"{kind}-{seconds:g}s-{n}.json").write_bytes((Path(tmp) / f"{n}.json").read_bytes())
            out.append(SessionRun(label, seconds, exact_s, default_s, agreement(exact, default), peak_mb))
    return out


def agreement_rows(runs: list[SessionRun]) -> list[list[str]]:
    """One row per session: the criteria the default review is held to against the exact one."""
    rows = []
    for r in runs:
        a = r.agreement
        rows.append([r.label, f"{a.analysed / max(1, a.frames):.0%} ({a.analysed} of {a.frames})",
                     f"{a.verdicts_same:.2%}", f"{a.hold_diff_max_s:.2f} / {a.total_diff_max_s:.2f}",
                     f"{a.reps_default} / {a.reps_exact}", f"{a.faults_found} of {a.faults}"])
    return rows


AGREEMENT_HEADER = ["session", "frames analysed by default", "verdicts as exact (target 98%)",
                    "hold time difference s, largest of one hold (target 0.5) / of a total per exercise and side",
                    "reps default / exact",
                    "faults of 1 s or more found"]


def run(minutes: float | None = None, keep: str | None = None) -> str:
    """The default review against the exact review on the sessions (reports copied to ``keep``)."""
    load_before = load_line()
    runs = review_sessions(minutes=minutes, keep=Path(keep) if keep else None)
    return "\n".join([
        f"hardware: {hardware_line()}; {load_before} before, {load_line()} after",
        "each session reviewed by `posecoach analyze --exact` (every frame) and `posecoach analyze` (the default: "
        "frames up to 400 ms apart through still holds, 200 ms while a rest position's breathing is read, the rest "
        "carried from the frame before)", "",
        table(agreement_rows(runs), AGREEMENT_HEADER), "",
        "reproduce: posecoach bench rate" + (f" --minutes {minutes:g}" if minutes is not None else ""),
    ])
