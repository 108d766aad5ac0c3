"""The ``posecoach`` command: analyse clips, images and landmarks files; manage models."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from posecoach.adapters.console import EXIT_ENV, EXIT_INPUT, EXIT_OK, say
from posecoach.adapters.process import TERMINATION_SIGNALS, OneLineParser, hold_standard_fds, run_command


def _parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="posecoach", description="Webcam coach for psoas and hip-flexor stretches.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
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
                        "changes; while all stay still, frames up to 400 ms apart (200 ms while a rest position's "
                        "breathing is read), the skipped ones carrying the "
                        "frame before (a change in a still hold is seen up to 0.4 s late; the report's "
                        "frames[].analysed says which); fixed: every frame, or every --stride-th (--rate fixed "
                        "--stride 1 is --exact)")
    a.add_argument("--stride", type=int, help="--rate fixed: analyse every Nth frame (default 1); adaptive: at most N "
                                               "frames apart while still (default: 400 ms' worth), and no more than "
                                               "200 ms' worth while a rest position's breathing is read")
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
    plsub = pl.add_subparsers(dest="plan_command", required=True, parser_class=OneLineParser)
    plc = plsub.add_parser("check", help="validate a plan file and show what it asks")
    plc.add_argument("file")
    pli = plsub.add_parser("import", help="validate a plan file and keep it for a person (added when new)")
    pli.add_argument("file")
    pli.add_argument("--person", required=True)
    pli.add_argument("--store", default=None, help="the store file (default: the page's)")
    pg = sub.add_parser("progress", help="a person's adherence to their plan, measurements per side and pain ratings")
    pg.add_argument("--person", required=True)
    pg.add_argument("--store", default=None, help="the store file (default: the page's)")
    # Listed here for --help; main() hands everything after `bench` to the checkout's benchmarks.
    b = sub.add_parser("bench", help="benchmarks (engine, speed, accuracy)", add_help=False)
    b.add_argument("args", nargs=argparse.REMAINDER, help="as for python -m benchmarks (from a source checkout)")
    return p


def main(argv: list[str] | None = None) -> int:
    hold_standard_fds()
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:  # before parsing: every option after `bench` is the benchmarks' (--help too)
        return _bench_forward(argv[1:])
    args = _parser().parse_args(argv)
    return run_command(lambda: _command(args))


def _command(args) -> int:
    if args.command == "analyze":
        from posecoach.services.analyse_file import AnalyseRequest, analyse_file

        return analyse_file(AnalyseRequest.from_options(args))
    if args.command == "models":
        return _models_command(args)
    if args.command == "batch":
        from posecoach.services.batch import BatchRequest, run_batch

        return run_batch(BatchRequest.from_options(args))
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


def _checkout() -> str | None:
    """The source checkout this posecoach runs from (``benchmarks/`` beside ``src/``), or None
    (installed from a wheel)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    if os.path.isfile(os.path.join(root, "benchmarks", "__main__.py")) and os.path.isdir(os.path.join(root, "src", "posecoach")):
        return root
    return None


def _bench_forward(argv: list[str]) -> int:
    """`posecoach bench ...`: ``python -m benchmarks ...`` from the checkout, in this directory
    (relative paths in the options stay as given), its exit status returned. Ctrl-C reaches the
    benchmark itself (the same process group); SIGTERM and SIGHUP are passed on to it."""
    root = _checkout()
    if root is None:
        say("the benchmarks run from a source checkout (python -m benchmarks there); this posecoach is installed without one")
        return EXIT_ENV
    import subprocess

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p))
    child: list[subprocess.Popen] = []

    def pass_on(signum: int, frame) -> None:
        for proc in child:
            proc.send_signal(signum)

    handlers = {signal.SIGINT: lambda signum, frame: None, **{s: pass_on for s in TERMINATION_SIGNALS}}
    on_main = threading.current_thread() is threading.main_thread()
    before = {s: signal.signal(s, handler) for s, handler in handlers.items()} if on_main else {}
    try:
        # -P: the checkout's benchmarks, never a `benchmarks` folder in the current directory
        child.append(subprocess.Popen([sys.executable, "-P", "-m", "benchmarks", *argv], env=env))
        code = child[0].wait()
    finally:
        for s, handler in before.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
    return code if code >= 0 else 128 - code  # ended by a signal: reported as a shell does


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()

