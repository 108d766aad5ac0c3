"""`posecoach batch`, round two (issue 19): its output folder and index, report names that never
collide, `--ray` addresses that cannot be used, and a subfolder that cannot be read."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from posecoach.services.batch import report_name
from tests import faults
from tests.conftest import ROOT


def batch(*args, preexec=None, timeout: float = 600) -> subprocess.CompletedProcess:
    """`posecoach batch` in a subprocess, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "posecoach.cli", "batch", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, preexec_fn=preexec)


def one_line(proc: subprocess.CompletedProcess, code: int, *words: str) -> str:
    lines = [line for line in proc.stderr.strip().splitlines() if line]
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr and len(lines) == 1, proc.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def picture(path: Path) -> Path:
    """A tiny grey picture (nobody in it): a real report in about a second."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(path.suffix if path.suffix != ".mp4" else ".png", np.full((48, 64, 3), 128, np.uint8))
    path.write_bytes(data.tobytes())  # a picture named .mp4 is analysed as a one-frame clip
    return path


@pytest.fixture()
def broken(tmp_path) -> Path:
    """An input folder whose one recording fails at once, without the model."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "broken.mp4").write_text("not a video")
    return src


# --- 10: the output folder and its index ---------------------------------------------------------------

def test_out_that_is_a_file_is_refused(broken, tmp_path):
    out = tmp_path / "out"
    out.write_text("mine")
    one_line(batch(broken, "--out", out), 2, str(out), "not a folder")
    assert out.read_text() == "mine"


def test_out_in_a_read_only_folder_is_one_line_and_analyses_nothing(broken, tmp_path):
    with faults.read_only_folder(tmp_path / "ro") as how:
        line = one_line(batch(broken, "--out", tmp_path / "ro"), 3, "index.json")
        assert ("Read-only" in line) if how == "ro-mount" else ("Permission denied" in line)
        new = batch(broken, "--out", tmp_path / "ro" / "new")
        one_line(new, 3, "new", "cannot make the folder")


@pytest.mark.parametrize("what", ["garbage", "a list", "files a list", "nested deep", "not UTF-8", "a folder",
                                  "a pipe"])
def test_an_index_that_is_not_a_batch_index_is_refused_and_kept(tmp_path, full_model, what):
    src = tmp_path / "in"
    picture(src / "a.png")
    out = tmp_path / "out"
    out.mkdir()
    index = out / "index.json"
    content = {"garbage": b"garbage\n", "a list": b"[]\n", "files a list": b'{"kind": "batch-index", "files": []}',
               "nested deep": b"[" * 100_000, "not UTF-8": b'{"kind": "\xff"}'}.get(what)
    if what == "a folder":
        index.mkdir()
    elif what == "a pipe":
        os.mkfifo(index)
    else:
        index.write_bytes(content)
    one_line(batch(src, "--out", out, timeout=120), 2, str(index), "move it away")
    assert sorted(p.name for p in out.iterdir()) == ["index.json"]  # nothing analysed, no report unindexed
    if content is not None:
        assert index.read_bytes() == content


def test_a_report_the_index_lacks_is_indexed_on_the_next_run(tmp_path, full_model):
    src = tmp_path / "in"
    picture(src / "a.png")
    out = tmp_path / "out"
    assert batch(src, "--out", out, "--workers", "1").returncode == 0
    (report,) = [p for p in out.glob("*.json") if p.name != "index.json"]
    index = json.loads((out / "index.json").read_text())
    index["files"] = {}  # the run ended between writing the report and indexing it
    (out / "index.json").write_text(json.dumps(index))
    again = batch(src, "--out", out, "--workers", "1")
    assert again.returncode == 0 and "1 already done, 0 to analyse" in again.stderr, again.stderr
    entry = json.loads((out / "index.json").read_text())["files"][report.name]
    assert entry["status"] == "ok" and entry["input"].endswith("a.png") and entry["frames"] == 1


# --- 11: report names ----------------------------------------------------------------------------------

def test_recordings_of_one_stem_or_an_escaped_path_keep_their_own_reports(tmp_path, full_model):
    src = tmp_path / "in"
    names = ["clip.mp4", "clip.png", "sub/x.png", "sub__x.png", "sub/x__y.png", "sub__x__y.png", "index.png"]
    for n in names:
        picture(src / n)
    out = tmp_path / "out"
    r = batch(src, "--out", out, "--workers", "1")
    assert r.returncode == 0, r.stderr
    index = json.loads((out / "index.json").read_text())
    assert index["kind"] == "batch-index"
    files = index["files"]
    assert sorted(Path(e["input"]).relative_to(src).as_posix() for e in files.values()) == sorted(names)
    for name, e in files.items():  # every recording has its own report, each a report of it
        assert e["status"] == "ok" and e["report"] == name
        assert json.loads((out / name).read_text())["kind"] == "report"
    assert len(list(out.glob("*.json"))) == len(names) + 1
    assert "clinic_b__anna.mp4.json" == report_name(Path("in/clinic_b/anna.mp4"), Path("in"))  # still readable
    again = batch(src, "--out", out, "--workers", "1")
    assert f"{len(names)} recordings, {len(names)} already done, 0 to analyse" in again.stderr


