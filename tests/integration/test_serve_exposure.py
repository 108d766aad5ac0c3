"""The page as served: `posecoach serve` warns before serving to the network, and Streamlit itself
(started in a separate process, as `posecoach serve` starts it) reads loopback, no usage
statistics and every setting serve passes; the webcam connection contacts no STUN server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from posecoach.serve import streamlit_argv, streamlit_settings
from posecoach.ui.uploads import MAX_UPLOAD_MB

ROOT = Path(__file__).resolve().parents[2]


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
