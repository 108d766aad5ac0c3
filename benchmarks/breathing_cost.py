"""`posecoach bench breathing`: what reading the breathing costs per frame, beside the model.

The model runs once over the first frames of a rendered rest clip (masks asked for); then, with
no model in the loop, the same frames are timed through:

- the image measure's breathing part: the steady hip and shoulder and the mask's thickness
  across the trunk (``SteadyTrunk.update``, ``trunk_thickness``), at the clip's size and with the
  mask at 960 x 720 (a large frame, shrunk to the model's 960-pixel side as the review does);
- the coach's breathing part: whether an arm lies over the trunk and the meter's update, fed at
  30 frames a second for a minute (the live page's rate), the mean and the slowest frame (the
  reading is worked out afresh every 0.5 s).

Outside a breathing exercise nothing of this runs (``Session.breathing_in_play`` is false and
the Observer never calls the meter), so a frame costs what it did.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.support.places import checkout_root
from benchmarks.support.report_table import hardware_line, load_line, table
from posecoach.adapters.estimators.factory import open_estimator
from posecoach.adapters.models import provision
from posecoach.adapters.video import VideoReader
from posecoach.core.breathing import SteadyTrunk
from posecoach.engine.session import Session, image_measures
from posecoach.exercises.catalogue import Catalogue, load_catalogue

SAMPLES = checkout_root() / "sample_videos"
DEFAULT_CLIP = "constructive_rest_ok_b.mp4"


def _frames(clip: Path, n: int, model: str) -> list:
    catalogue = load_catalogue()
    out = []
    with VideoReader(clip) as reader, open_estimator(provision(model).path, "people", masks=True) as est:
        session = Session(catalogue, "constructive_rest", est)
        for i, frame in enumerate(reader.frames()):
            if i >= n:
                break
            det = session.detect(frame.rgb, frame.t_ms)
            if det.landmarks is not None and det.mask is not None:
                out.append((frame.t_ms, det, frame.rgb.shape))
    return out


def _scaled(det, width: int, height: int):
    from PIL import Image

    mask = np.asarray(Image.fromarray(det.mask.astype(np.float32), mode="F").resize((width, height), Image.BILINEAR))
    return replace(det, mask=mask)


def _per_frame_ms(fn, items, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, (time.perf_counter() - start) / len(items))
    return best * 1000.0


def image_measure_costs(frames: list, catalogue: Catalogue) -> list[list[str]]:
    """The breathing's part of the image measure per frame: the steady hip and shoulder and the
    mask's thickness across the trunk, timed on their own (the rest of ``image_measures`` is
    what it was), at the clip's size and with the mask at 960 x 720."""
    from posecoach.core.body import analyse_trunk
    from posecoach.core.breathing import trunk_thickness
    from posecoach.core.landmarks import landmarks_to_px

    rows = []
    params = catalogue.breathing
    for label, size in (("the clip's", None), ("960 x 720", (960, 720))):
        items = []
        for t_ms, det, _ in frames:
            d = det if size is None else _scaled(det, *size)
            h, w = d.mask.shape[:2]
            trunk = analyse_trunk(landmarks_to_px(d.landmarks, w, h)[None], d.landmarks[None, :, 3])
            items.append((t_ms, d.mask, trunk.hip_mid[0], trunk.shoulder_mid[0]))
        steady = SteadyTrunk(params.trunk_window_s)

        def one(item, steady=steady):
            t_ms, mask, hip, shoulder = item
            hip, shoulder = steady.update(t_ms, hip, shoulder, mask.shape[:2])
            trunk_thickness(mask, hip, shoulder, params)

        h, w = items[0][1].shape[:2]
        rows.append([f"{label} ({w} x {h})", f"{_per_frame_ms(one, items, repeat=9):.3f}"])
    return rows


