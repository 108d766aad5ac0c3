"""The ``posecoach`` command: analyse clips, images and landmarks files; manage models."""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_INPUT, EXIT_ENV = 0, 2, 3


def _err(msg: str) -> None:
    print(f"posecoach: {msg}", file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="posecoach", description="Webcam coach for psoas and hip-flexor stretches.")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("analyze", help="analyse a video, image or landmarks file and write a report")
    a.add_argument("input", help="video (mp4, mov, avi, webm, mkv), image (jpg, png, webp) or landmarks .json")
    a.add_argument("--exercise", default="auto", help="catalogue id, or auto (default) to recognise it")
    a.add_argument("--model", default="full", choices=("lite", "full", "heavy"))
    a.add_argument("--profile", default="beginner", help="beginner, advanced, or a profile .toml file")
    a.add_argument("--json", dest="json_out", help="write the report here (default: standard output)")
    a.add_argument("--annotate", help="write the overlay here: .mp4 video (H.264), or .png/.jpg of the last frame")
    a.add_argument("--landmarks-out", help="write the per-frame landmarks here (for re-scoring)")
    a.add_argument("--stride", type=int, default=1, help="analyse every Nth frame (default 1)")
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
    bt.add_argument("--stride", type=int, default=1)
    bt.add_argument("--workers", type=int, help="processes (default: one per core)")
    bt.add_argument("--ray", metavar="ADDRESS", help="run on a Ray cluster (recordings are sent to it)")
    bt.add_argument("--quiet", action="store_true")
    sv = sub.add_parser("serve", help="start the coach page (on this computer only, unless --host says otherwise)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 exposes the page)")
    sv.add_argument("--port", type=int, default=8501)
    b = sub.add_parser("bench", help="benchmarks (engine, speed, accuracy)")
    bsub = b.add_subparsers(dest="bench", required=True)
    be = bsub.add_parser("engine", help="engine cost per frame and re-scoring time (no model)")
    be.add_argument("--frames", type=int, default=18000)
    bv = bsub.add_parser("review", help="reviewing and re-scoring a long stored session (no model)")
    bv.add_argument("--minutes", type=float, default=10.0)
    bs = bsub.add_parser("speed", help="raw landmarker vs whole pipeline, cold start (needs the models)")
    bs.add_argument("--clip", help="a 640x480 clip (default: a sample clip)")
    ba = bsub.add_parser("accuracy", help="angles, verdicts and recognition against the rendered clips' truth")
    ba.add_argument("--samples", help="folder of clips with .truth.json files (default: sample_videos)")
    ba.add_argument("--photos", help="folder of labelled real photos (labels.csv, or one sub-folder per exercise)")
    ba.add_argument("--model", default="full", choices=("lite", "full", "heavy"))
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "analyze":
            from posecoach.analyze import analyze_command

            return analyze_command(args)
        if args.command == "models":
            return _models_command(args)
        if args.command == "batch":
            from posecoach.batch import run_batch

            return run_batch(args)
        if args.command == "bench":
            return _bench_command(args)
        if args.command == "serve":
            from posecoach.serve import serve

            return serve(args.host, args.port)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    return EXIT_INPUT


def _models_command(args) -> int:
    from posecoach.adapters import models

    if args.install is not None:
        for v in args.install or ["full"]:
            try:
                models.provision(v, force=args.force)
            except models.ModelError as exc:
                _err(str(exc))
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

        print(run_speed(args.clip))
    elif args.bench == "accuracy":
        from posecoach.bench.accuracy import run as run_accuracy

        print(run_accuracy(args.samples, args.photos, args.model))
    return EXIT_OK


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()

