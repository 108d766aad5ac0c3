"""Issue 19, media causes: odd media made on the spot from the rendered sample clips (PyAV,
numpy, PIL, hand-written headers), through the real decoder, the real model and the CLI.

- 7: the overlay writer takes a clip or landmarks file 1 pixel wide, and frames 10^6 s apart;
- 8: an image or GIF whose header declares a huge size is refused before it is decoded;
- 13: a clip whose resolution changes part-way keeps its person after the change;
- a clip with an absurd frame rate or clock gives a landmarks file posecoach reads back.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from posecoach.adapters import video
from posecoach.adapters.video import VideoReader
from tests.e2e.media import sample_frames, write_video
from tests.e2e.test_bad_input import one_line_error

COBRA = "cobra_beginner_ok"


def analyse(posecoach, path, *args) -> dict:
    r = posecoach("analyze", path, "--quiet", *args)
    assert r.code == 0, r.err
    assert "Traceback" not in r.err
    return r.json()


def overlay_times(path: Path) -> tuple[list[float], tuple[int, int]]:
    """The overlay's frame times (ms) and its size, as the decoder reads them."""
    with VideoReader(path) as reader:
        times = [f.t_ms for f in reader.frames()]
        return times, (reader.info.width, reader.info.height)


@pytest.fixture(scope="module")
def cobra_landmarks(tmp_path_factory, posecoach, full_model) -> dict:
    """The landmarks file of the first second of the cobra clip, as the model wrote it."""
    folder = tmp_path_factory.mktemp("lm")
    clip = write_video(folder / "cobra.mp4", [f.rgb for f in sample_frames(COBRA, 30)])
    analyse(posecoach, clip, "--landmarks-out", folder / "cobra.json")
    return json.loads((folder / "cobra.json").read_text())


# 7. The overlay writer ------------------------------------------------------------------------

def test_a_clip_one_pixel_wide_is_annotated(tmp_path, posecoach, full_model):
    column = [np.ascontiguousarray(f.rgb[:, 320:321]) for f in sample_frames(COBRA, 6)]  # 480 x 1
    clip = write_video(tmp_path / "sliver.mp4", column, pix_fmt="yuv444p")  # 4:2:0 cannot hold a side of 1
    rep = analyse(posecoach, clip, "--annotate", tmp_path / "o.mp4")
    assert (rep["width"], rep["height"]) == (1, 480)
    times, size = overlay_times(tmp_path / "o.mp4")
    assert len(times) == 6 and size == (2, 480)  # the side of 1 doubled: 4:2:0 wants even sides


def test_landmarks_one_pixel_wide_are_annotated(tmp_path, posecoach, cobra_landmarks):
    thin = {**cobra_landmarks, "width": 1, "height": 240}
    (tmp_path / "thin.json").write_text(json.dumps(thin))
    analyse(posecoach, tmp_path / "thin.json", "--annotate", tmp_path / "thin.mp4")
    times, size = overlay_times(tmp_path / "thin.mp4")
    assert len(times) == len(thin["frames"]) and size == (2, 240)


def test_landmarks_a_million_seconds_apart_are_annotated(tmp_path, posecoach, cobra_landmarks):
    frames = [{**f, "t_ms": i * 1e9} for i, f in enumerate(cobra_landmarks["frames"][:4])]  # 10^6 s apart
    (tmp_path / "far.json").write_text(json.dumps({**cobra_landmarks, "frames": frames}))
    rep = analyse(posecoach, tmp_path / "far.json", "--annotate", tmp_path / "far.mp4")
    assert [f["t_ms"] for f in rep["frames"]] == [f["t_ms"] for f in frames]  # the report keeps the real times
    times, _ = overlay_times(tmp_path / "far.mp4")
    assert len(times) == 4
    assert np.allclose(np.diff(times), video.MAX_FRAME_GAP_MS)  # each pause shortened to the longest a frame shows
    assert not list(tmp_path.glob(".*partial*"))