def meter_costs(frames: list, catalogue: Catalogue, seconds: float = 60.0, fps: float = 30.0) -> list[list[str]]:
    """The coach's breathing per frame at ``fps`` for ``seconds``: whether an arm lies over the
    trunk, and the meter's update: the mean over all frames, and the median and 95th percentile of
    the frames that work the reading out afresh (every ``update_every_s``)."""
    from posecoach.core.body import analyse_trunk
    from posecoach.core.breathing import BreathingMeter, over_trunk
    from posecoach.core.landmarks import landmarks_to_px

    params = catalogue.breathing
    steady = SteadyTrunk(params.trunk_window_s)
    stream = []
    for i in range(int(seconds * fps)):
        t_ms, det, shape = frames[i % len(frames)]
        h, w = det.mask.shape[:2]
        measures = image_measures(det, w, h, False, params, steady, 1000.0 * i / fps)
        xy = landmarks_to_px(det.landmarks, w, h)
        trunk = analyse_trunk(xy[None], det.landmarks[None, :, 3])
        arms = xy[[13, 14, 15, 16, 25, 26]]  # elbows, wrists, knees
        stream.append((1000.0 * i / fps, measures.get("belly_rise"), measures.get("chest_rise"),
                       trunk.hip_mid[0], trunk.shoulder_mid[0], np.array([0.0, -1.0]), arms))
    # the frames on which the reading is worked out afresh (every update_every_s), once it reads
    every = max(1, round(params.update_every_s * fps))
    reading_frames = np.arange(int(params.min_window_s * fps) + every, len(stream), every)
    best_mean, best_reading, best_p95 = float("inf"), float("inf"), float("inf")
    for _ in range(5):
        meter = BreathingMeter(params)
        times = []
        for t_ms, belly, chest, hip, shoulder, up, arms in stream:
            start = time.perf_counter()
            over_trunk(hip, shoulder, up, arms, params)
            meter.update(t_ms, belly, chest)
            times.append(time.perf_counter() - start)
        worked = np.array(times)[reading_frames] * 1000.0
        best_mean = min(best_mean, float(np.mean(times)) * 1000.0)
        best_reading = min(best_reading, float(np.median(worked)))
        best_p95 = min(best_p95, float(np.percentile(worked, 95)))
    return [[f"{fps:g} frames a second, {seconds:g} s", f"{best_mean:.3f}", f"{best_reading:.3f}", f"{best_p95:.3f}"]]


def run(clip: str | None = None, frames: int = 120, model: str = "full") -> str:
    path = Path(clip) if clip else SAMPLES / DEFAULT_CLIP
    catalogue = load_catalogue()
    stored = _frames(path, frames, model)
    if not stored:
        return f"{path.name}: no frame with a pose and a mask"
    im = image_measure_costs(stored, catalogue)
    co = meter_costs(stored, catalogue)
    on = float(co[0][1])
    worst_image = max(float(r[1]) for r in im)
    reading = float(co[0][2])
    out = [f"hardware: {hardware_line()}; {load_line()}", f"clip: {path.name}, {len(stored)} frames with a pose and a mask", "",
           "The image measure's breathing part per frame (ms; best of 9 passes):", "",
           table(im, ["mask", "steady trunk + thickness"]), "",
           "The coach's breathing part per frame: arms over the trunk and the meter (ms; best of 5 passes):", "",
           table(co, ["fed", "mean", "a frame working the reading out (median)", "(95th percentile)"]), "",
           f"breathing per frame: {worst_image + on:.3f} ms on average (image measure {worst_image:.3f} at the larger"
           f" size + meter {on:.3f} in the coach), {worst_image + reading:.3f} ms on a frame that works the reading"
           f" out (one in {round(catalogue.breathing.update_every_s * 30)} at 30 frames a second); nothing outside a"
           " breathing exercise",
           f"reproduce: posecoach bench breathing{'' if clip is None else ' --clip ' + str(clip)}"]
    return "\n".join(out)
