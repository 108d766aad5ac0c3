"""The ``posecoach`` command: analyse clips, images and landmarks files; manage models."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

from posecoach.adapters.console import EXIT_ENV, EXIT_INPUT, EXIT_OK, say

# Signals that end a run as Ctrl-C does: the partial outputs removed, exit status 128 + the signal.
TERMINATION_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Terminated(KeyboardInterrupt):
    """A termination signal (SIGTERM, SIGHUP), raised where Ctrl-C's KeyboardInterrupt would be,
    so that the same clean-up runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame) -> None:
    for s in TERMINATION_SIGNALS:  # a second signal must not cut the clean-up short
        signal.signal(s, signal.SIG_IGN)
    raise Terminated(signum)


@contextlib.contextmanager
def _termination_as_interrupt() -> Iterator[None]:
    """While the command runs, SIGTERM and SIGHUP raise ``Terminated`` (a signal ignored when
    posecoach started, as under nohup, stays ignored); the previous handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {s: signal.getsignal(s) for s in TERMINATION_SIGNALS}
    for s, handler in before.items():
        if handler is not signal.SIG_IGN:
            signal.signal(s, _terminate)
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)


def _hold_standard_fds() -> None:
    """A closed standard descriptor (``>&-``) is opened on /dev/null, so that no file posecoach
    opens takes its number and receives what a library prints. ``sys.stdout`` stays None: the
    report is not sent to /dev/null as if it were read."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line message on a bad argument (exit status 2), as the contract asks."""

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="posecoach", description="Webcam coach for psoas and hip-flexor stretches.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    a = sub.add_parser("analyze", help="analyse a video, image or landmarks file and write a report")
    a.add_argument("input", help="video (mp4, mov, avi, webm, mkv, gif), image (jpg, png, webp) or landmarks .json")
    a.add_argument("--exercise", default="auto", help="catalogue id, or auto (default) to recognise it")
    a.add_argument("--model", default="full", choices=("lite", "full", "heavy"))
    a.add_argument("--profile", default="beginner", help="beginner, advanced, or a profile .toml file")
    a.add_argument("--json", dest="json_out", help="write the report here (default: standard output)")
    a.add_argument("--annotate", help="write the overlay here: .mp4 video (H.264), or .png/.jpg of the last frame")
    a.add_argument("--landmarks-out", help="write the per-frame landmarks here (for re-scoring)")
    a.add_argument("--exact", action="store_true",
                   help="analyse every frame, at full size, the model in a process of its own: the report is what the "
                        "live coach would have said, frame by frame (slower: about 1.2x real time on 2 cores)")
    a.add_argument("--rate", choices=("fixed", "adaptive"),
                   help="adaptive (default): every frame while the body moves or a verdict, the cue or the exercise "
                        "changes; while all stay still, frames up to 400 ms apart, the skipped ones carrying the "
                        "frame before (a change in a still hold is seen up to 0.4 s late; the report's "
                        "frames[].analysed says which); fixed: every frame, or every --stride-th (--rate fixed "
                        "--stride 1 is --exact)")
    a.add_argument("--stride", type=int, help="--rate fixed: analyse every Nth frame (default 1); adaptive: at most N "
                                               "frames apart while still (default: 400 ms' worth)")
    a.add_argument("--workers", type=int, help="processes, each analysing a segment of the clip (default: one per core; "
                                                "1 with --exact; 0: one per core)")
    a.add_argument("--max-side", type=int, metavar="PX", help="shrink larger frames to this many pixels on the longer "
                   "side before the model (default 960; with --exact: never)")
    a.add_argument("--fast", action="store_true", help="the default (kept for scripts that pass it)")
    a.add_argument("--routine", help="follow a routine (seeds, quick, or a .toml file); implies --exercise auto")
    a.add_argument("--quiet", action="store_true", help="no progress messages")
    a.add_argument("--progress-first", action="store_true", help=argparse.SUPPRESS)  # cold-start benchmark
    m = sub.add_parser("models", help="list installed pose models, or install one")
    m.add_argument("--install", nargs="*", choices=("lite", "full", "heavy"), help="provision these models")
    m.add_argument("--force", action="store_true", help="provision again even if installed")
    bt = sub.add_parser("batch", help="analyse many recordings: one report each plus an index, resumable")
    bt.add_argument("inputs", help="a folder (searched recursively) or a glob of videos and images")
    bt.add_argument("--out", required=True, help="output folder for the reports and index.json")
    bt.add_argument("--exercise", default="auto")
    bt.add_argument("--model", default="full", choices=("lite", "full", "heavy"))
    bt.add_argument("--profile", default="beginner")
    bt.add_argument("--exact", action="store_true", help="as for analyze: every frame, at full size")
    bt.add_argument("--stride", type=int)
    bt.add_argument("--rate", choices=("fixed", "adaptive"), help="as for analyze (default adaptive: fewer frames "
                    "through still holds, the skipped ones carrying the frame before)")
    bt.add_argument("--max-side", type=int, metavar="PX", help="as for analyze (default 960; with --exact: never)")
    bt.add_argument("--workers", type=int, help="processes, one recording each (default: one per core)")
    bt.add_argument("--ray", metavar="ADDRESS", help="run on a Ray cluster (recordings are sent to it)")
    bt.add_argument("--quiet", action="store_true")
    sv = sub.add_parser("serve", help="start the coach page (on this computer only, unless --host says otherwise)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 exposes the page)")
    sv.add_argument("--port", type=int, default=8501)
    pl = sub.add_parser("plan", help="a physiotherapist's plan: check a plan file, or import it for a person")
    plsub = pl.add_subparsers(dest="plan_command", required=True, parser_class=_Parser)
    plc = plsub.add_parser("check", help="validate a plan file and show what it asks")
    plc.add_argument("file")
    pli = plsub.add_parser("import", help="validate a plan file and keep it for a person (added when new)")
    pli.add_argument("file")
    pli.add_argument("--person", required=True)
    pli.add_argument("--store", default=None, help="the store file (default: the page's)")
    pg = sub.add_parser("progress", help="a person's adherence to their plan, measurements per side and pain ratings")
    pg.add_argument("--person", required=True)
    pg.add_argument("--store", default=None, help="the store file (default: the page's)")
    b = sub.add_parser("bench", help="benchmarks (engine, speed, accuracy)")
    bsub = b.add_subparsers(dest="bench", required=True)
    be = bsub.add_parser("engine", help="engine cost per frame and re-scoring time (no model)")
    be.add_argument("--frames", type=int, default=18000)
    bv = bsub.add_parser("review", help="reviewing and re-scoring a long stored session (no model)")
    bv.add_argument("--minutes", type=float, default=10.0)
    bs = bsub.add_parser("speed", help="raw landmarker vs whole pipeline, cold start (needs the models)")
    bs.add_argument("--clip", help="a 640x480 clip for the per-frame figures (default: a sample clip)")
    bs.add_argument("--quick", action="store_true", help="a 0.3-minute routine and a 10 s clip, no 1920x1080 clip")
    bs.add_argument("--keep", metavar="DIR", help="keep the exact and default reports of the sessions in this folder")
    bb = bsub.add_parser("batch", help="posecoach batch on sample clips: files per minute with 1 and 2 workers")
    bb.add_argument("--files", type=int, default=12, help="how many sample clips (default 12)")
    bm = bsub.add_parser("memory", help="memory of a live-like session (the live worker and store), and its growth")
    bm.add_argument("--minutes", type=float, default=10.0, help="stream minutes at 30 fps (default 10; 1 for a short run)")
    bm.add_argument("--paced", action="store_true",
                    help="feed a frame every 1/30 s of wall time, as a camera (the run takes its stream time)")
    bm.add_argument("--review", action="store_true", help="instead: peak memory of `posecoach analyze` on the bench "
                                                           "routine of --minutes (the default review)")
    bm.add_argument("--exact", action="store_true", help="with --review: of `posecoach analyze --exact`")
    bk = bsub.add_parser("live", help="the live page's judged frames per second and latency, idle and under load")
    bk.add_argument("--seconds", type=float, default=20.0, help="seconds fed in each run (default 20)")
    br = bsub.add_parser("rate", help="the default review against the exact review (every frame) on a 10-minute "
                                      "routine and a 60 s clip: verdicts, hold times, reps, faults found")
    br.add_argument("--minutes", type=float, help="the routine's length (default 10)")
    br.add_argument("--keep", metavar="DIR", help="keep the exact and default reports in this folder")
    br.add_argument("--variants", help="instead: the sample clips at these adaptive settings against every frame, as "
                                       "stride:still_speed:settle_ms[:free],... ('default' for a built-in list)")
    br.add_argument("--samples", help="with --variants: folder of clips (default: sample_videos)")
    br.add_argument("--limit", type=int, help="with --variants: only the first N clips")
    ba = bsub.add_parser("accuracy", help="angles, verdicts and recognition against the rendered clips' truth")
    ba.add_argument("--samples", help="folder of clips with .truth.json files (default: sample_videos)")
    ba.add_argument("--photos", help="folder of labelled real photos (labels.csv, or one sub-folder per exercise)")
    ba.add_argument("--model", default="full", choices=("lite", "full", "heavy"))
    bt = bsub.add_parser("retest", help="test-retest spread of stretch depth and the Thomas test (the same body "
                                        "measured as several sessions)")
    bt.add_argument("--samples", help="folder of the rendered clips (default: sample_videos)")
    bt.add_argument("--video", action="append", default=[], help="a real video of the kneeling stretch (repeatable)")
    bt.add_argument("--model", default="full", choices=("lite", "full", "heavy"))
    bl = bsub.add_parser("real", help="recognition and verdicts on real footage labelled by eye (benchmarks/real)")
    bl.add_argument("data", nargs="?", help="folder of real footage (default: ../shared/realdata)")
    bl.add_argument("--out", help="write overlays of the worst frames to this folder")
    bl.add_argument("--labels", help="folder of the label files (default: benchmarks/real)")
    bl.add_argument("--cache", help="folder for the landmarks of each file (default: ~/.cache/posecoach/real)")
    bl.add_argument("--model", default="full", choices=("lite", "full", "heavy"))
    bl.add_argument("--classifier", action="store_true",
                    help="also train a k-NN classifier (renders + dev part) and score it against the rules")
    return p


