"""Issue 19, round two, the environment, as a user meets it on the command line: a damaged copy
of the pose model (via POSECOACH_MODELS) and `posecoach serve` on an impossible address."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from posecoach.adapters.estimators.landmarker import load_verify_frame
from tests.e2e.media import write_video

ROOT = Path(__file__).resolve().parents[2]
BLOCKED_URL = "http://127.0.0.1:9/pose_landmarker_{v}.task"  # nothing listens on port 9: no download


def _run(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "posecoach.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=timeout)


def _one_line(proc: subprocess.CompletedProcess, code: int, *words: str) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == code, proc.stderr[-2000:]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def model_copy(tmp_path, full_model) -> Path:
    """A models folder with a copy of the provisioned full model and its manifest entry."""
    folder = tmp_path / "models"
    folder.mkdir()
    shutil.copy(full_model.path, folder / full_model.path.name)
    manifest = json.loads((full_model.path.parent / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({full_model.path.name: manifest[full_model.path.name]}))
    return folder / full_model.path.name


def _damage(bundle: Path, offset: int) -> None:
    """4 KB of other bytes at ``offset``: the file keeps its size."""
    size = bundle.stat().st_size
    with open(bundle, "r+b") as f:
        f.seek(offset)
        f.write(b"\x5a" * 4096)
    assert bundle.stat().st_size == size


@pytest.fixture
def photo(tmp_path) -> Path:
    path = tmp_path / "pose.png"
    cv2.imwrite(str(path), load_verify_frame()[:, :, ::-1])
    return path


@pytest.fixture
def clip(tmp_path) -> Path:
    path = tmp_path / "pose.mp4"
    frame = load_verify_frame()
    write_video(path, [frame] * 6)
    return path


def _env(bundle: Path) -> dict[str, str]:
    return {"POSECOACH_MODELS": str(bundle.parent), "POSECOACH_MODEL_URL": BLOCKED_URL}


def test_the_genuine_copy_is_used_and_its_sha256_reported(model_copy, photo, full_model):
    proc = _run("analyze", photo, "--quiet", env=_env(model_copy))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["model_sha256"] == full_model.sha256 == _sha256(model_copy)
    assert [f["pose"] for f in report["frames"]] == [True]


def test_a_model_damaged_inside_is_refused_not_run_with_no_pose(model_copy, photo, tmp_path):
    _damage(model_copy, model_copy.stat().st_size // 2)  # the weights: it would load, and find nobody
    damaged = _sha256(model_copy)
    out = tmp_path / "report.json"
    proc = _run("analyze", photo, "--json", out, env=_env(model_copy))
    _one_line(proc, 3, str(model_copy), "damaged", "--install full --force")
    assert not out.exists() and proc.stdout == ""
    assert _sha256(model_copy) == damaged  # refused, neither replaced nor repaired unasked


@pytest.mark.parametrize("how", ["image", "adaptive rate"])
def test_a_model_with_a_damaged_header_is_one_line_exit_3(model_copy, photo, clip, how):
    _damage(model_copy, 0)  # the zip's first header: the native loader raises on it
    args = [photo] if how == "image" else [clip, "--rate", "adaptive"]
    proc = _run("analyze", *args, "--quiet", env=_env(model_copy))
    _one_line(proc, 3, str(model_copy), "damaged")


@pytest.mark.parametrize(("args", "words"), [
    (["--port", "99999"], ["--port 99999", "65535"]),
    (["--port", "-1"], ["--port -1"]),
    (["--host", "999.1.1.1"], ["999.1.1.1", "not an IP address"]),
    (["--host", "not a host"], ["not a host", "not an address"]),
    (["--host", "192.0.2.1"], ["192.0.2.1", "not an address of this computer"]),  # TEST-NET-1: nobody's
])
def test_serve_on_an_impossible_address_is_one_line_exit_2(args, words):
    proc = _run("serve", *args, timeout=120)
    _one_line(proc, 2, *words)


def test_serve_on_a_port_another_program_holds_is_one_line_exit_3():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _run("serve", "--port", port, timeout=120)
    _one_line(proc, 3, f"127.0.0.1:{port}", "another program")
