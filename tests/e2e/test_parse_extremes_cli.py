"""`posecoach analyze` and `posecoach batch` given numbers and nesting at their extremes, a
profile or routine that is a FIFO or a device, and a frame size no frame may have: exit 2 and
one line naming the file, no traceback, no hang, nothing written.

Each run has 4 GiB of address space at most, so that a fault this guards against (reading
/dev/zero, drawing a 100000 x 100000 frame) fails in the child instead of filling the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT

HUGE = "1" + "0" * 400
ROW = "[0.5, 0.5, 0.0, 0.9]"


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def _run(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "posecoach.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, preexec_fn=_limited)


def _one_line(proc: subprocess.CompletedProcess, name: str, *words: str) -> None:
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert name in lines[0] and all(w in lines[0] for w in words), lines[0]


def _landmarks(path, width="640", height="480", fps="30.0", t_ms="0", x="0.5", measure="0.1"):
    rows = ", ".join([f"[{x}, 0.5, 0.0, 0.9]"] + [ROW] * 32)
    frames = [f'{{"t_ms": {t_ms}, "landmarks": [{rows}], "image_measures": {{"brightness": {measure}}}}}']
    frames += [f'{{"t_ms": {1000 + 40 * i}, "landmarks": [{", ".join([ROW] * 33)}]}}' for i in range(3)]
    path.write_text(f'{{"schema": 1, "kind": "landmarks", "width": {width}, "height": {height}, "fps": {fps}, '
                    f'"frames": [{", ".join(frames)}]}}')
    return path


@pytest.mark.parametrize("field, key", [("width", "width"), ("fps", "fps"), ("t_ms", "frames[0].t_ms"),
                                        ("x", "frames[0].landmarks"), ("measure", "frames[0].image_measures.brightness")])
def test_analyze_refuses_a_huge_integer_in_a_landmarks_file(tmp_path, field, key):
    src = _landmarks(tmp_path / "lm.json", **{field: HUGE})
    proc = _run("analyze", src, "--json", tmp_path / "r.json")
    _one_line(proc, "lm.json", key)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lm.json"]


@pytest.mark.parametrize("text, key", [(f"[lunge]\nhold_s = {HUGE}\n", "lunge.hold_s"),
                                       (f"[lunge.front_knee_90]\nband = [80, {HUGE}]\n", "lunge.front_knee_90.band"),
                                       (f"[lunge.front_knee_90]\nmargin = {HUGE}\n", "lunge.front_knee_90.margin")])
def test_analyze_refuses_a_huge_integer_in_a_profile(tmp_path, text, key):
    src = _landmarks(tmp_path / "lm.json")
    (tmp_path / "p.toml").write_text(text)
    proc = _run("analyze", src, "--profile", tmp_path / "p.toml", "--json", tmp_path / "r.json")
    _one_line(proc, "p.toml", key)
    assert not (tmp_path / "r.json").exists()


def test_batch_with_a_profile_of_huge_integers_names_it_and_is_not_aborted(tmp_path):
    import cv2

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.png", "b.png"):
        cv2.imwrite(str(folder / name), np.full((48, 64, 3), 90, np.uint8))
    (tmp_path / "p.toml").write_text(f"[lunge]\nhold_s = {HUGE}\n")
    out = tmp_path / "out"
    proc = _run("batch", folder, "--out", out, "--profile", tmp_path / "p.toml", "--workers", "1", "--quiet")
    assert "Traceback" not in proc.stderr and proc.returncode in (1, 2), proc.stderr[-2000:]
    if proc.returncode == 2:  # refused before any file: one line naming the profile
        _one_line(proc, "p.toml", "lunge.hold_s")
        return
    files = json.loads((out / "index.json").read_text())["files"]  # else every file carries the profile's fault
    assert len(files) == 2 and all(e["status"] == "error" and "p.toml" in e["error"] and "lunge.hold_s" in e["error"]
                                   for e in files.values()), files


def test_analyze_refuses_json_nested_100000_deep(tmp_path):
    src = tmp_path / "lm.json"
    src.write_text("[" * 100_000 + "]" * 100_000)
    _one_line(_run("analyze", src), "lm.json", "nested too deeply")


def test_analyze_refuses_a_profile_nested_thousands_deep(tmp_path):
    src = _landmarks(tmp_path / "lm.json")
    (tmp_path / "p.toml").write_text("[lunge.front_knee_90]\nband = " + "[" * 3000 + "]" * 3000 + "\n")
    _one_line(_run("analyze", src, "--profile", tmp_path / "p.toml"), "p.toml", "nested too deeply")


@pytest.mark.parametrize("option", ["--profile", "--routine"])
@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/null"])
def test_a_profile_or_routine_that_is_not_a_regular_file_is_refused_at_once(tmp_path, option, special):
    src = _landmarks(tmp_path / "lm.json")
    if special == "fifo":
        special = tmp_path / "p.toml"
        os.mkfifo(special)
    try:
        proc = _run("analyze", src, option, special, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{option} {special}: still waiting after 60 s")
    _one_line(proc, str(special), "not a regular file")


def test_a_frame_size_no_frame_may_have_is_refused_before_anything_is_drawn(tmp_path):
    src = _landmarks(tmp_path / "lm.json", width="100000", height="100000")
    proc = _run("analyze", src, "--json", tmp_path / "r.json", "--annotate", tmp_path / "o.mp4")
    _one_line(proc, "lm.json", "width x height", "megapixels")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lm.json"]