def main(argv: list[str] | None = None) -> int:
    _hold_standard_fds()
    args = _parser().parse_args(argv)
    try:
        with _termination_as_interrupt():
            return _command(args)
    except Terminated as exc:
        say(f"terminated ({signal.Signals(exc.signum).name})")
        return 128 + exc.signum
    except KeyboardInterrupt:
        say("interrupted")
        return 130


def _command(args) -> int:
    if args.command == "analyze":
        from posecoach.services.analyse_file import AnalyseRequest, analyse_file

        return analyse_file(AnalyseRequest.from_options(args))
    if args.command == "models":
        return _models_command(args)
    if args.command == "batch":
        from posecoach.services.batch import BatchRequest, run_batch

        return run_batch(BatchRequest.from_options(args))
    if args.command == "bench":
        return _bench_command(args)
    if args.command in ("plan", "progress"):
        return _plan_command(args)
    if args.command == "serve":
        from posecoach.serve import serve

        return serve(args.host, args.port)
    return EXIT_INPUT


def _plan_command(args) -> int:
    from posecoach.adapters.store import Store, StoreError
    from posecoach.services import plans

    try:
        if args.command == "progress":
            print(plans.progress_text(Store(args.store), args.person))
        elif args.plan_command == "check":
            from posecoach.exercises.plan import load_plan

            print(plans.describe(load_plan(args.file)))
        else:
            plan = plans.import_plan(Store(args.store), args.person, args.file)
            print(f"imported for {args.person}:\n{plans.describe(plan)}")
    except (plans.ConfigError, StoreError) as exc:
        say(str(exc))
        return EXIT_INPUT
    return EXIT_OK


