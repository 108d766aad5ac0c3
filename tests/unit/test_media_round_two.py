"""Issue 19, media causes, at the adapters: the H.264 writer with sides of 1 pixel, frames
far apart and a size change; the playback of a session 1 pixel wide; an image refused by its
header; a container's absurd frame rate. Real PyAV and OpenCV throughout."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from posecoach.adapters import video
from posecoach.adapters.video import InputError, VideoReader, VideoWriter, read_image
from posecoach.core.coach import Coach
from posecoach.exercises.catalogue import load_catalogue
from tests import stick as S


def read_back(path: Path) -> tuple[list[np.ndarray], list[float]]:
    with VideoReader(path) as reader:
        frames = list(reader.frames())
    return [f.rgb for f in frames], [f.t_ms for f in frames]


@pytest.mark.parametrize("width, height", [(1, 1), (1, 240), (240, 1), (3, 5)])
def test_the_writer_takes_any_size_of_frame(tmp_path, width, height):
    target = tmp_path / "o.mp4"
    with VideoWriter(target, width, height, 30.0) as writer:
        for i in range(4):
            writer.write(np.full((height, width, 3), 60 * i, np.uint8), i * 33.0)
    images, times = read_back(target)
    assert len(images) == 4 and images[0].shape == (max(2, height - height % 2), max(2, width - width % 2), 3)
    assert abs(int(images[3].mean()) - 180) <= 3


def test_the_writer_shortens_pauses_longer_than_a_minute(tmp_path):
    target = tmp_path / "o.mp4"
    asked = [0.0, 33.0, 1e9, 1e9 + 33.0, 1e15, 3e15]  # 10^6 s, then 30 years apart
    with VideoWriter(target, 64, 48, 30.0) as writer:
        for t in asked:
            writer.write(np.zeros((48, 64, 3), np.uint8), t)
    _, times = read_back(target)
    gap = video.MAX_FRAME_GAP_MS
    assert np.allclose(np.diff(times), [33.0, gap, 33.0, gap, gap])


def test_the_writer_scales_a_frame_of_another_size_to_its_own(tmp_path):
    target = tmp_path / "o.mp4"
    with VideoWriter(target, 64, 48, 30.0) as writer:
        writer.write(np.full((48, 64, 3), 200, np.uint8), 0.0)
        writer.write(np.full((24, 32, 3), 100, np.uint8), 33.0)  # the clip's size changed part-way
        writer.write(np.full((96, 128, 3), 50, np.uint8), 66.0)
    images, _ = read_back(target)
    assert [img.shape for img in images] == [(48, 64, 3)] * 3
    assert [round(float(img.mean()) / 50) for img in images] == [4, 2, 1]


def test_the_playback_of_a_session_one_pixel_wide_is_drawn(tmp_path):
    from posecoach.reports.playback import render

    catalogue = load_catalogue()
    coach = Coach(catalogue, "lunge")
    results = [coach.step(i * 33.0, S.kneeling_lunge(), 1, 240) for i in range(3)]
    target = render(results, catalogue, 1, 240, 30.0, tmp_path / "play.mp4")
    images, _ = read_back(target)
    assert len(images) == 3 and images[0].shape == (240, 2, 3)


def png_declaring(path: Path, width: int, height: int) -> Path:
    """A PNG of a few bytes whose header declares ``width`` x ``height``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
                     + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("width, height, words", [(50_000, 50_000, "over 178 megapixels"),
                                                  (12_000, 10_001, "12000 x 10001 pixels")])
def test_an_image_over_the_maximum_is_refused_by_its_header(tmp_path, width, height, words):
    image = png_declaring(tmp_path / "huge.png", width, height)
    with pytest.raises(InputError, match=words) as caught:
        read_image(image)
    assert str(image) in str(caught.value) and "at most 120 megapixels" in str(caught.value)


class _Stream:
    """What ``stream_fps`` reads of a PyAV stream."""

    def __init__(self, average, guessed) -> None:
        self.average_rate, self.guessed_rate = average, guessed


@pytest.mark.parametrize("average, guessed, fps", [(30, 30, 30.0), (None, 25, 25.0), (90_000, 90_000, None),
                                                   (1_000_000, 24, 24.0), (0, None, None)])
def test_a_rate_no_camera_films_at_is_taken_as_unknown(average, guessed, fps):
    assert video.stream_fps(_Stream(average, guessed)) == (video.DEFAULT_FPS if fps is None else fps)
