"""Bad input: exit 2, one line naming the file and the problem, no traceback, no partial output."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest


def one_line_error(result, name: str, words: str) -> None:
    assert result.code == 2, result.err
    lines = [line for line in result.err.strip().splitlines() if line]
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    assert "Errno" not in result.err, result.err  # a raw error number means nothing to a person
    assert name in lines[0] and words in lines[0], lines[0]


def write_clip(path, frames: int, size=(64, 48), noise=False):
    container = av.open(str(path), mode="w", options={"movflags": "+faststart"})
    stream = container.add_stream("libx264", rate=Fraction(30, 1))
    stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
    rng = np.random.default_rng(1)
    for i in range(frames):
        img = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8) if noise else np.full((size[1], size[0], 3), i % 255, np.uint8)
        for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()


def test_missing_file(posecoach, tmp_path):
    out = tmp_path / "r.json"
    r = posecoach("analyze", tmp_path / "nope.mp4", "--json", out)
    one_line_error(r, "nope.mp4", "no such file")
    assert not out.exists()


def test_a_directory(posecoach, tmp_path):
    one_line_error(posecoach("analyze", tmp_path), str(tmp_path), "is a directory")


def test_text_file_named_mp4(posecoach, tmp_path):
    f = tmp_path / "notes.mp4"
    f.write_text("these are my notes, not a video\n" * 20)
    out = tmp_path / "r.json"
    r = posecoach("analyze", f, "--json", out)
    one_line_error(r, "notes.mp4", "not a readable video")
    assert list(tmp_path.iterdir()) == [f]


def test_unsupported_format(posecoach, tmp_path):
    f = tmp_path / "clip.xyz"
    f.write_bytes(b"\0" * 100)
    one_line_error(posecoach("analyze", f), "clip.xyz", "unsupported format")


def test_zero_frame_video(posecoach, tmp_path, full_model):
    f = tmp_path / "empty.avi"  # a video stream with no frames in it
    container = av.open(str(f), mode="w")
    stream = container.add_stream("mpeg4", rate=Fraction(30, 1))
    stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
    container.start_encoding()
    container.close()
    out = tmp_path / "r.json"
    r = posecoach("analyze", f, "--json", out, "--annotate", tmp_path / "o.mp4")
    one_line_error(r, "empty.avi", "no readable video frames")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.avi"]


def test_empty_file(posecoach, tmp_path):
    f = tmp_path / "zero.mp4"
    f.write_bytes(b"")
    one_line_error(posecoach("analyze", f), "zero.mp4", "is empty")


@pytest.mark.parametrize(
    "text, words",
    [
        ('{"schema": 1, "kind": "landmarks", "width": 640', "not valid JSON"),
        ('{"schema": 2, "kind": "landmarks", "width": 640, "height": 480, "frames": []}', "schema"),
        ('{"schema": 1, "kind": "landmarks", "width": 640, "height": 480}', "frames: missing"),
        ('{"schema": 1, "kind": "landmarks", "width": 640, "height": 480, "frames": [{"t_ms": 0, "landmarks": [[0.5, 0.5, 0, 1]]}]}',
         "frames[0].landmarks"),
        ('{"schema": 1, "kind": "landmarks", "width": 640, "height": 480, "frames": [{"t_ms": NaN, "landmarks": null}]}',
         "NaN"),
        ('{"schema": 1, "kind": "landmarks", "width": 640, "height": 480, "frames": [{"t_ms": 5, "landmarks": null}, {"t_ms": 5, "landmarks": null}]}',
         "frames[1].t_ms"),
    ],
)
def test_malformed_landmarks_file(posecoach, tmp_path, text, words):
    f = tmp_path / "session.json"
    f.write_text(text)
    out = tmp_path / "r.json"
    r = posecoach("analyze", f, "--json", out)
    one_line_error(r, "session.json", words)
    assert not out.exists()


def test_malformed_json_names_the_line(posecoach, tmp_path):
    f = tmp_path / "session.json"
    f.write_text('{"schema": 1,\n "kind": "landmarks",\n "width": 640,,\n}')
    one_line_error(posecoach("analyze", f), "session.json", "line 3")


def test_unknown_exercise_and_bad_profile(posecoach, tmp_path):
    f = tmp_path / "s.json"
    f.write_text('{"schema": 1, "kind": "landmarks", "width": 640, "height": 480, "frames": [{"t_ms": 0, "landmarks": null}]}')
    one_line_error(posecoach("analyze", f, "--exercise", "squat"), "squat", "unknown exercise")
    prof = tmp_path / "p.toml"
    prof.write_text("[lunge.front_knee_90]\nband = [100, 80]\n")
    one_line_error(posecoach("analyze", f, "--profile", prof), "p.toml", "line 2")


def test_unwritable_output_exits_3(posecoach, tmp_path):
    f = tmp_path / "s.json"
    f.write_text('{"schema": 1, "kind": "landmarks", "width": 640, "height": 480, "frames": [{"t_ms": 0, "landmarks": null}]}')
    r = posecoach("analyze", f, "--json", tmp_path / "no" / "such" / "dir" / "r.json")
    assert r.code == 3 and "Traceback" not in r.err and "does not exist" in r.err


def test_corrupt_middle_and_truncated_tail_are_analysed_as_far_as_possible(posecoach, tmp_path, full_model):
    f = tmp_path / "clip.mp4"
    write_clip(f, 60, size=(160, 120), noise=True)
    data = bytearray(f.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 4000] = bytes(4000)  # zero out a stretch in the middle of the stream
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(bytes(data[: int(len(data) * 0.85)]))  # and cut the tail
    r = posecoach("analyze", broken, "--exercise", "lunge")
    assert r.code == 0, r.err
    rep = r.json()
    assert 30 < rep["summary"]["frames"] < 60
    assert rep["skipped_frames"] == 60 - rep["summary"]["frames"]


def test_image_with_no_person_gives_a_valid_report_with_all_unknown(posecoach, tmp_path, full_model):
    import cv2

    img = np.full((240, 320, 3), 200, np.uint8)
    cv2.rectangle(img, (40, 40), (120, 200), (30, 90, 160), -1)
    f = tmp_path / "wall.png"
    cv2.imwrite(str(f), img)
    r = posecoach("analyze", f, "--exercise", "lunge")
    assert r.code == 0, r.err
    rep = r.json()
    assert rep["summary"]["pose_frames"] == 0
    frame = rep["frames"][0]
    assert frame["pose"] is False and set(frame["checks"].values()) == {"unknown"}
    assert rep["width"] == 320 and rep["height"] == 240 and rep["fps"] is None


@pytest.mark.parametrize("options, name, words", [
    (("--workers", "-1"), "--workers", "0 (one per core) or more"),
    (("--workers", "two"), "--workers", "invalid int value"),
    (("--max-side", "10"), "--max-side", "64 pixels or more"),
    (("--stride", "0", "--rate", "adaptive"), "--stride", "1 or more"),
    (("--rate", "sometimes"), "--rate", "invalid choice"),
])
def test_throughput_options_are_checked_with_one_line(posecoach, tmp_path, options, name, words):
    clip = tmp_path / "clip.mp4"
    write_clip(clip, 3)
    out = tmp_path / "r.json"
    r = posecoach("analyze", clip, "--json", out, *options)
    one_line_error(r, name, words)
    assert not out.exists()
