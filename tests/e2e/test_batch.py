"""`posecoach batch`: one report per recording plus an index, resumable, locally and on Ray."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture()
def recordings(tmp_path):
    src = tmp_path / "in"
    (src / "clinic_b").mkdir(parents=True)
    shutil.copy(SAMPLES / "lunge_kneeling_ok_a.mp4", src / "anna.mp4")
    shutil.copy(SAMPLES / "lunge_kneeling_ok_a.mp4", src / "clinic_b" / "anna.mp4")  # same name, other folder
    (src / "broken.mp4").write_text("not a video")
    return src


def test_batch_reports_each_file_and_resumes(posecoach, recordings, tmp_path, full_model):
    out = tmp_path / "out"
    r = posecoach("batch", recordings, "--out", out, "--exercise", "lunge", "--workers", "2")
    assert r.code == 1  # one input was broken
    index = json.loads((out / "index.json").read_text())["files"]
    assert sorted(index) == ["anna.mp4.json", "broken.mp4.json", "clinic_b__anna.mp4.json"]
    assert index["broken.mp4.json"]["status"] == "error" and "broken.mp4" in index["broken.mp4.json"]["error"]
    assert not (out / "broken.mp4.json").exists()
    for name in ("anna.mp4.json", "clinic_b__anna.mp4.json"):
        rep = json.loads((out / name).read_text())
        assert rep["kind"] == "report" and rep["exercise"] == "lunge"
        assert index[name]["frames"] == rep["summary"]["frames"] > 0
    assert not list(out.glob(".*partial*"))
    before = (out / "anna.mp4.json").stat().st_mtime_ns
    again = posecoach("batch", recordings, "--out", out, "--exercise", "lunge")
    assert "2 already done, 1 to analyse" in again.err
    assert (out / "anna.mp4.json").stat().st_mtime_ns == before


def test_batch_on_a_local_ray_instance(recordings, tmp_path, full_model):
    ray = pytest.importorskip("ray", reason="the ray extra is not installed")
    from posecoach.services.batch import BatchRequest, run_batch

    shutil.copy(SAMPLES / "cobra_beginner_ok.mp4", recordings / "ben.mp4")
    out = tmp_path / "ray_out"
    # One CPU: two tasks in flight at most, so the third recording is sent when one is done.
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        req = BatchRequest(inputs=str(recordings), out=str(out), exercise=None, model="full", profile="beginner",
                           stride=1, workers=None, ray="auto", quiet=True)
        assert run_batch(req) == 1  # the broken recording
    finally:
        ray.shutdown()
    index = json.loads((out / "index.json").read_text())["files"]
    assert sorted(index) == ["anna.mp4.json", "ben.mp4.json", "broken.mp4.json", "clinic_b__anna.mp4.json"]
    assert index["broken.mp4.json"]["status"] == "error" and not (out / "broken.mp4.json").exists()
    rep = json.loads((out / "anna.mp4.json").read_text())
    assert rep["input"] == "anna.mp4" and rep["summary"]["frames"] > 0 and rep["exercise"] == "lunge"
    assert json.loads((out / "ben.mp4.json").read_text())["exercise"] == "cobra"


def test_batch_shows_a_progress_bar(posecoach, recordings, tmp_path, full_model):
    (recordings / "broken.mp4").unlink()
    r = posecoach("batch", recordings, "--out", tmp_path / "out", "--exercise", "lunge", "--workers", "1")
    assert r.code == 0, r.err
    assert "2 recordings, 0 already done, 2 to analyse" in r.err
    bar = r.err.strip().splitlines()[-1].split("\r")[-1]
    assert bar.startswith("[" + "#" * 30 + "] 2/2") and "/min" in bar


def test_a_batch_killed_mid_file_leaves_no_partial_report_and_resumes(recordings, tmp_path, full_model):
    import os
    import signal
    import subprocess
    import sys
    import time

    (recordings / "broken.mp4").unlink()
    for i in range(2):
        shutil.copy(recordings / "anna.mp4", recordings / f"more_{i}.mp4")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "posecoach.cli", "batch", str(recordings), "--out", str(out), "--exercise", "lunge",
           "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        # index.json is written first; wait for a whole report and its index entry
        while not [p for p in out.glob("[!.]*.json") if p.name != "index.json"] or not (out / "index.json").exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the batch ended before it could be killed"
            time.sleep(0.05)
        time.sleep(1.0)  # well into the next recording
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    reports = [p for p in out.glob("*.json") if p.name != "index.json"]
    assert 1 <= len(reports) < 4
    for p in reports:  # every report there is whole
        rep = json.loads(p.read_text())
        assert rep["kind"] == "report" and rep["summary"]["frames"] > 0
    index = json.loads((out / "index.json").read_text())["files"]
    assert set(index) <= {p.name for p in reports}
    again = subprocess.run(cmd[:-1], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"4 recordings, {len(reports)} already done, {4 - len(reports)} to analyse" in again.stderr
    index = json.loads((out / "index.json").read_text())["files"]
    assert len(index) == 4 and all(e["status"] == "ok" for e in index.values())
