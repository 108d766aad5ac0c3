"""Uploads never land outside the data folder; the page stays on this machine unless told."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posecoach.adapters.net import exposure_warning, is_loopback
from posecoach.serve import SETTINGS, streamlit_argv
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


def test_the_page_says_when_it_is_served_to_the_network():
    assert privacy_text("127.0.0.1") == PRIVACY
    assert "0.0.0.0" in privacy_text("0.0.0.0") and "anyone" in privacy_text("0.0.0.0")
    assert "every address" in privacy_text("")  # Streamlit's own default listens everywhere
