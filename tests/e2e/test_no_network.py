"""Frames stay on this machine: analysing a clip opens no connection beyond this computer.

The analysis runs in a subprocess whose sockets refuse any address outside the loopback
range (before anything is sent) and log the attempt; the test reads that log.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT
from tests.e2e.media import sample_frames, write_video

GUARD = """
import ipaddress, json, socket, sys
LOG = sys.argv[1]

def _remote(address):
    if isinstance(address, tuple) and address:
        host = str(address[0])
        try:
            return not ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return host not in ("localhost",)
    return False  # a Unix socket: local

def _refuse(what, address):
    with open(LOG, "a") as f:
        f.write(json.dumps([what, repr(address)]) + "\\n")
    raise ConnectionRefusedError(f"blocked by the test: {what} {address!r}")

for name in ("connect", "connect_ex", "sendto"):
    original = getattr(socket.socket, name)
    def guarded(self, *args, _original=original, _name=name):
        address = args[-1]
        if _remote(address):
            _refuse(_name, address)
        return _original(self, *args)
    setattr(socket.socket, name, guarded)
_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kw):
    if host not in (None, "localhost") and _remote((host, 0)):
        _refuse("getaddrinfo", host)
    return _getaddrinfo(host, *args, **kw)
socket.getaddrinfo = getaddrinfo

if sys.argv[2] == "control":
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: refused before any packet
    except ConnectionRefusedError:
        pass
    sys.exit(0)
from posecoach.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _guarded(log, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", GUARD, str(log), *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)


def test_the_guard_catches_a_connection(tmp_path):
    log = tmp_path / "net.log"
    assert _guarded(log, "control").returncode == 0
    assert "192.0.2.1" in json.loads(log.read_text().splitlines()[0])[1]


def test_analysing_a_clip_and_an_image_opens_no_connection(tmp_path, full_model):
    frames = sample_frames("lunge_kneeling_ok_a", 100)
    clip = write_video(tmp_path / "clip.mp4", [f.rgb for f in frames[60:90]])
    log = tmp_path / "net.log"
    r = _guarded(log, "analyze", clip, "--quiet", "--json", tmp_path / "r.json", "--annotate", tmp_path / "o.mp4",
                 "--landmarks-out", tmp_path / "l.json")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["pose_frames"] == 30
    import cv2

    cv2.imwrite(str(tmp_path / "photo.jpg"), frames[-1].rgb[:, :, ::-1])
    r = _guarded(log, "analyze", tmp_path / "photo.jpg", "--quiet", "--json", tmp_path / "p.json")
    assert r.returncode == 0, r.stderr
    assert not log.exists(), log.read_text()
