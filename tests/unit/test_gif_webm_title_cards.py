"""What people have besides mp4: animated GIFs (timed by their own frame delays, as browsers
show them), a GIF of one frame (a still image), WebM; and what clips hold besides people:
title cards and cuts. Real decoding (PyAV) on media made here; the real coach on constructed
landmarks; the light measured on real frames."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from posecoach.adapters.light import light_measures
from posecoach.adapters.video import VideoReader, gif_delay_ms, input_kind, is_still_gif, read_image
from posecoach.core.coach import CUE_NO_PERSON, Coach
from posecoach.core.framing import CUE_POOR_LIGHT, light_is_poor
from posecoach.core.smoothing import OneEuroFilter
from posecoach.exercises.catalogue import load_catalogue
from posecoach.ui.uploads import check_upload, save_upload
from tests.e2e.media import darkened, sample_frames
from tests.poses import kneeling_lunge_facing_right, make_landmarks

CAT = load_catalogue()


def numbered(n: int, size: tuple[int, int] = (64, 48)) -> list[np.ndarray]:
    """``n`` frames that all differ (a GIF writer merges equal neighbours), each with its number."""
    frames = []
    for i in range(n):
        img = np.full((size[1], size[0], 3), (40 * i) % 256, np.uint8)
        cv2.putText(img, str(i), (5, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2)
        frames.append(img)
    return frames


def write_gif(path: Path, images: list[np.ndarray], delays_ms: list[int] | int) -> Path:
    pictures = [Image.fromarray(img) for img in images]
    pictures[0].save(path, save_all=len(pictures) > 1, append_images=pictures[1:], duration=delays_ms, loop=0)
    return path


def title_card(text: str = "Cobra: beginner", size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """A black frame with white text, as between the parts of an exercise video."""
    card = np.zeros((size[1], size[0], 3), np.uint8)
    cv2.putText(card, text, (90, 250), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (255, 255, 255), 3, cv2.LINE_AA)
    return card


# GIF and WebM ---------------------------------------------------------------------------------

def test_gif_frames_are_timed_by_their_delays_and_delays_under_20_ms_count_as_100(tmp_path):
    delays = [0, 10, 20, 50, 0, 100, 30]  # 0 and 10 ms: "as fast as you can", which browsers show for 100 ms
    gif = write_gif(tmp_path / "clip.gif", numbered(len(delays)), delays)
    with VideoReader(gif) as reader:
        frames = list(reader.frames())
        info = reader.info
    times = [f.t_ms for f in frames]
    assert times == pytest.approx([0, 100, 200, 220, 270, 370, 470])
    assert all(b > a for a, b in zip(times, times[1:], strict=False))
    assert [f.index for f in frames] == list(range(len(delays)))
    assert info.frames_hint == len(delays) and info.fps == pytest.approx(len(delays) / 0.5, abs=0.01)
    assert [gif_delay_ms(d) for d in (None, 0, 10, 19.9, 20, 70)] == [100, 100, 100, 100, 20, 70]


def test_a_gif_read_from_a_point_on_has_the_same_times_as_read_from_the_start(tmp_path):
    """``--workers`` reads each part of a clip from its start time on."""
    delays = [0, 40, 10, 60] * 8
    gif = write_gif(tmp_path / "clip.gif", numbered(30), delays)
    with VideoReader(gif) as reader:
        whole = [(f.t_ms, int(f.rgb.sum())) for f in reader.frames()]
    assert [t for t, _ in whole] == pytest.approx(np.cumsum([0] + [100 if d < 20 else d for d in delays[:29]]))
    with VideoReader(gif) as probe:
        origin = probe.first_time_s()
    with VideoReader(gif) as reader:
        part = [(f.t_ms, int(f.rgb.sum())) for f in reader.frames_from(1000.0, origin)]
    assert part and part == [w for w in whole if w[0] >= part[0][0]] and part[0][0] <= 1000.0 + 100.0


def test_a_one_frame_gif_is_a_still_image_read_as_its_picture(tmp_path):
    picture = sample_frames("cobra_beginner_ok", 1)[0].rgb
    still = write_gif(tmp_path / "photo.gif", [picture], 0)
    animated = write_gif(tmp_path / "clip.gif", numbered(3), 100)
    Image.fromarray(picture).save(tmp_path / "photo.png")
    assert is_still_gif(still) and not is_still_gif(animated) and not is_still_gif(tmp_path / "photo.png")
    with Image.open(still) as im:
        expected = np.asarray(im.convert("RGB"))
    assert np.array_equal(read_image(still), expected)  # the palette picture, exactly


def test_gif_and_webm_are_taken_by_the_command_and_the_pages(tmp_path):
    assert input_kind(Path("clip.gif")) == "video" and input_kind(Path("clip.webm")) == "video"
    check_upload("session.gif", 1000)
    check_upload("session.webm", 1000)
    gif = write_gif(tmp_path / "clip.gif", numbered(4), 100)
    kept = save_upload(tmp_path / "uploads", "f1", "My session.gif", gif.read_bytes())
    assert kept.parent == tmp_path / "uploads" and kept.exists()


# Title cards and cuts -------------------------------------------------------------------------

def _dark_room(rgb: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.clip(rng.normal(12, 3, rgb.shape), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("picture, poor", [
    ("title card", False),  # black with white text
    ("two-line title card", False),
    ("black frame", False),  # a cut to black
    ("grey frame", False),  # a blank one-colour frame
    ("rendered room at a tenth of its light", True),  # the person there, unseen: the light is the reason
    ("dark room with sensor noise", True),
])
def test_with_nobody_found_only_a_picture_dim_throughout_is_poor_light(picture, poor):
    rendered = sample_frames("lunge_kneeling_ok_a", 100)[-1].rgb
    two_lines = title_card()
    cv2.putText(two_lines, "Hold for 30 seconds", (60, 330), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 3)
    rgb = {"title card": title_card(), "two-line title card": two_lines, "black frame": np.zeros_like(rendered),
           "grey frame": np.full_like(rendered, 128), "rendered room at a tenth of its light": darkened(rendered, 0.1),
           "dark room with sensor noise": _dark_room(rendered)}[picture]
    measures = light_measures(rgb)  # no landmarks: nobody found
    assert light_is_poor(measures) is poor, measures
    result = Coach(CAT, "lunge").step(0.0, None, 640, 480, measures)
    assert result.cues == ([CUE_POOR_LIGHT] if poor else [CUE_NO_PERSON])


def lunge_px(dx_px: float) -> np.ndarray:
    return make_landmarks({k: (x + dx_px, y) for k, (x, y) in kneeling_lunge_facing_right().items()})


def test_a_cut_to_another_scene_carries_no_stale_smoothed_landmarks_across():
    coach = Coach(CAT, "lunge")
    light = {"brightness": 0.6, "contrast": 0.15, "subject_brightness": 0.5}
    for i in range(30):  # a second of one scene
        coach.step(i * 33.3, lunge_px(0.0), 640, 480, light)
    after = lunge_px(-150.0)  # the next scene: the person elsewhere in the picture, from one frame to the next
    cut = coach.step(30 * 33.3, after, 640, 480, light)
    assert np.allclose(cut.landmarks_px, after[:, :2] * [640, 480], atol=1e-6)  # the new scene's points, not a blend
    moved = coach.step(31 * 33.3, lunge_px(-145.0), 640, 480, light)  # an ordinary movement afterwards is smoothed
    assert not np.allclose(moved.landmarks_px, lunge_px(-145.0)[:, :2] * [640, 480], atol=0.5)


def test_the_one_euro_filter_restarts_on_a_jump_but_not_on_a_fast_movement():
    f = OneEuroFilter()
    points = np.zeros((33, 2))
    for i in range(20):
        f(points + 0.02 * i, i * 33.3)  # 0.02 image sizes a frame: as fast as the rendered clips move
    fast = f(points + 0.02 * 20, 20 * 33.3)
    assert not np.allclose(fast, points + 0.4)  # smoothed: it lags a little behind
    jumped = f(points + 0.7, 21 * 33.3)
    assert np.allclose(jumped, points + 0.7)  # a cut: the new points as they are
