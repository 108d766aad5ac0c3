"""`posecoach batch`: analyse many recordings, one report each plus an index.

Resumable: a file whose report exists is skipped, and reports are written atomically, so a
crash mid-file leaves no partial report. Locally a process pool sized to the cores does the
work; with ``--ray ADDRESS`` each file is one task on a Ray cluster (the recordings travel
to that cluster) and the reports are gathered into the output folder.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from posecoach.adapters.video import IMAGE_EXTS, VIDEO_EXTS
from posecoach.outputs import write_json

MEDIA = VIDEO_EXTS | IMAGE_EXTS


def find_inputs(spec: str) -> list[Path]:
    """Recordings in a folder (recursively) or matching a glob, sorted."""
    p = Path(spec)
    if p.is_dir():
        files = [f for f in p.rglob("*") if f.suffix.lower() in MEDIA and f.is_file()]
    else:
        files = [Path(f) for f in glob.glob(spec, recursive=True) if Path(f).suffix.lower() in MEDIA]
    return sorted(files)


def report_name(path: Path, root: Path | None) -> str:
    """A report file name unique per input: its path below the root, with separators as '__'."""
    rel = path.relative_to(root) if root and path.is_relative_to(root) else Path(path.name)
    return "__".join(rel.with_suffix("").parts) + ".json"


def _options(args) -> dict:
    return {"exercise": args.exercise, "model": args.model, "profile": args.profile, "stride": args.stride,
            "rate": getattr(args, "rate", None), "max_side": getattr(args, "max_side", None)}


def analyse_one(path: str, out_json: str, options: dict) -> dict:
    """Analyse one file into ``out_json``; return an index entry (never raises for bad input)."""
    from posecoach.analyze import analyze_command

    ns = argparse.Namespace(input=path, json_out=out_json, annotate=None, landmarks_out=None, quiet=True,
                            routine=None, progress_first=False, rate=None, workers=1, max_side=None, fast=False)
    vars(ns).update(options)
    t0 = time.perf_counter()
    from io import StringIO

    err, saved = StringIO(), sys.stderr
    sys.stderr = err
    try:
        code = analyze_command(ns)
    finally:
        sys.stderr = saved
    entry = {"input": path, "report": Path(out_json).name, "status": "ok" if code == 0 else "error",
             "exit": code, "seconds": round(time.perf_counter() - t0, 2)}
    if code != 0:
        entry["error"] = err.getvalue().strip().splitlines()[-1] if err.getvalue().strip() else f"exit {code}"
        return entry
    rep = json.loads(Path(out_json).read_text())
    entry.update({"exercise": rep["exercise"], "frames": rep["summary"]["frames"],
                  "pose_frames": rep["summary"]["pose_frames"], "holds": rep["summary"]["holds"]})
    return entry


def _ray_task(data: bytes, suffix: str, options: dict) -> tuple[dict, dict | None]:
    """Runs on a Ray worker: the recording arrives as bytes, the report goes back as a dict."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        out = Path(tmp) / "report.json"
        entry = analyse_one(str(src), str(out), options)
        report = json.loads(out.read_text()) if entry["status"] == "ok" else None
    return entry, report


class Progress:
    def __init__(self, total: int, quiet: bool) -> None:
        self.total, self.done, self.quiet, self.t0 = total, 0, quiet, time.monotonic()

    def tick(self, name: str, status: str) -> None:
        self.done += 1
        if self.quiet:
            return
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        rate = self.done / max(time.monotonic() - self.t0, 1e-9) * 60
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {rate:.1f}/min {status}: {name[:40]:40s}",
              file=sys.stderr, end="\n" if self.done == self.total else "", flush=True)


def run_batch(args) -> int:
    from posecoach.adapters.video import InputError
    from posecoach.analyze import analysis_plan

    try:
        analysis_plan(argparse.Namespace(**{**_options(args), "workers": 1}))
    except InputError as exc:
        print(f"posecoach: {exc}", file=sys.stderr)
        return 2
    inputs = find_inputs(args.inputs)
    if not inputs:
        print(f"posecoach: {args.inputs}: no videos or images found", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    root = Path(args.inputs) if Path(args.inputs).is_dir() else None
    index_path = out / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {"schema": 1, "kind": "batch-index", "files": {}}
    todo = [(p, out / report_name(p, root)) for p in inputs]
    skipped = [(p, r) for p, r in todo if r.exists()]
    todo = [(p, r) for p, r in todo if not r.exists()]
    if not args.quiet:
        print(f"posecoach: {len(inputs)} recordings, {len(skipped)} already done, {len(todo)} to analyse", file=sys.stderr)
    options = _options(args)
    progress = Progress(len(todo), args.quiet)

    def record(entry: dict) -> None:
        index["files"][entry["report"]] = entry
        write_json(index_path, index)
        progress.tick(Path(entry["input"]).name, entry["status"])

    if not todo:
        write_json(index_path, index)
    elif args.ray:
        _run_ray(args.ray, todo, options, record)
    else:
        workers = args.workers or os.cpu_count() or 1
        if workers == 1:
            for p, r in todo:
                record(analyse_one(str(p), str(r), options))
        else:
            # the model already uses threads; one worker per core keeps them busy without thrashing
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(analyse_one, str(p), str(r), options) for p, r in todo]
                for fut in as_completed(futures):
                    record(fut.result())
    failed = sum(1 for e in index["files"].values() if e["status"] != "ok")
    return 0 if failed == 0 else 1


def _run_ray(address: str, todo: list[tuple[Path, Path]], options: dict, record) -> None:
    """One Ray task per recording, at most two per CPU of the cluster in flight: a recording is
    read and sent only when a place frees, so hundreds of them never sit in memory at once."""
    try:
        import ray
    except ImportError:
        raise SystemExit("posecoach: --ray needs the ray extra: pip install 'posecoach[ray]'") from None
    ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
    task = ray.remote(_ray_task)
    window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
    waiting = iter(todo)
    pending: dict = {}
    while True:
        for p, r in waiting:
            try:
                data = p.read_bytes()
            except OSError as exc:  # gone or unreadable since it was listed: this file only
                record({"input": str(p), "report": r.name, "status": "error", "exit": 2,
                        "error": f"{p}: cannot be read ({exc.strerror or type(exc).__name__})"})
                continue
            pending[task.remote(data, p.suffix, options)] = (p, r)
            if len(pending) >= window:
                break
        if not pending:
            return
        done, _ = ray.wait(list(pending), num_returns=1)
        p, r = pending.pop(done[0])
        try:
            entry, report = ray.get(done[0])
        except ray.exceptions.RayError as exc:  # the task or its worker failed: this file only
            entry, report = {"status": "error", "exit": 3, "error": f"{p.name}: the cluster's task failed "
                             f"({type(exc).__name__})"}, None
        entry["input"], entry["report"] = str(p), r.name
        if report is not None:
            report["input"] = p.name
            write_json(r, report)
        record(entry)
