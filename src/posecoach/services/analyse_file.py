"""A file analysed: one input through the Session into the report and other sinks.

``AnalyseRequest`` holds what to analyse and how (the ``posecoach analyze`` options, typed);
``analyse_file`` runs it and says a failure in one line, returning the exit status;
``failure`` maps an exception to that status and line, for callers that keep the line
(``posecoach batch`` puts it in its index).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from posecoach.adapters.console import EXIT_ENV, EXIT_INPUT, EXIT_OK, say
from posecoach.adapters.estimators.model_process import ModelProcessError
from posecoach.adapters.outputs import (
    OutputError,
    OutputRefused,
    check_output,
    is_stream,
    same_file,
    target_of,
    write_json,
    write_stdout,
)
from posecoach.adapters.video import InputError

if TYPE_CHECKING:
    from posecoach.services.runner import AnalysisPlan

SUPPORTED = "mp4, mov, avi, webm, mkv, gif, jpg, png, webp, or a landmarks .json"


@dataclass
class AnalyseRequest:
    """One analysis: ``input`` a video, image or landmarks file; ``json_out`` the report's file
    (None: standard output); ``annotate`` and ``landmarks_out`` the optional sinks; ``exercise``
    a catalogue id or "auto"/None; ``model`` "lite", "full" or "heavy"; ``profile`` a name or a
    TOML file; ``routine`` a routine to follow; the frame plan: ``exact``, ``rate`` ("fixed" or
    "adaptive"), ``stride`` (frames), ``workers`` (processes; 0 one per core), ``max_side``
    (pixels), ``fast`` (kept for scripts); ``quiet`` no progress messages; ``progress_first``
    the cold-start benchmark's mark at the first frame."""

    input: str
    json_out: str | None = None
    annotate: str | None = None
    landmarks_out: str | None = None
    exercise: str | None = None
    model: str = "full"
    profile: str | None = None
    routine: str | None = None
    exact: bool = False
    rate: str | None = None
    stride: int | None = None
    workers: int | None = None
    max_side: int | None = None
    fast: bool = False
    quiet: bool = False
    progress_first: bool = False

    @classmethod
    def from_options(cls, options: object) -> AnalyseRequest:
        """From an object with these names as attributes (the command line's parsed options)."""
        return cls(**{f.name: getattr(options, f.name) for f in fields(cls) if hasattr(options, f.name)})


def _check_input(path: Path) -> str:
    from posecoach.adapters.video import input_kind

    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a video, image or landmarks file")
    kind = input_kind(path)
    if kind == "unknown":
        raise InputError(f"{path}: unsupported format {path.suffix or '(no extension)'!r} (use {SUPPORTED})")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: is empty")
    try:
        with open(path, "rb") as f:
            f.read(1)
    except PermissionError as exc:  # the user's file, as an unreadable video or profile is: exit 2
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if kind == "video":
        from posecoach.adapters.video import is_still_gif

        if is_still_gif(path):  # a GIF of one frame is a picture, like a JPEG; an animated one is a clip
            return "image"
    return kind


def _probe(path: Path, kind: str) -> None:
    """Fail fast on unreadable media, before the model is provisioned or loaded."""
    if kind == "video":
        from posecoach.adapters.video import VideoReader

        VideoReader(path).close()
    elif kind == "image":
        from posecoach.adapters.video import read_image

        read_image(path)


DEFAULT_MAX_SIDE_PX = 960  # the default review shrinks larger frames to this (the model's input is 256 x 256)
FAST_MAX_SIDE_PX = DEFAULT_MAX_SIDE_PX  # --fast, kept for scripts: the default now


