"""Uploads never land outside the data folder; the page stays on this machine unless told."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posecoach.adapters.net import exposure_warning, is_loopback
from posecoach.serve import SETTINGS, streamlit_argv, streamlit_settings
from posecoach.ui.common import PRIVACY, privacy_text
from posecoach.ui.uploads import MAX_UPLOAD_MB, UploadError, check_upload, safe_name, save_upload, upload_path

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name, expected", [
    ("clip.mp4", "clip.mp4"),
    ("../../.bashrc", "bashrc"),
    ("..", "video"),
    ("/etc/passwd", "passwd"),
    ("C:\\Users\\ada\\Videos\\lunge.mov", "lunge.mov"),
    ("sub/dir/../../x.mp4", "x.mp4"),
    ("Übung 1 (links).mkv", "Ubung_1__links_.mkv"),
    ("a\x00b\nc.mp4", "a_b_c.mp4"),
    ("", "video"),
    ("x" * 300 + ".mp4", "x" * 76 + ".mp4"),  # at most 80 characters
])
def test_an_uploaded_name_becomes_a_plain_file_name(name, expected):
    assert safe_name(name) == expected


@settings(max_examples=300)
@given(st.text(max_size=60), st.text(max_size=20))
def test_an_upload_path_always_lies_directly_in_its_folder(name, file_id):
    folder = Path("/data/uploads")
    path = upload_path(folder, file_id, name)
    assert path.parent == folder
    assert ".." not in path.name.split(".")[0:1] and not path.name.startswith(".")
    assert "/" not in path.name and "\\" not in path.name and len(path.name) <= 130


def test_uploads_of_the_wrong_type_empty_or_too_large_are_refused_by_name():
    with pytest.raises(UploadError, match=r"notes\.txt: not a video"):
        check_upload("notes.txt", 100)
    with pytest.raises(UploadError, match=r"clip\.mp4: is empty"):
        check_upload("clip.mp4", 0)
    with pytest.raises(UploadError, match=r"big\.mp4: 501 MB is over the 500 MB limit"):
        check_upload("big.mp4", 501 * 2**20)
    check_upload("ok.MOV", 2**20)


def test_the_upload_limit_matches_streamlits(tmp_path):
    config = tomllib.loads(SETTINGS.read_text())
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
    assert f"--server.maxUploadSize {MAX_UPLOAD_MB}" in " ".join(streamlit_argv("127.0.0.1", 8600))


def test_a_saved_upload_is_a_readable_video_in_the_folder_and_a_fake_one_is_removed(tmp_path):
    from tests.e2e.media import write_video

    clip = write_video(tmp_path / "source.mp4", [np.full((48, 64, 3), i * 20, np.uint8) for i in range(5)])
    folder = tmp_path / "data" / "uploads"
    path = save_upload(folder, "f1", "../../escape.mp4", clip.read_bytes())
    assert path.parent == folder and path.name == "f1-escape.mp4" and path.read_bytes() == clip.read_bytes()
    assert not (tmp_path / "escape.mp4").exists()
    with pytest.raises(UploadError, match=r"^notes\.mp4: not a readable video"):
        save_upload(folder, "f2", "notes.mp4", b"these are my notes, not a video" * 10)
    assert sorted(p.name for p in folder.iterdir()) == ["f1-escape.mp4"]


# Exposure -------------------------------------------------------------------------------------

def test_only_loopback_addresses_count_as_this_machine():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.20", "::", "example.org", ""))
    assert exposure_warning("127.0.0.1", 8501) is None
    warning = exposure_warning("0.0.0.0", 8501)
    assert "0.0.0.0:8501" in warning and "camera picture" in warning


def test_serve_passes_the_address_and_keeps_usage_statistics_off():
    argv = streamlit_argv("127.0.0.1", 8600)
    assert argv[argv.index("--server.address") + 1] == "127.0.0.1"
    assert argv[argv.index("--browser.gatherUsageStats") + 1] == "false"
    exposed = streamlit_argv("0.0.0.0", 8600)
    assert exposed[exposed.index("--server.address") + 1] == "0.0.0.0"


def test_serving_on_a_network_address_prints_a_warning_first():
    proc = subprocess.run([sys.executable, "-m", "posecoach.cli", "serve", "--host", "0.0.0.0", "--port", "1"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "POSECOACH_SERVE_DRY_RUN": "1"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("posecoach: warning: serving on 0.0.0.0:1")
    quiet = subprocess.run([sys.executable, "-m", "posecoach.cli", "serve", "--port", "1"], capture_output=True, text=True,
                           timeout=60, cwd=ROOT, env={"PATH": "/usr/bin:/bin", "POSECOACH_SERVE_DRY_RUN": "1"})
    assert quiet.returncode == 0 and "warning" not in quiet.stderr
    assert "--server.address 127.0.0.1" in quiet.stdout


def test_the_page_says_when_it_is_served_to_the_network():
    assert privacy_text("127.0.0.1") == PRIVACY
    assert "0.0.0.0" in privacy_text("0.0.0.0") and "anyone" in privacy_text("0.0.0.0")
    assert "every address" in privacy_text("")  # Streamlit's own default listens everywhere


def test_streamlit_reads_loopback_and_no_usage_statistics_from_the_projects_config():
    code = ("import streamlit.config as c; c.get_config_options(force_reparse=True); "
            "print(c.get_option('server.address'), c.get_option('browser.gatherUsageStats'))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.stdout.split() == ["127.0.0.1", "False"], proc.stderr


_STREAMLIT_READS_FLAGS = """
import json, sys
from streamlit import config
from streamlit.web import bootstrap
from streamlit.web.cli import main_run