def _models_command(args) -> int:
    from posecoach.adapters import models

    if args.install is not None:
        for v in args.install or ["full"]:
            try:
                models.provision(v, force=args.force)
            except models.ModelError as exc:
                say(str(exc))
                return EXIT_ENV
    have = models.installed()
    manifest = models.read_manifest()
    print(f"models folder: {models.models_dir()}")
    for v in models.VARIANTS:
        if v in have:
            info = have[v]
            entry = manifest.get(info.path.name, {})
            print(f"  {v:5s}  installed  sha256 {info.sha256[:16]}…  {entry.get('size', 0) >> 20} MB  {info.source}")
        else:
            print(f"  {v:5s}  not installed (posecoach models --install {v})")
    return EXIT_OK


def _bench_command(args) -> int:
    if args.bench == "engine":
        from posecoach.bench.engine import run

        print(run(args.frames))
    elif args.bench == "review":
        from posecoach.bench.stored_session import run as run_review

        print(run_review(args.minutes))
    elif args.bench == "speed":
        from posecoach.bench.speed import run as run_speed

        print(run_speed(args.clip, args.quick, keep=args.keep))
    elif args.bench == "batch":
        from posecoach.bench.batch import run as run_batch_bench

        if args.files < 1:
            say(f"--files must be 1 or more, not {args.files}")
            return EXIT_INPUT
        print(run_batch_bench(args.files))
    elif args.bench == "memory":
        from posecoach.bench.memory import run as run_memory

        if not args.minutes > 0:
            say(f"--minutes must be more than 0, not {args.minutes}")
            return EXIT_INPUT
        if args.review:
            from posecoach.bench.memory import run_review

            print(run_review(args.minutes, exact=args.exact))
            return EXIT_OK
        print(run_memory(args.minutes, paced=args.paced))
    elif args.bench == "live":
        from posecoach.bench.live import run as run_live

        if not args.seconds > 0:
            say(f"--seconds must be more than 0, not {args.seconds}")
            return EXIT_INPUT
        print(run_live(args.seconds))
    elif args.bench == "rate":
        from posecoach.bench import rate

        if args.variants is None:
            if args.minutes is not None and not args.minutes > 0:
                say(f"--minutes must be more than 0, not {args.minutes}")
                return EXIT_INPUT
            print(rate.run(args.minutes, args.keep))
            return EXIT_OK
        try:
            variants = rate.VARIANTS if args.variants == "default" else rate.parse_variants(args.variants)
        except ValueError:
            say(f"--variants: {args.variants!r} is not a list like 3:1.0:300,12:1.0:300:free (stride:still speed:settle ms)")
            return EXIT_INPUT
        print(rate.run_variants(args.samples, variants, args.limit))
    elif args.bench == "accuracy":
        from posecoach.bench.accuracy import run as run_accuracy

        print(run_accuracy(args.samples, args.photos, args.model))
    elif args.bench == "retest":
        from pathlib import Path

        from posecoach.bench.retest import run as run_retest

        missing = [v for v in args.video if not Path(v).is_file()]
        if missing:
            say(f"{missing[0]}: no such video")
            return EXIT_INPUT
        print(run_retest(args.samples, [Path(v) for v in args.video], args.model))
    elif args.bench == "real":
        from posecoach.bench.real import run as run_real

        try:
            print(run_real(args.data, args.out, args.model, args.labels, args.cache, classifier=args.classifier))
        except FileNotFoundError as exc:
            say(str(exc))
            return EXIT_INPUT
    return EXIT_OK


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()