def analysis_plan(req: AnalyseRequest) -> AnalysisPlan:
    """The frames to analyse and how, from ``--exact``, ``--stride``, ``--rate``, ``--workers``,
    ``--max-side`` and ``--fast``; raises InputError (one line) for a value that cannot be used.

    The default analyses at the rate the body changes (``core.rate.REVIEW_RATE``: every frame
    while moving, at most 400 ms apart while still), one segment per core, frames shrunk to
    ``DEFAULT_MAX_SIDE_PX``. ``--exact`` (or ``--rate fixed``) analyses every frame (every
    ``--stride``-th) with the model in a process of its own, at full size."""
    import os

    from posecoach.core.rate import REVIEW_RATE, RateParams
    from posecoach.services.runner import AnalysisPlan

    exact, rate, stride, workers, max_side = req.exact, req.rate, req.stride, req.workers, req.max_side
    if exact and (rate == "adaptive" or req.fast or (stride or 1) > 1):
        raise InputError("--exact analyses every frame: it cannot go with --rate adaptive, --fast or --stride above 1")
    if stride is not None and stride < 1:
        raise InputError(f"--stride must be 1 or more, not {stride}")
    if workers is not None and workers < 0:
        raise InputError(f"--workers must be 0 (one per core) or more, not {workers}")
    if max_side is not None and max_side < 64:
        raise InputError(f"--max-side must be 64 pixels or more, not {max_side}")
    if exact or rate == "fixed":
        return AnalysisPlan(stride=stride or 1, workers=(workers or os.cpu_count() or 1) if workers is not None else 1,
                            max_side_px=max_side)
    if workers is None:
        workers = 0
    if max_side is None:
        max_side = DEFAULT_MAX_SIDE_PX
    workers = workers or os.cpu_count() or 1
    if stride is not None:  # the largest step while still, in frames, instead of the bound in time
        params = RateParams(max_stride=stride, still_speed_trunk_lengths_per_s=REVIEW_RATE.still_speed_trunk_lengths_per_s,
                            settle_ms=REVIEW_RATE.settle_ms, follow_recognition=False, growth=REVIEW_RATE.growth)
        return AnalysisPlan(stride=stride, rate_params=params, workers=workers, max_side_px=max_side,
                            breathing_gap_ms=REVIEW_RATE.breathing_max_gap_ms)
    return AnalysisPlan(workers=workers, max_side_px=max_side, review=REVIEW_RATE)


def failure(exc: BaseException, input_name: str) -> tuple[int, str] | None:
    """The exit status and the one line for an analysis that raised ``exc`` (None: not a
    failure of the input or the environment, so a fault of posecoach's own: let it rise)."""
    from posecoach.adapters.models import ModelError

    if isinstance(exc, (InputError, OutputRefused)):
        return EXIT_INPUT, str(exc)
    if isinstance(exc, (OutputError, ModelError)):
        return EXIT_ENV, str(exc)
    if isinstance(exc, ModelProcessError):
        return EXIT_ENV, f"{input_name}: {exc}"
    if isinstance(exc, OSError):  # a full disk, a file grown past a limit, an I/O error: the environment's fault
        target = target_of(exc.filename)
        if target is not None:
            return EXIT_ENV, f"{target}: cannot write ({exc.strerror or exc}); nothing was left behind"
        return EXIT_ENV, f"{exc.filename or input_name}: {exc.strerror or exc}"
    return None


def analyse_file(req: AnalyseRequest) -> int:
    """Run ``req``; its exit status (0 done, 2 the input, 3 the environment), a failure said in one line."""
    try:
        return run_analysis(req)
    except Exception as exc:
        said = failure(exc, req.input)
        if said is None:
            raise
        say(said[1])
        return said[0]