# 8. Images that declare a huge size -----------------------------------------------------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_declaring(path: Path, width: int, height: int) -> Path:
    """A PNG of a few bytes whose header declares ``width`` x ``height`` (8-bit RGB)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" + b"\x80" * 3 * 64)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))
    return path


def gif_declaring(path: Path, width: int, height: int, frames: int = 2) -> Path:
    """An animated GIF of 1-pixel frames on a logical screen of ``width`` x ``height``."""
    out = b"GIF89a" + struct.pack("<HH", width, height) + bytes([0x80, 0, 0]) + b"\xff\xff\xff\x00\x00\x00"
    for _ in range(frames):
        out += b"\x21\xf9\x04\x00\x0a\x00\x00\x00"  # 100 ms
        out += b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00\x02\x02\x44\x01\x00"
    path.write_bytes(out + b"\x3b")
    return path


@pytest.mark.parametrize("side", [50_000, 25_000])
def test_an_image_declaring_a_huge_size_is_refused_before_decoding(tmp_path, posecoach, side):
    image = png_declaring(tmp_path / f"huge{side}.png", side, side)
    one_line_error(posecoach("analyze", image, "--quiet"), image.name, "posecoach reads at most 120 megapixels")


def test_a_gif_declaring_a_huge_screen_is_refused_before_decoding(tmp_path, posecoach):
    clip = gif_declaring(tmp_path / "huge.gif", 11_000, 11_000)  # 121 megapixels in 60 bytes
    one_line_error(posecoach("analyze", clip, "--quiet"), clip.name, "11000 x 11000 pixels")


# 13. A resolution change part-way -------------------------------------------------------------

def _ts_part(images: list[np.ndarray], start_ms: float) -> bytes:
    """``images`` as an MPEG-TS stream of H.264 at 30 fps from ``start_ms``."""
    buf = io.BytesIO()
    container = av.open(buf, mode="w", format="mpegts")
    stream = container.add_stream("libx264", rate=30)
    stream.height, stream.width = images[0].shape[:2]
    stream.pix_fmt = "yuv420p"
    stream.codec_context.time_base = Fraction(1, 1000)
    for i, img in enumerate(images):
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
        frame.pts, frame.time_base = int(start_ms + i * 1000 / 30), Fraction(1, 1000)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return buf.getvalue()


def joined_clip(path: Path) -> tuple[Path, list]:
    """The cobra clip's first 1.5 s at 640 x 480 and the next 1.5 s at 320 x 240, two streams
    joined byte for byte (as `cat a.ts b.ts` joins them); FFmpeg reads it by its content."""
    frames = sample_frames(COBRA, 90)
    big = [f.rgb for f in frames[:45]]
    small = [cv2.resize(f.rgb, (320, 240), interpolation=cv2.INTER_AREA) for f in frames[45:]]
    path.write_bytes(_ts_part(big, 0) + _ts_part(small, 1500))
    return path, big + small


def test_a_clip_whose_size_changes_part_way_keeps_its_person(tmp_path, posecoach, full_model):
    clip, images = joined_clip(tmp_path / "joined.mp4")
    with VideoReader(clip) as reader:
        assert {f.rgb.shape for f in reader.frames()} == {(480, 640, 3), (240, 320, 3)}
    rep = analyse(posecoach, clip)
    after = [f for f in rep["frames"] if f["t_ms"] >= 1490]
    assert len(after) == 45
    assert all(f["pose"] for f in after), [f["cues"] for f in after if not f["pose"]][:3]
    assert {f["exercise"] for f in after[15:]} == {"cobra"}
    assert rep["summary"]["people"]["coached_person_changes"] == 0


def test_the_overlay_after_a_size_change_is_drawn_on_the_person(tmp_path, posecoach, full_model):
    """The landmarks of each frame are measured at that frame's size: the overlay must not scale
    them again to the first frame's size (it drew the skeleton in the top-left quarter)."""
    clip, images = joined_clip(tmp_path / "joined.mp4")
    png, lms = tmp_path / "last.png", tmp_path / "lm.json"
    r = posecoach("analyze", clip, "--quiet", "--json", tmp_path / "r.json", "--annotate", png, "--landmarks-out", lms)
    assert r.code == 0, r.err
    drawn = cv2.cvtColor(cv2.imread(str(png)), cv2.COLOR_BGR2RGB).astype(int)
    assert drawn.shape == (240, 320, 3)
    last = json.loads(lms.read_text())["frames"][-1]["landmarks"]
    xy = np.array(last)[:, :2] * [320, 240]
    body = xy[11:29]  # shoulders to ankles
    changed = np.abs(drawn - images[-1].astype(int)).sum(axis=2) > 90
    changed[: int(0.2 * 240)] = changed[int(0.85 * 240):] = False  # the cue band and the status line
    ys, xs = np.nonzero(changed)
    assert len(xs) > 50
    cx, cy = xs.mean(), ys.mean()
    (x0, y0), (x1, y1) = body.min(axis=0) - 10, body.max(axis=0) + 10
    assert x0 <= cx <= x1 and y0 <= cy <= y1, ((cx, cy), (x0, y0, x1, y1))


