"""`posecoach analyze` on what people have besides mp4, made here from a rendered sample clip:
an animated GIF (with the 0 and 10 ms delays many GIFs carry), a GIF of one frame, WebM
(VP8 and VP9); and a clip that opens with a black title card and cuts to the exercise. The
real decoder and the real model; each is judged as the mp4 is."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from PIL import Image

from posecoach.core.framing import CUE_POOR_LIGHT
from tests.conftest import SAMPLES
from tests.e2e.media import analyse, best_hold, sample_frames, write_video

pytestmark = pytest.mark.slow

CLIP = "cobra_beginner_ok"
NO_PERSON = "Step into the camera's view"


def pass_shares(report: dict) -> dict[str, float]:
    return {cid: c["pass"] / max(1, c["pass"] + c["fail"] + c["unknown"]) for cid, c in report["summary"]["checks"].items()}


def assert_judged_alike(rep: dict, ref: dict) -> None:
    """The same exercise, each check passing about as often, and the same hold."""
    assert [s["exercise"] for s in rep["summary"]["segments"]] == [s["exercise"] for s in ref["summary"]["segments"]]
    ours, theirs = pass_shares(rep), pass_shares(ref)
    assert ours.keys() == theirs.keys()
    for cid in theirs:
        assert abs(ours[cid] - theirs[cid]) < 0.1, (cid, ours, theirs)
    assert best_hold(rep) == pytest.approx(best_hold(ref), abs=1.0)


@pytest.fixture(scope="module")
def reference(posecoach, full_model) -> dict:
    """The rendered mp4 itself, as everything below is compared with it."""
    rep = analyse(posecoach, SAMPLES / f"{CLIP}.mp4")
    assert [s["exercise"] for s in rep["summary"]["segments"]] == ["cobra"] and best_hold(rep) > 3.0
    return rep


@pytest.fixture(scope="module")
def frames():
    return sample_frames(CLIP)


def test_an_animated_gif_is_a_clip_timed_by_its_own_delays(tmp_path, posecoach, reference, frames):
    images = [Image.fromarray(f.rgb) for f in frames[::3]]  # 10 a second, as GIFs often are...
    gif = tmp_path / "cobra.gif"
    # ...written with delays of 0 and 10 ms, which browsers (and posecoach) show for 100 ms each
    images[0].save(gif, save_all=True, append_images=images[1:], duration=[0, 10] * len(images), loop=0)
    with Image.open(gif) as im:  # the writer merges equal neighbours, adding up their delays
        delays = [frame.info.get("duration", 0) for frame in _each_frame(im)]
    expected_t = np.cumsum([0] + [d if d >= 20 else 100 for d in delays[:-1]])

    rep = analyse(posecoach, gif)
    times = [f["t_ms"] for f in rep["frames"]]
    assert times == pytest.approx(expected_t, abs=1.0)
    assert all(b - a >= 20 for a, b in zip(times, times[1:], strict=False))
    assert abs(times[-1] - frames[-1].t_ms) < 300  # it plays as long as the clip it was made from
    assert rep["fps"] == pytest.approx(len(delays) * 1000.0 / sum(d if d >= 20 else 100 for d in delays), abs=0.01)
    assert_judged_alike(rep, reference)


def _each_frame(im: Image.Image):
    for i in range(im.n_frames):
        im.seek(i)
        yield im


def test_a_gif_of_one_frame_is_a_still_image_like_a_png(tmp_path, posecoach, frames):
    picture = Image.fromarray(frames[150].rgb)  # in the hold
    picture.save(tmp_path / "photo.gif")
    with Image.open(tmp_path / "photo.gif") as im:
        im.convert("RGB").save(tmp_path / "photo.png")  # the same palette picture, as a PNG
    gif, png = analyse(posecoach, tmp_path / "photo.gif"), analyse(posecoach, tmp_path / "photo.png")
    assert gif["fps"] is None and png["fps"] is None  # a picture, not a clip
    assert len(gif["frames"]) == 1 and gif["frames"][0]["exercise"] == png["frames"][0]["exercise"] == "cobra"
    assert gif["frames"][0]["checks"] == png["frames"][0]["checks"]
    assert gif["frames"][0]["angles"] == png["frames"][0]["angles"]


@pytest.mark.parametrize("codec", ["libvpx", "libvpx-vp9"])  # VP8, VP9
def test_a_webm_is_judged_as_the_mp4(tmp_path, posecoach, reference, frames, codec):
    clip = write_video(tmp_path / "cobra.webm", [f.rgb for f in frames], [f.t_ms for f in frames], codec=codec)
    rep = analyse(posecoach, clip)
    assert len(rep["frames"]) == len(reference["frames"]) and rep["fps"] == pytest.approx(30.0)
    assert [f["t_ms"] for f in rep["frames"]] == pytest.approx([f["t_ms"] for f in reference["frames"]], abs=1.0)
    assert_judged_alike(rep, reference)


def title_card(text: str) -> np.ndarray:
    card = np.zeros((480, 640, 3), np.uint8)
    cv2.putText(card, text, (90, 250), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (255, 255, 255), 3, cv2.LINE_AA)
    return card


def test_a_title_card_and_a_cut_to_black_are_not_poor_light(tmp_path, posecoach, reference, frames):
    card = title_card("Cobra: beginner")
    images = [card] * 30 + [f.rgb for f in frames] + [np.zeros_like(card)] * 15  # 1 s of title, the clip, 0.5 s of black
    clip = write_video(tmp_path / "titled.mp4", images)
    rep = analyse(posecoach, clip)
    assert not [f["t_ms"] for f in rep["frames"] if CUE_POOR_LIGHT in f["cues"]]
    assert all(not f["pose"] and f["cues"] == [NO_PERSON] for f in rep["frames"][:30])
    assert all(not f["pose"] and f["cues"] == [NO_PERSON] for f in rep["frames"][-10:])
    assert [s["exercise"] for s in rep["summary"]["segments"]] == ["cobra"]
    assert best_hold(rep) == pytest.approx(best_hold(reference), abs=1.0)

    cv2.imwrite(str(tmp_path / "title.png"), card)
    still = analyse(posecoach, tmp_path / "title.png")
    assert still["frames"][0]["cues"] == [NO_PERSON] and set(still["frames"][0]["checks"].values()) <= {"unknown"}
    assert json.dumps(still).count(CUE_POOR_LIGHT) == 0
