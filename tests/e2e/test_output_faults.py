"""Outputs that cannot be written: a read-only folder, a full disk, a file size limit. Exit 3,
one line naming the output, no traceback, and no half-written file left behind."""

from __future__ import annotations

import json
import subprocess
import sys

from tests import faults
from tests.conftest import ROOT
from tests.e2e.media import sample_frames, write_video


def _landmarks_file(path, frames: int = 400):
    doc = {"schema": 1, "kind": "landmarks", "width": 640, "height": 480, "fps": 25.0, "model": "full",
           "frames": [{"t_ms": i * 40, "landmarks": None, "image_measures": {}} for i in range(frames)]}
    path.write_text(json.dumps(doc))
    return path


def _one_line(proc, name: str, words: str) -> None:
    assert proc.returncode == 3, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert name in lines[0] and words in lines[0], lines[0]


def _analyze(*args, preexec=None):
    return subprocess.run([sys.executable, "-m", "posecoach.cli", "analyze", *map(str, args)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT, preexec_fn=preexec)


def test_a_report_into_a_read_only_folder(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    with faults.read_only_folder(tmp_path / "ro") as how:
        proc = _analyze(src, "--json", tmp_path / "ro" / "r.json")
        _one_line(proc, "r.json", "cannot write here")
        assert list((tmp_path / "ro").iterdir()) == [], how


def test_a_report_onto_a_full_disk_leaves_no_partial_file(tmp_path):
    src = _landmarks_file(tmp_path / "s.json", 2000)
    with faults.full_disk(tmp_path / "small", 16) as mounted:
        if not mounted:
            import pytest

            pytest.skip("a tmpfs needs root: the file size limit tests cover this case")
        proc = _analyze(src, "--json", tmp_path / "small" / "r.json")
        _one_line(proc, "r.json", "No space left on device")
        assert list((tmp_path / "small").iterdir()) == []


def test_a_report_and_landmarks_past_a_file_size_limit_leave_no_partial_file(tmp_path):
    src = _landmarks_file(tmp_path / "s.json", 2000)
    out = tmp_path / "out"
    out.mkdir()
    proc = _analyze(src, "--json", out / "r.json", preexec=faults.file_size_limit(20_000))
    _one_line(proc, "r.json", "File too large")
    proc = _analyze(src, "--landmarks-out", out / "l.json", preexec=faults.file_size_limit(20_000))  # report: stdout
    _one_line(proc, "l.json", "File too large")
    assert proc.stdout == ""  # no report either: the run failed
    assert list(out.iterdir()) == []


def test_an_overlay_video_past_a_file_size_limit_leaves_no_partial_file(tmp_path, full_model):
    clip = write_video(tmp_path / "clip.mp4", [f.rgb for f in sample_frames("lunge_kneeling_ok_a", 30)])
    out = tmp_path / "out"
    out.mkdir()
    proc = _analyze(clip, "--quiet", "--exercise", "lunge", "--annotate", out / "o.mp4", "--json", out / "r.json",
                    preexec=faults.file_size_limit(12_000))
    _one_line(proc, "o.mp4", "File too large")
    assert list(out.iterdir()) == []