def test_the_people_aware_estimator_follows_the_frame_size(full_model):
    from posecoach.adapters.estimators.landmarker import PoseEstimator
    from posecoach.adapters.estimators.people_aware import PeopleAwareEstimator

    frames = sample_frames(COBRA, 40)
    images = [f.rgb for f in frames[:20]] + [cv2.resize(f.rgb, (320, 240)) for f in frames[20:]]
    with PeopleAwareEstimator(full_model.path) as people, PoseEstimator(full_model.path) as bare:
        found = [people.detect(img, f.t_ms).landmarks for img, f in zip(images, frames, strict=True)]
        bare_found = [bare.detect(img, f.t_ms).landmarks for img, f in zip(images, frames, strict=True)]
    assert all(b is not None for b in bare_found)  # the bare model finds the person throughout
    assert all(p is not None for p in found[20:])
    assert np.abs(found[-1][:, :2] - bare_found[-1][:, :2]).max() < 0.05  # and it is the same person
    assert people.person_changes == 0


# Smaller: a clip with an absurd rate or clock ---------------------------------------------------

def _write_ticking(path: Path, images: list[np.ndarray], tick: Fraction, fmt: str | None) -> Path:
    """``images`` one clock tick apart (``tick`` s): 90000 or 10^9 frames a second as stated."""
    container = av.open(str(path), mode="w", format=fmt)
    stream = container.add_stream("libx264", rate=30)
    stream.height, stream.width = images[0].shape[:2]
    stream.pix_fmt = "yuv420p"
    stream.codec_context.time_base = stream.time_base = tick
    for i, img in enumerate(images):
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
        frame.pts, frame.time_base = i, tick
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return path


@pytest.mark.parametrize("tick, fmt", [(Fraction(1, 90_000), "mpegts"), (Fraction(1, 1_000_000_000), None)],
                         ids=["90000-fps", "nanosecond-clock"])
def test_landmarks_from_a_clip_with_an_absurd_rate_read_back(tmp_path, posecoach, full_model, tick, fmt):
    clip = _write_ticking(tmp_path / "ticking.mp4", [f.rgb for f in sample_frames(COBRA, 12)], tick, fmt)
    lms = tmp_path / "ticking.json"
    rep = analyse(posecoach, clip, "--landmarks-out", lms)
    doc = json.loads(lms.read_text())
    assert doc["fps"] is None or 0 < doc["fps"] <= 1000
    assert rep["fps"] == doc["fps"]
    again = analyse(posecoach, lms)  # posecoach reads back what it wrote
    assert len(again["frames"]) == len(rep["frames"]) == 12