def test_a_glob_names_reports_by_the_path_below_its_fixed_folder(tmp_path, full_model):
    src = tmp_path / "in"
    for n in ("a/x.png", "b/x.png"):
        picture(src / n)
    out = tmp_path / "out"
    r = batch(f"{src}/**/*.png", "--out", out, "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert sorted(json.loads((out / "index.json").read_text())["files"]) == ["a__x.png.json", "b__x.png.json"]


def test_a_report_named_by_an_earlier_posecoach_still_counts_as_done(tmp_path, full_model):
    src = tmp_path / "in"
    picture(src / "sub" / "anna.png")
    out = tmp_path / "out"
    assert batch(src, "--out", out, "--workers", "1").returncode == 0
    (out / "sub__anna.png.json").rename(out / "sub__anna.json")  # as the earlier version named it
    index = json.loads((out / "index.json").read_text())
    entry = index["files"].pop("sub__anna.png.json")
    index["files"]["sub__anna.json"] = {**entry, "report": "sub__anna.json"}
    (out / "index.json").write_text(json.dumps(index))
    before = (out / "sub__anna.json").read_bytes()
    again = batch(src, "--out", out, "--workers", "1")
    assert again.returncode == 0 and "1 already done, 0 to analyse" in again.stderr, again.stderr
    assert sorted(p.name for p in out.iterdir()) == ["index.json", "sub__anna.json"]
    assert (out / "sub__anna.json").read_bytes() == before


_PART = st.text(alphabet="_%~.aé-", min_size=1, max_size=8).filter(lambda s: s not in (".", ".."))


def _path_of(name: str) -> list[str]:
    """A report name read back: its parts split at each ``__``, each unescaped."""
    return [urllib.parse.unquote(part) for part in name.removesuffix(".json").split("__")]


@given(st.lists(_PART, min_size=1, max_size=4))
def test_report_names_are_one_to_one_with_paths(parts):
    name = report_name(Path("r", *parts), Path("r"))
    assert _path_of(name) == parts  # so no two paths share a name
    assert "/" not in name and name.endswith(".json") and name != "index.json"


def test_a_long_path_gets_a_short_name_of_its_own():
    deep = [f"folder_{i:03d}_{'x' * 40}" for i in range(8)]
    a, b = report_name(Path("r", *deep, "a.png"), Path("r")), report_name(Path("r", *deep, "b.png"), Path("r"))
    assert a != b and len(a.encode()) <= 200 and len(b.encode()) <= 200
    assert a == report_name(Path("r", *deep, "a.png"), Path("r"))


# --- 12: --ray ------------------------------------------------------------------------------------------

def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is


def test_an_unreachable_ray_cluster_is_one_line(broken, tmp_path):
    pytest.importorskip("ray")
    out = tmp_path / "out"
    address = f"127.0.0.1:{_closed_port()}"
    one_line(batch(broken, "--out", out, "--ray", address, timeout=120), 3, address, "cannot reach")
    assert not out.exists()


def test_a_ray_client_address_is_one_line_without_the_client_extra_or_the_cluster(broken, tmp_path):
    pytest.importorskip("ray")
    import importlib.util

    out = tmp_path / "out"
    address = f"ray://127.0.0.1:{_closed_port()}"
    words = ("ray[client]",) if importlib.util.find_spec("grpc") is None else ("cannot reach",)
    one_line(batch(broken, "--out", out, "--ray", address, timeout=120), 3, address, *words)
    assert not out.exists()


@pytest.mark.parametrize("address", ["127.0.0.1:99999", "127.0.0.1", "http://127.0.0.1:8265"])
def test_a_malformed_ray_address_is_one_line(broken, tmp_path, address):
    pytest.importorskip("ray")
    one_line(batch(broken, "--out", tmp_path / "out", "--ray", address, timeout=120), 2, address,
             "not a Ray address")


# --- smaller: a subfolder that cannot be read ------------------------------------------------------------

def _without_root_powers() -> None:
    """For a child run as root: drop the powers to read and search any folder (the bounding set
    limits what root has after exec), so a folder of mode 000 binds it as it binds anyone."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def _binds(folder: Path) -> bool:
    probe = subprocess.run([sys.executable, "-c", f"import os; os.listdir({str(folder)!r})"],
                           preexec_fn=_without_root_powers, capture_output=True)
    return probe.returncode != 0


def test_an_unreadable_subfolder_is_said_and_indexed(tmp_path, full_model):
    src = tmp_path / "in"
    picture(src / "a.png")
    picture(src / "locked" / "b.png")
    (src / "locked").chmod(0)
    try:
        if not _binds(src / "locked"):
            pytest.skip("a folder of mode 000 can be read here")
        out = tmp_path / "out"
        r = batch(src, "--out", out, "--workers", "1", "--quiet", preexec=_without_root_powers)
        line = one_line(r, 1, str(src / "locked"), "cannot be read", "Permission denied")
        assert "not analysed" in line
        index = json.loads((out / "index.json").read_text())
        assert index["unreadable_folders"] == {str(src / "locked"): "Permission denied"}
        assert [e["status"] for e in index["files"].values()] == ["ok"]  # the rest is analysed
        top = batch(src / "locked", "--out", tmp_path / "out2", preexec=_without_root_powers)
        one_line(top, 2, str(src / "locked"), "cannot be read")
    finally:
        (src / "locked").chmod(0o755)
    shutil.rmtree(src)
