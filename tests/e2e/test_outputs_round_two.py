"""Outputs, round two (issue 19): nothing but a regular file is replaced (a pipe or a device is
written through, a folder or a block device refused), no two outputs on one file, every
termination signal ends as Ctrl-C does, standard output closed or failing, long names,
unreadable inputs. One line, no traceback, no partial or replaced file."""

from __future__ import annotations

import ctypes
import json
import os
import signal
import stat
import subprocess
import sys
import time

import cv2
import numpy as np
import pytest

from tests.conftest import ROOT
from tests.e2e.test_bad_input import write_clip


def _landmarks_file(path, frames: int = 50):
    doc = {"schema": 1, "kind": "landmarks", "width": 640, "height": 480, "fps": 25.0, "model": "full",
           "frames": [{"t_ms": i * 40, "landmarks": None, "image_measures": {}} for i in range(frames)]}
    path.write_text(json.dumps(doc))
    return path


def _cli(*args: object) -> list[str]:
    return [sys.executable, "-m", "posecoach.cli", *map(str, args)]


def _run(*args: object, **how) -> subprocess.CompletedProcess:
    """``posecoach analyze *args``, its output captured unless ``how`` says otherwise."""
    if "stdout" not in how and "stderr" not in how:
        how["capture_output"] = True
    return subprocess.run(_cli("analyze", *args), text=True, timeout=300, cwd=ROOT, **how)


def _one_line(proc, code: int, *words: str) -> str:
    assert proc.returncode == code, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


# --- cause 3: outputs renamed over what is there -------------------------------------------------