ctx = main_run.make_context("run", sys.argv[1:])  # as `streamlit run` parses them: an unknown flag fails
flags = {k: v for k, v in ctx.params.items() if k not in ("target", "args")}
bootstrap.load_config_options(flags)
print(json.dumps({k: config.get_option(k) for k in config.get_config_options() if config.get_where_defined(k) != "<default>"}))
"""


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_streamlit_knows_every_setting_serve_passes_and_reads_it_from_the_flags_alone(tmp_path, host):
    argv = streamlit_argv(host, 8600)
    # An empty folder and home: no config.toml to read, only the flags.
    proc = subprocess.run([sys.executable, "-c", _STREAMLIT_READS_FLAGS, *argv[4:]], capture_output=True, text=True,
                          cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    read = json.loads(proc.stdout)
    expected = {**streamlit_settings(), "server.address": host, "server.port": 8600, "server.headless": True,
                "browser.gatherUsageStats": False}
    if host == "127.0.0.1":
        expected["browser.serverAddress"] = host
    assert read == expected
    assert read["server.maxUploadSize"] == MAX_UPLOAD_MB and read["runner.postScriptGC"] is False


def test_the_webcam_connection_contacts_no_stun_server():
    from aiortc.rtcicetransport import RTCIceGatherer
    from streamlit_webrtc.component import _resolve_server_rtc_configuration

    from posecoach.ui.coach_page import RTC_CONFIGURATION

    assert RTC_CONFIGURATION == {"iceServers": []}  # the browser side: host candidates only
    server = _resolve_server_rtc_configuration(RTC_CONFIGURATION)  # what streamlit-webrtc gives aiortc
    assert server.iceServers == []
    assert RTCIceGatherer(iceServers=server.iceServers)._connection.stun_server is None
    # The check would catch it: left unset, both libraries fall back to a public STUN server.
    assert RTCIceGatherer(iceServers=None)._connection.stun_server is not None
    source = (ROOT / "src" / "posecoach" / "ui" / "coach_page.py").read_text()
    assert source.count("rtc_configuration=RTC_CONFIGURATION") == 1 and "stun:" not in source


def _listening(port: int) -> set[str]:
    """The local addresses with a TCP socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                if len(addr) == 8:
                    found.add(".".join(str(int(addr[i:i + 2], 16)) for i in (6, 4, 2, 0)))
                else:
                    found.add("ipv6:" + addr)
    return found


@pytest.mark.slow
def test_posecoach_serve_listens_on_loopback_only(tmp_path):
    import os
    import time

    from tests.e2e.app_server import free_port, stop

    port = free_port()
    env = {**os.environ, "POSECOACH_DATA": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "posecoach.cli", "serve", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while not _listening(port) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
        assert _listening(port) == {"127.0.0.1"}, proc.poll()
    finally:
        stop(proc)
    assert b"warning" not in proc.stderr.read()
