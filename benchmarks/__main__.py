"""posecoach's benchmarks, run from a source checkout: ``python -m benchmarks engine`` (or
``posecoach bench engine``, which runs this). They are not part of the installed package.

Options, help, messages and exit statuses are the command line's (exit 2 and one line for a bad
option; Ctrl-C and SIGTERM end a run as they end ``posecoach``'s). Figures go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import sys

from posecoach.adapters.console import EXIT_INPUT, EXIT_OK, say

# The command line's own parser class and signal handling, so that a benchmark's messages and
# exit statuses are those `posecoach` gives.
from posecoach.adapters.process import OneLineParser, hold_standard_fds, run_command

PROG = "posecoach bench"  # the name the reproduce: lines and BENCHMARKS.md give


def _parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog=PROG, description="posecoach's benchmarks (run from a source checkout: python -m benchmarks, "
                                       "or posecoach bench). Figures go into BENCHMARKS.md.")
    bsub = p.add_subparsers(dest="bench", required=True, parser_class=OneLineParser)
    be = bsub.add_parser("engine", help="engine cost per frame and re-scoring time (no model)")
    be.add_argument("--frames", type=int, default=18000)
    bbr = bsub.add_parser("breathing", help="what reading the breathing costs per frame: the mask's measure and the meter")
    bbr.add_argument("--clip", help="a rest clip (default: sample_videos/constructive_rest_ok_b.mp4)")
    bbr.add_argument("--frames", type=int, default=120, help="frames the model runs on (their masks are timed)")
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
    ba.add_argument("--breathing-only", action="store_true", help="only the breathing section (the rendered breathing clips)")
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
    hold_standard_fds()
    args = _parser().parse_args(argv)
    return run_command(lambda: _bench_command(args))


def _bench_command(args: argparse.Namespace) -> int:
    if args.bench == "engine":
        from benchmarks.engine import run

        print(run(args.frames))
    elif args.bench == "breathing":
        from benchmarks.breathing_cost import run as run_breathing

        print(run_breathing(args.clip, args.frames))
    elif args.bench == "review":
        from benchmarks.review import run as run_review

        print(run_review(args.minutes))
    elif args.bench == "speed":
        from benchmarks.speed import run as run_speed

        print(run_speed(args.clip, args.quick, keep=args.keep))
    elif args.bench == "batch":
        from benchmarks.batch import run as run_batch_bench

        if args.files < 1:
            say(f"--files must be 1 or more, not {args.files}")
            return EXIT_INPUT
        print(run_batch_bench(args.files))
    elif args.bench == "memory":
        from benchmarks.memory import run as run_memory

        if not args.minutes > 0:
            say(f"--minutes must be more than 0, not {args.minutes}")
            return EXIT_INPUT
        if args.review:
            from benchmarks.memory import run_review

            print(run_review(args.minutes, exact=args.exact))
            return EXIT_OK
        print(run_memory(args.minutes, paced=args.paced))
    elif args.bench == "live":
        from benchmarks.live import run as run_live

        if not args.seconds > 0:
            say(f"--seconds must be more than 0, not {args.seconds}")
            return EXIT_INPUT
        print(run_live(args.seconds))
    elif args.bench == "rate":
        from benchmarks import rate

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
        from benchmarks.accuracy import run as run_accuracy

        print(run_accuracy(args.samples, args.photos, args.model, args.breathing_only))
    elif args.bench == "retest":
        from pathlib import Path

        from benchmarks.retest import run as run_retest

        missing = [v for v in args.video if not Path(v).is_file()]
        if missing:
            say(f"{missing[0]}: no such video")
            return EXIT_INPUT
        print(run_retest(args.samples, [Path(v) for v in args.video], args.model))
    elif args.bench == "real":
        from benchmarks.real_footage import run as run_real

        try:
            print(run_real(args.data, args.out, args.model, args.labels, args.cache, classifier=args.classifier))
        except FileNotFoundError as exc:
            say(str(exc))
            return EXIT_INPUT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
