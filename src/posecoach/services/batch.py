"""`posecoach batch`: analyse many recordings, one report each plus an index.

Resumable: a file whose report exists is skipped, and reports are written atomically, so a
crash mid-file leaves no partial report; a report written by a run that ended before indexing
it is indexed by the next run. Locally a process pool sized to the cores does the work; with
``--ray ADDRESS`` each file is one task on a Ray cluster (the recordings travel to that
cluster) and the reports are gathered into the output folder.

A report's name is the recording's path below the input folder (or below a glob's fixed
folder), extension kept, its folders joined by ``__`` and ``.json`` added:
``clinic_b/anna.mp4`` gives ``clinic_b__anna.mp4.json``. Within a part, ``%`` and ``~`` and
any ``_`` that could be read as part of a joint (one at either end, or two or more together)
are written ``%25``, ``%7E`` and ``%5F``, so the name is one-to-one with the path and the same
on every run; a name past 200 bytes is cut and ends in ``~`` and a hash of the path. A report
named by an earlier posecoach (``clinic_b__anna.json``) still counts as done when the index
says which recording it is of.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.util
import json
import os
import re
import socket
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, fields
from pathlib import Path

from posecoach.adapters.outputs import discard, temp_beside, write_json
from posecoach.adapters.video import IMAGE_EXTS, VIDEO_EXTS
from posecoach.services.errors import BatchError

MEDIA = VIDEO_EXTS | IMAGE_EXTS
MAX_NAME_BYTES = 200  # under NAME_MAX (255), with room for the temporary name written first
RAY_REACH_TIMEOUT_S = 5.0  # before Ray's own retries, which go on for minutes
RAY_CLIENT_PORT = 10001  # Ray's default for ray://host



@dataclass(frozen=True)
class BatchRequest:
    """A batch: ``inputs`` a folder (searched recursively) or a glob; ``out`` the folder of the
    reports and index.json; the analysis options as for ``AnalyseRequest``; ``workers``
    processes, one recording each (None: one per core); ``ray`` a Ray cluster's address (None:
    this machine); ``quiet`` no progress messages."""

    inputs: str
    out: str
    exercise: str | None = "auto"
    model: str = "full"
    profile: str | None = "beginner"
    exact: bool = False
    stride: int | None = None
    rate: str | None = None
    max_side: int | None = None
    workers: int | None = None
    ray: str | None = None
    quiet: bool = False

    @classmethod
    def from_options(cls, options: object) -> BatchRequest:
        """From an object with these names as attributes (the command line's parsed options)."""
        return cls(**{f.name: getattr(options, f.name) for f in fields(cls) if hasattr(options, f.name)})

    def analysis_options(self) -> dict:
        """The options each recording is analysed with (``AnalyseRequest`` fields; a plain
        dict, sent to the pool's processes and the Ray tasks)."""
        return {"exercise": self.exercise, "model": self.model, "profile": self.profile, "stride": self.stride,
                "rate": self.rate, "max_side": self.max_side, "exact": self.exact}


@dataclass
class Inputs:
    """The recordings found, what their report names are relative to, and the folders that could not be read."""

    files: list[Path]
    root: Path
    legacy_root: Path | None = None  # what an earlier posecoach named reports relative to (None: the file name)
    unreadable: dict[str, str] = field(default_factory=dict)  # folder -> why


def find_inputs(spec: str) -> Inputs:
    """Recordings in a folder (recursively, noting any subfolder that cannot be read) or matching a glob, sorted."""
    p = Path(spec)
    if not p.is_dir():
        files = [Path(f) for f in glob.glob(spec, recursive=True) if Path(f).suffix.lower() in MEDIA]
        return Inputs(sorted(files), _glob_root(spec))
    unreadable: dict[str, str] = {}

    def note(exc: OSError) -> None:
        unreadable[str(exc.filename)] = exc.strerror or type(exc).__name__

    files = []
    for folder, _dirs, names in os.walk(p, onerror=note):
        files += [Path(folder, n) for n in names
                  if Path(n).suffix.lower() in MEDIA and os.path.isfile(os.path.join(folder, n))]
    return Inputs(sorted(files), p, p, unreadable)


def _glob_root(spec: str) -> Path:
    """The folder a glob's matches are below: its leading parts without a wildcard."""
    fixed = []
    for part in Path(spec).parts[:-1]:
        if re.search(r"[*?[]", part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _escape(part: str) -> str:
    """A path part with no ``__`` in it, no ``_`` at either end, and ``%`` and ``~`` escaped."""
    s = part.replace("%", "%25").replace("~", "%7E")

    def underscores(m: re.Match) -> str:
        lone_inside = len(m.group()) == 1 and 0 < m.start() and m.end() < len(s)
        return m.group() if lone_inside else "%5F" * len(m.group())

    return re.sub(r"_+", underscores, s)


def report_name(path: Path, root: Path) -> str:
    """The report's file name: one-to-one with the path below ``root``, and the same on every run."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = Path(os.path.abspath(path)).parts[1:]
    name = "__".join(_escape(p) for p in parts) + ".json"
    if len(os.fsencode(name)) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.sha256(os.fsencode("/".join(parts))).hexdigest()[:16]
    keep = name[:MAX_NAME_BYTES]
    while len(os.fsencode(keep)) > MAX_NAME_BYTES - len(digest) - 6:
        keep = keep[:-1]
    return f"{keep}~{digest}.json"


def _legacy_name(path: Path, root: Path | None) -> str:
    """The name an earlier posecoach gave the report (not one-to-one: used only to resume)."""
    rel = path.relative_to(root) if root and path.is_relative_to(root) else Path(path.name)
    return "__".join(rel.with_suffix("").parts) + ".json"


def _summary_fields(rep: dict) -> dict:
    return {"exercise": rep["exercise"], "frames": rep["summary"]["frames"],
            "pose_frames": rep["summary"]["pose_frames"], "holds": rep["summary"]["holds"]}


def analyse_one(path: str, out_json: str, options: dict) -> dict:
    """Analyse one file into ``out_json``; return an index entry (never raises for bad input).
    ``options``: ``AnalyseRequest`` fields; its "workers" are processes for this one recording
    (1 by default, while the pool runs one recording per core)."""
    from posecoach.services.analyse_file import AnalyseRequest, failure, run_analysis

    req = AnalyseRequest(**{"input": path, "json_out": out_json, "quiet": True, "workers": 1, **options})
    t0 = time.perf_counter()
    message = None
    try:
        code = run_analysis(req)
    except Exception as exc:
        said = failure(exc, path)
        if said is None:
            raise
        code, message = said
    entry = {"input": path, "report": Path(out_json).name, "status": "ok" if code == 0 else "error",
             "exit": code, "seconds": round(time.perf_counter() - t0, 2)}
    if code != 0:
        entry["error"] = f"posecoach: {message}" if message else f"exit {code}"  # as the command would say it
        return entry
    entry.update(_summary_fields(json.loads(Path(out_json).read_text())))
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


def _open_out(out: Path) -> None:
    """The output folder, made if new; one line if it is a file or cannot be made."""
    if out.exists() and not out.is_dir():
        raise BatchError(f"--out {out}: is a file, not a folder", 2)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"--out {out}: cannot make the folder ({exc.strerror or exc})", 3) from None


def _is_index(doc: object) -> bool:
    files = doc.get("files") if isinstance(doc, dict) else None
    return (isinstance(doc, dict) and doc.get("kind") == "batch-index" and isinstance(files, dict)
            and all(isinstance(e, dict) and isinstance(e.get("status"), str) and isinstance(e.get("input", ""), str)
                    for e in files.values()))


def _load_index(path: Path) -> dict:
    """The index of an earlier run, or a new one; anything else there is refused and kept as it is."""
    if not os.path.lexists(path):
        return {"schema": 1, "kind": "batch-index", "files": {}}
    hint = "move it away or choose another --out"
    if not path.is_file():
        raise BatchError(f"{path}: is not a file but is where the batch index goes; {hint}", 2)
    try:
        doc = json.loads(path.read_bytes())
    except OSError as exc:
        raise BatchError(f"{path}: cannot be read ({exc.strerror or exc})", 2) from None
    except (ValueError, RecursionError):
        doc = None
    if not _is_index(doc):
        raise BatchError(f"{path}: is not a posecoach batch index; {hint}", 2)
    return doc


def _plan(inputs: Inputs, out: Path, index: dict) -> tuple[list[tuple[Path, Path]], list[tuple[Path, Path]]]:
    """(done, to do): each recording with its report. An earlier posecoach's report of it counts as
    done when the index says it is of this recording."""
    done, todo = [], []
    for p in inputs.files:
        r = out / report_name(p, inputs.root)
        if not r.is_file():
            old = out / _legacy_name(p, inputs.legacy_root)
            entry = index["files"].get(old.name)
            if old.is_file() and entry and entry.get("input") == str(p):
                r = old
        (done if r.is_file() else todo).append((p, r))
    return done, todo


def _entry_from_report(p: Path, r: Path) -> dict:
    """An index entry for a report already there (one line of error if it is not a report)."""
    try:
        rep = json.loads(r.read_bytes())
        if rep["kind"] != "report":
            raise ValueError("not a report")
        return {"input": str(p), "report": r.name, "status": "ok", "exit": 0, **_summary_fields(rep)}
    except (OSError, ValueError, RecursionError, KeyError, TypeError):
        return {"input": str(p), "report": r.name, "status": "error", "exit": 2,
                "error": f"{r}: is not a posecoach report; move it away to analyse {p} again"}


def _tidy_index(done: list[tuple[Path, Path]], todo: list[tuple[Path, Path]], index: dict) -> None:
    """Index the reports there that the index lacks (a run ended between writing one and indexing
    it), and drop the entries of an earlier posecoach, under old names, for recordings to analyse."""
    files = index["files"]
    for p, r in done:
        entry = files.get(r.name)
        if not entry or entry.get("status") != "ok":
            files[r.name] = _entry_from_report(p, r)
    again = {str(p): r.name for p, r in todo}
    for key in [k for k, e in files.items() if again.get(e.get("input"), k) != k]:
        del files[key]


def _ray_address(address: str) -> tuple[str, int] | None:
    """Host and port of a Ray address (None for auto, local and another module's scheme); one
    line if it is not one."""
    scheme, sep, rest = address.rpartition("://")
    if scheme in ("http", "https"):
        raise BatchError(f"--ray {address}: not a Ray address (an http address is the dashboard's: give the "
                         "cluster's host:6379, ray://host:10001 or auto)", 2)
    if address in ("auto", "local") or (sep and scheme != "ray"):
        return None
    try:
        parts = urllib.parse.urlsplit("//" + rest)
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if port is None and scheme == "ray":
        port = RAY_CLIENT_PORT
    if not host or port is None or parts.path:
        raise BatchError(f"--ray {address}: not a Ray address (give host:port, ray://host:port or auto)", 2)
    return host, port


def _check_ray(address: str) -> None:
    """Fail in one line before Ray is handed the address: Ray missing, a ray:// address without
    Ray's client extra, or a cluster that does not answer within a few seconds."""
    if importlib.util.find_spec("ray") is None:
        raise BatchError("--ray needs the ray extra: pip install 'posecoach[ray]'", 3)
    where = _ray_address(address)
    if address.startswith("ray://") and importlib.util.find_spec("grpc") is None:
        raise BatchError(f"--ray {address}: a ray:// address needs Ray's client extra: pip install 'ray[client]' "
                         "(or give the cluster's own address, host:6379)", 3)
    if where is None:
        return
    try:
        socket.create_connection(where, timeout=RAY_REACH_TIMEOUT_S).close()
    except OSError as exc:
        why = exc.strerror or ("timed out" if isinstance(exc, TimeoutError) else type(exc).__name__)
        raise BatchError(f"--ray {address}: cannot reach the cluster ({why})", 3) from None


def _connect_ray(address: str):
    """Ray, connected to the cluster; and whether this call connected it (so should disconnect)."""
    import ray

    if ray.is_initialized():
        return ray, False
    try:
        ray.init(address=address, log_to_driver=False)
    except Exception as exc:  # Ray's own reasons: no cluster running for auto, a version mismatch...
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise BatchError(f"--ray {address}: cannot connect to the cluster ({first})", 3) from None
    return ray, True


def run_batch(req: BatchRequest) -> int:
    """The ``batch`` command: its exit status (0 all analysed, 1 some failed, 2 bad input, 3 environment)."""
    from posecoach.adapters.console import EXIT_ENV, EXIT_INPUT, say
    from posecoach.adapters.outputs import OutputError
    from posecoach.adapters.video import InputError

    try:
        return _run(req)
    except BatchError as exc:
        say(str(exc))
        return exc.code
    except InputError as exc:
        say(str(exc))
        return EXIT_INPUT
    except OutputError as exc:
        say(str(exc))
        return EXIT_ENV


def _run(req: BatchRequest) -> int:
    from posecoach.adapters.console import say
    from posecoach.services.analyse_file import AnalyseRequest, analysis_plan

    analysis_plan(AnalyseRequest(input=req.inputs, **{**req.analysis_options(), "workers": 1}))
    inputs = find_inputs(req.inputs)
    if str(inputs.root) in inputs.unreadable:
        raise BatchError(f"{req.inputs}: cannot be read ({inputs.unreadable[str(inputs.root)]})", 2)
    for folder, why in inputs.unreadable.items():
        say(f"{folder}: cannot be read ({why}); the recordings in it are not analysed")
    if not inputs.files:
        raise BatchError(f"{req.inputs}: no videos or images found", 2)
    if req.ray:
        _check_ray(req.ray)
    out = Path(req.out)
    _open_out(out)
    index_path = out / "index.json"
    index = _load_index(index_path)
    done, todo = _plan(inputs, out, index)
    _tidy_index(done, todo, index)
    index["unreadable_folders"] = inputs.unreadable
    discard(temp_beside(index_path, ".json"))  # an index that cannot be written stops the run before it starts
    if not req.quiet:
        say(f"{len(inputs.files)} recordings, {len(done)} already done, {len(todo)} to analyse")
    progress = Progress(len(todo), req.quiet)

    def record(entry: dict) -> None:
        index["files"][entry["report"]] = entry
        write_json(index_path, index)
        progress.tick(Path(entry["input"]).name, entry["status"])

    if not todo:
        write_json(index_path, index)
    elif req.ray:
        _run_ray(req.ray, todo, req.analysis_options(), record)
    else:
        _run_local(todo, req.analysis_options(), req.workers or os.cpu_count() or 1, record)
    failed = sum(1 for e in index["files"].values() if e["status"] != "ok")
    return 0 if failed == 0 and not inputs.unreadable else 1


def _run_local(todo: list[tuple[Path, Path]], options: dict, workers: int, record: Callable[[dict], None]) -> None:
    if workers == 1 or len(todo) == 1:
        # One recording at a time: it has the cores to itself (the default review cuts it in
        # one segment per worker; --exact keeps its model process).
        one = {**options, "workers": None if options.get("exact") else workers}
        for p, r in todo:
            record(analyse_one(str(p), str(r), one))
        return
    # the model already uses threads; one worker per core keeps them busy without thrashing
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        futures = [pool.submit(analyse_one, str(p), str(r), options) for p, r in todo]
        for fut in as_completed(futures):
            record(fut.result())
    finally:  # stopped early (the index cannot be written, Ctrl-C): the files not started are not
        pool.shutdown(wait=True, cancel_futures=True)


def _run_ray(address: str, todo: list[tuple[Path, Path]], options: dict, record: Callable[[dict], None]) -> None:
    """One Ray task per recording, at most two per CPU of the cluster in flight: a recording is
    read and sent only when a place frees, so hundreds of them never sit in memory at once."""
    ray, connected_here = _connect_ray(address)
    try:
        _ray_tasks(ray, todo, options, record)
    finally:
        if connected_here:
            ray.shutdown()


def _ray_tasks(ray, todo: list[tuple[Path, Path]], options: dict, record: Callable[[dict], None]) -> None:
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
