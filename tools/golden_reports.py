"""Golden reports: what posecoach writes for a fixed set of inputs, to prove that a change of
layout changed nothing a user or a script can see.

    python tools/golden_reports.py write DIR    # the baseline, on the unchanged tree
    python tools/golden_reports.py check DIR    # after a change: every output byte for byte

Each case runs the installed ``posecoach`` command (or, for the stored-session path, the
package's own functions) on the sample clips and keeps its outputs: the report JSON, the
landmarks file, an overlay image, the batch index (without its ``seconds``), standard error
and the exit status of each user mistake. ``check`` prints the cases that differ and exits 1.
The baseline is machine-specific (the model's floating point): write and check it on the same
machine, and run ``write`` twice on an unchanged tree first to see that the set is stable.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
POSECOACH = str(Path(sys.executable).with_name("posecoach"))

CLIPS = ("lunge_kneeling_ok_a", "lunge_kneeling_lumbar_arch", "cobra_beginner_hips_up", "glute_bridge_overarch",
         "pigeon_ok_front", "edge_hang_lumbar_arch", "transition_standing_to_lunge", "standing_walk_in_place")
OPTIONS = {  # case suffix -> (clip, extra arguments)
    "workers2": ("transition_standing_to_lunge", ["--workers", "2"]),
    "exact": ("cobra_beginner_hips_up", ["--exact"]),
    "fixed3": ("lunge_kneeling_ok_a", ["--rate", "fixed", "--stride", "3"]),
    "side320": ("lunge_kneeling_lumbar_arch", ["--max-side", "320"]),
    "routine": ("transition_standing_to_lunge", ["--routine", "quick"]),
}


def _run(args: list[str], cwd: Path, stdout_closed: bool = False) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of ``posecoach args``."""
    if stdout_closed:
        proc = subprocess.run(["sh", "-c", 'exec "$0" "$@" >&-', POSECOACH, *args], cwd=cwd, capture_output=True,
                              text=True)
    else:
        proc = subprocess.run([POSECOACH, *args], cwd=cwd, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr.replace(str(cwd), "<work>")


def _analyse(work: Path, out: dict[str, bytes]) -> None:
    for clip in CLIPS:
        rc, _, err = _run(["analyze", str(SAMPLES / f"{clip}.mp4"), "--quiet", "--json", f"{clip}.json",
                           "--landmarks-out", f"{clip}.landmarks.json"], work)
        out[f"analyze/{clip}.json"] = (work / f"{clip}.json").read_bytes()
        out[f"analyze/{clip}.landmarks.json"] = (work / f"{clip}.landmarks.json").read_bytes()
        out[f"analyze/{clip}.status"] = f"{rc}\n{err}".encode()
        rc, _, err = _run(["analyze", f"{clip}.landmarks.json", "--quiet", "--json", f"{clip}.replay.json"], work)
        out[f"replay/{clip}.json"] = (work / f"{clip}.replay.json").read_bytes()
        out[f"replay/{clip}.status"] = f"{rc}\n{err}".encode()
    for name, (clip, extra) in OPTIONS.items():
        rc, stdout, err = _run(["analyze", str(SAMPLES / f"{clip}.mp4"), "--quiet", *extra], work)
        out[f"options/{clip}.{name}.json"] = stdout.encode()
        out[f"options/{clip}.{name}.status"] = f"{rc}\n{err}".encode()


def _still(work: Path, out: dict[str, bytes]) -> None:
    import av
    import cv2

    with av.open(str(SAMPLES / "lunge_kneeling_ok_a.mp4")) as container:
        frame = next(container.decode(video=0))
        cv2.imwrite(str(work / "still.png"), frame.to_ndarray(format="bgr24"))
    rc, stdout, err = _run(["analyze", "still.png", "--quiet", "--annotate", "still.annotated.png"], work)
    out["still/report.json"] = stdout.encode()
    out["still/annotated.png"] = (work / "still.annotated.png").read_bytes()
    out["still/status"] = f"{rc}\n{err}".encode()


def _batch(work: Path, out: dict[str, bytes]) -> None:
    inputs = work / "batch_in"
    inputs.mkdir()
    for clip in ("lunge_kneeling_ok_a", "cobra_beginner_hips_up", "glute_bridge_overarch"):
        shutil.copyfile(SAMPLES / f"{clip}.mp4", inputs / f"{clip}.mp4")
    (inputs / "broken.mp4").write_bytes(b"not a video at all")
    rc, _, err = _run(["batch", str(inputs), "--out", "batch_out", "--workers", "1", "--quiet"], work)
    out["batch/status"] = f"{rc}\n{err}".encode()
    for path in sorted((work / "batch_out").rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.name == "index.json":
            index = json.loads(data)
            _drop(index, "seconds")
            data = json.dumps(index, sort_keys=True, indent=1).replace(str(work), "<work>").encode()
        out[f"batch/{path.relative_to(work / 'batch_out')}"] = data


def _drop(node: object, key: str) -> None:
    if isinstance(node, dict):
        node.pop(key, None)
        for value in node.values():
            _drop(value, key)
    elif isinstance(node, list):
        for value in node:
            _drop(value, key)


def _module(*names: str):
    """The first of ``names`` that imports: a module keeps its contract while it moves."""
    for name in names:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    raise ModuleNotFoundError(names[0])


def _stored(work: Path, out: dict[str, bytes]) -> None:
    """A clip analysed into a fresh store as the Review page's upload does, then reviewed."""
    ingest = _module("posecoach.services.ingest", "posecoach.services.ingest")
    review = _module("posecoach.reports.review", "posecoach.reports.review")
    store_mod = _module("posecoach.adapters.store")
    files = _module("posecoach.adapters.landmarks_file")
    models = _module("posecoach.adapters.models")
    catalogue_mod = _module("posecoach.exercises.catalogue")

    catalogue = catalogue_mod.load_catalogue("beginner")
    store = store_mod.Store(work / "store.sqlite3")
    person = store.add_person("golden").id
    sid = ingest.analyse_into_store(SAMPLES / "lunge_kneeling_ok_a.mp4", store, person, catalogue, None,
                                    models.provision("full"), keep_video=False)
    stored = store.load_session(sid)
    info = stored.info
    observations = review.observe(((f.t_ms, f.landmarks, f.image_measures) for f in stored.frames), info.width,
                                  info.height, catalogue, None)
    rv = review.review(observations, catalogue)
    out["stored/report.json"] = json.dumps(rv.report("clip.mp4", info.width, info.height, info.fps, info.model,
                                                     info.model_sha256, None), sort_keys=True).encode()
    out["stored/frames.csv"] = rv.csv_text().encode()
    document = getattr(files, "landmarks_document", None) or store_mod.landmarks_document
    out["stored/landmarks.json"] = json.dumps(document(stored), sort_keys=True).encode()


def _mistakes(work: Path, out: dict[str, bytes]) -> None:
    (work / "empty.mp4").write_bytes(b"")
    clip = str(SAMPLES / "lunge_kneeling_ok_a.mp4")
    cases = {
        "missing": ["analyze", "no_such_file.mp4"],
        "empty": ["analyze", "empty.mp4"],
        "stride0": ["analyze", clip, "--stride", "0"],
        "exercise": ["analyze", clip, "--exercise", "handstand"],
        "json_is_input": ["analyze", clip, "--json", clip],
        "gif_overlay": ["analyze", clip, "--annotate", "x.gif"],
    }
    for name, args in cases.items():
        rc, stdout, err = _run(args, work)
        out[f"mistakes/{name}"] = f"{rc}\n{stdout}\n{err}".encode()
    rc, _, err = _run(["analyze", clip, "--quiet"], work, stdout_closed=True)
    out["mistakes/stdout_closed"] = f"{rc}\n{err}".encode()


CASES: dict[str, Callable[[Path, dict[str, bytes]], None]] = {
    "analyse": _analyse, "still": _still, "batch": _batch, "stored": _stored, "mistakes": _mistakes,
}


def outputs() -> dict[str, bytes]:
    """Every case's outputs, by name."""
    out: dict[str, bytes] = {}
    env_data = tempfile.mkdtemp(prefix="golden-data-")
    os.environ["POSECOACH_DATA"] = env_data  # never the user's own store
    try:
        for name, case in CASES.items():
            with tempfile.TemporaryDirectory(prefix=f"golden-{name}-") as tmp:
                case(Path(tmp), out)
    finally:
        shutil.rmtree(env_data, ignore_errors=True)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("write", "check"):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        print("usage: golden_reports.py write|check DIR", file=sys.stderr)
        return 2
    mode, folder = argv[0], Path(argv[1])
    got = outputs()
    if mode == "write":
        shutil.rmtree(folder, ignore_errors=True)
        for name, data in got.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        print(f"wrote {len(got)} outputs to {folder}")
        return 0
    want = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    differ = sorted(n for n in set(want) | set(got) if want.get(n) != got.get(n))
    for name in differ:
        a, b = want.get(name), got.get(name)
        print(f"differs: {name} ({'absent' if a is None else hashlib.sha256(a).hexdigest()[:12]} -> "
              f"{'absent' if b is None else hashlib.sha256(b).hexdigest()[:12]})")
    print(f"{len(got) - len(differ)} of {len(set(want) | set(got))} outputs the same")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