def run_analysis(req: AnalyseRequest) -> int:
    """Run ``req``: the report written, 0 returned; a failure raises (see ``failure``)."""
    from posecoach.adapters import models
    from posecoach.exercises.catalogue import ConfigError, load_catalogue

    path = Path(req.input)
    plan = analysis_plan(req)
    kind = _check_input(path)
    try:
        catalogue = load_catalogue(req.profile)
    except ConfigError as exc:
        raise InputError(str(exc)) from None
    routine = None
    if req.routine:
        from posecoach.exercises.catalogue import load_routine, with_routine_targets

        try:
            routine = load_routine(req.routine, catalogue)
        except ConfigError as exc:
            raise InputError(str(exc)) from None
        catalogue = with_routine_targets(catalogue, routine)
        req.exercise = "auto"
    exercise = None if req.exercise in (None, "auto") else req.exercise
    if exercise is not None and exercise not in catalogue.exercises:
        raise InputError(f"{req.exercise}: unknown exercise (use auto or one of {', '.join(catalogue.exercises)})")
    _check_outputs(path, req)
    if req.annotate and Path(req.annotate).suffix.lower() not in (".mp4", ".png", ".jpg", ".jpeg"):
        raise InputError(f"{req.annotate}: --annotate writes .mp4, .png or .jpg")

    _probe(path, kind)
    doc = None
    if kind == "landmarks":
        from posecoach.adapters.landmarks_file import read_landmarks

        doc = read_landmarks(path)
        model_name, model_sha = doc.model or "unknown", doc.model_sha256 or ""
    else:
        try:
            info = models.provision(req.model, say=(lambda m: None) if req.quiet else models._say)
        except models.ModelError:
            raise  # the environment's: said by ``failure``
        model_name, model_sha = req.model, info.sha256
    from posecoach.services.runner import Runner, Sinks

    sinks = Sinks(req.annotate, req.landmarks_out, req.quiet, req.progress_first)
    runner = Runner(path, kind, catalogue, exercise, sinks, model_name, model_sha, routine, plan)
    try:
        if kind == "landmarks":
            runner.run_landmarks(doc)
        else:
            from posecoach.adapters.estimators.factory import estimator_kind, open_estimator
            from posecoach.engine.session import needs_mask

            masks = needs_mask(catalogue, exercise)
            if not (kind == "video" and plan.workers > 1 and runner.run_parallel(info.path, masks)):
                estimator_as = estimator_kind(kind, plan.adaptive)  # every frame or every Nth: fed ahead
                shape = runner.model_frame_shape() if estimator_as == "process" else None
                estimator = open_estimator(info.path, estimator_as, mode="image" if kind == "image" else "video",
                                           masks=masks, shape=shape)
                with estimator:
                    runner.run_media(estimator)
                    runner.report.people_changes = estimator.person_changes
        report = runner.finish()
    except BaseException:
        runner.abort()
        raise
    if req.json_out:
        write_json(Path(req.json_out), report)
    else:
        write_stdout(report)
    return EXIT_OK


def _check_outputs(path: Path, req: AnalyseRequest) -> None:
    """Before any work: each output can be one (``check_output``), no two files written name one
    file, none is the input, and the report has somewhere to go."""
    named = [(opt, name) for opt, name in (("--json", req.json_out), ("--annotate", req.annotate),
                                            ("--landmarks-out", req.landmarks_out)) if name]
    for opt, name in named:
        check_output(name, stream_ok=opt != "--annotate")  # an overlay is written with seeks
    if not req.json_out and sys.stdout is None:
        raise OutputError("standard output is closed (give --json FILE for the report)")
    seen = [("the input", str(path))] + _stdout_file(req)
    for opt, name in named:
        if is_stream(name):
            continue  # a pipe or a device is written through, in turn: nothing of another output is replaced
        for other, where in seen:
            if same_file(name, where):
                if other == "the input":
                    raise InputError(f"{name}: output would overwrite the input")
                raise InputError(f"{name}: {opt} names the same file as {other}; give each output its own file")
        seen.append((opt, name))


def _stdout_file(req: AnalyseRequest) -> list[tuple[str, str]]:
    """Standard output, where the report goes, when it is a regular file (``> file``)."""
    import os
    import stat

    if req.json_out or sys.stdout is None:
        return []
    try:
        st = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError):
        return []
    return [("the report (standard output)", f"/dev/fd/{sys.stdout.fileno()}")] if stat.S_ISREG(st.st_mode) else []