def test_a_report_into_a_fifo_is_written_through_and_the_fifo_stays(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there: the writer's open does not wait
    try:
        proc = _run(src, "--json", fifo)
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file"
        assert proc.returncode == 0, proc.stderr
        data = b""
        while chunk := os.read(reader, 1 << 16):
            data += chunk
    finally:
        os.close(reader)
    assert json.loads(data)["kind"] == "report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "s.json"]


def test_a_link_to_standard_output_is_written_through_and_the_link_stays(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    link = tmp_path / "report.json"
    link.symlink_to("/dev/stdout")
    proc = _run(src, "--json", link)
    assert link.is_symlink() and os.readlink(link) == "/dev/stdout"
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["kind"] == "report"


def test_a_link_to_dev_full_fails_with_one_line_and_stays_a_link(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    link = tmp_path / "report.json"
    link.symlink_to("/dev/full")
    proc = _run(src, "--json", link)
    assert link.is_symlink() and stat.S_ISCHR(os.stat(link).st_mode)
    _one_line(proc, 3, "report.json", "No space left on device")


def test_a_link_to_a_regular_file_replaces_the_file_and_keeps_the_link(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "real.json"
    real.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    proc = _run(src, "--json", link)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and json.loads(real.read_text())["kind"] == "report"
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["real.json"]


def test_a_folder_a_folder_name_and_a_pipe_for_the_overlay_are_refused(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    (tmp_path / "d").mkdir()
    os.mkfifo(tmp_path / "o.png")
    _one_line(_run(src, "--json", tmp_path / "d"), 2, "d", "is a folder")
    _one_line(_run(src, "--json", f"{tmp_path / 'newdir'}/"), 2, "newdir/", "folder's name")
    _one_line(_run(src, "--annotate", tmp_path / "o.png"), 2, "o.png", "is a pipe or a device")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "o.png").st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "o.png", "s.json"]
    assert list((tmp_path / "d").iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_block_device_is_refused_and_stays(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    node = tmp_path / "disk.json"
    os.mknod(node, 0o600 | stat.S_IFBLK, os.makedev(7, 250))  # a loop device number: nothing is opened
    _one_line(_run(src, "--json", node), 2, "disk.json", "block device")
    assert stat.S_ISBLK(os.lstat(node).st_mode)


# --- cause 4: two outputs on one file, an output that is the input -------------------------------


@pytest.mark.parametrize("options, name", [
    (("--json", "x.json", "--landmarks-out", "x.json"), "x.json"),
    (("--json", "a.png", "--annotate", "a.png"), "a.png"),
    (("--json", "r.json", "--landmarks-out", "sub/../r.json"), "r.json"),
])
def test_two_outputs_on_one_file_are_refused(tmp_path, options, name):
    src = _landmarks_file(tmp_path / "s.json")
    (tmp_path / "sub").mkdir()
    args = [tmp_path / o if not o.startswith("--") else o for o in options]
    _one_line(_run(src, *args), 2, name, "same file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json", "sub"]


def test_an_output_on_the_report_s_standard_output_file_is_refused(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    out = tmp_path / "r.json"
    with open(out, "w") as stdout:
        proc = _run(src, "--landmarks-out", out, stdout=stdout, stderr=subprocess.PIPE)
    _one_line(proc, 2, "r.json", "same file as the report")


def test_an_output_that_is_a_hard_link_of_the_input_is_refused(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    os.link(src, tmp_path / "again.json")
    before = src.read_bytes()
    _one_line(_run(src, "--landmarks-out", tmp_path / "again.json"), 2, "again.json", "overwrite the input")
    assert src.read_bytes() == before and os.path.samefile(src, tmp_path / "again.json")


# --- cause 5: termination signals end as Ctrl-C does ---------------------------------------------


def _default_signals() -> None:
    """In the child: the signals as a terminal gives them. A suite run in the background (`&`)
    or under nohup hands its children SIGINT and SIGHUP ignored, and posecoach rightly keeps a
    signal ignored that was ignored when it started."""
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)


def _signal_mid_overlay(cmd: list[str], out, sig: int, wait_s: float = 600) -> subprocess.Popen:
    """Start ``cmd``, wait until its overlay's partial file is there, send ``sig`` to it alone."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_default_signals)
    try:
        deadline = time.monotonic() + wait_s
        while not any(p.name.endswith(".mp4") for p in out.iterdir()):
            assert proc.poll() is None, f"ended before the overlay was started: {proc.stderr.read()}"
            assert time.monotonic() < deadline, "no overlay was started"
            time.sleep(0.02)
        proc.send_signal(sig)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_termination_signal_mid_run_leaves_no_partial_file(tmp_path, sig):
    src = _landmarks_file(tmp_path / "s.json", 5000)
    out = tmp_path / "out"
    out.mkdir()
    proc = _signal_mid_overlay(_cli("analyze", src, "--quiet", "--annotate", out / "o.mp4", "--json", out / "r.json",
                                    "--landmarks-out", out / "l.json"), out, sig)
    err = proc.stderr.read()
    assert proc.returncode == 128 + sig, err  # 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP
    assert "Traceback" not in err and err.strip().splitlines() == [
        "posecoach: interrupted" if sig == signal.SIGINT else f"posecoach: terminated ({sig.name})"]
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_sigterm_with_two_workers_leaves_no_partial_file(tmp_path, full_model):
    from benchmarks.support.clips import make_session_clip

    clip = make_session_clip(tmp_path / "session.mp4", 12.0)  # two segments of 6 s
    out = tmp_path / "out"
    out.mkdir()
    proc = _signal_mid_overlay(_cli("analyze", clip, "--quiet", "--exercise", "lunge", "--workers", "2",
                                    "--annotate", out / "o.mp4", "--json", out / "r.json"), out, signal.SIGTERM)
    err = proc.stderr.read()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err and "terminated (SIGTERM)" in err
    assert list(out.iterdir()) == []


# --- cause 15 and standard output's errors --------------------------------------------------------


def test_a_closed_standard_output_is_one_line(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    proc = _run(src, stdout=None, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    _one_line(proc, 3, "standard output is closed", "--json")


def test_an_error_writing_standard_output_names_it_not_the_input(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    with open("/dev/full", "w") as full:
        proc = _run(src, stdout=full, stderr=subprocess.PIPE)
    line = _one_line(proc, 3, "standard output", "No space left on device")
    assert "s.json" not in line


# --- smaller: long names, unreadable inputs -------------------------------------------------------


def test_a_legal_249_character_report_name_is_written(tmp_path):
    src = _landmarks_file(tmp_path / "s.json")
    out = tmp_path / ("r" * 244 + ".json")
    proc = _run(src, "--json", out)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["kind"] == "report"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([out.name, "s.json"])


def _no_reading_past_modes():
    """A preexec_fn: as root, give up the capabilities that read what a file's mode forbids
    (CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, dropped from the bounding set before exec)."""
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        for cap in (1, 2):
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl")

    return drop


def _unreadable(path):
    path.chmod(0)
    probe = subprocess.run([sys.executable, "-c", f"open({str(path)!r}, 'rb')"], capture_output=True,
                           preexec_fn=_no_reading_past_modes())
    if probe.returncode == 0:
        pytest.skip("a file's mode does not bind this user")
    return path


@pytest.mark.parametrize("name", ["session.json", "photo.png", "clip.mp4"])
def test_an_unreadable_input_is_the_user_s_exit_2(tmp_path, name):
    f = tmp_path / name
    if name.endswith(".json"):
        _landmarks_file(f)
    elif name.endswith(".png"):
        cv2.imwrite(str(f), np.zeros((16, 16, 3), np.uint8))
    else:
        write_clip(f, 3)
    _unreadable(f)
    proc = _run(f, preexec_fn=_no_reading_past_modes())
    _one_line(proc, 2, name, "cannot be read", "Permission denied")
