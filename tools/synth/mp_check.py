"""Does MediaPipe find the rendered person, and how close are its joints to the truth?

Run with the coach's venv (it has mediapipe), not the synthesis venv::

    .venv/bin/python -m tools.synth.mp_check --model /path/pose_landmarker_full.task [--every 10]

For every ``--every``-th frame of each clip in ``sample_videos/index.json`` it runs the pose
landmarker (image mode) and reports, per clip: the detection rate, the median pixel error of
the near-side joints against the truth (over the trunk length), and the median absolute
error of the near-side knee, elbow and hip angles. MediaPipe's left/right labels are taken
as they come (a swap shows as a large error).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

import av
import numpy as np

MP_INDEX = {
    "nose": 0,
    "left_ear": 7,
    "right_ear": 8,
    "left_shoulder": 11,
    "right_shoulder": 12,
    "left_elbow": 13,
    "right_elbow": 14,
    "left_wrist": 15,
    "right_wrist": 16,
    "left_hip": 23,
    "right_hip": 24,
    "left_knee": 25,
    "right_knee": 26,
    "left_ankle": 27,
    "right_ankle": 28,
    "left_heel": 29,
    "right_heel": 30,
    "left_toe": 31,
    "right_toe": 32,
}
ROOT = Path(__file__).resolve().parents[2]


def _inner(a, b, c) -> float:
    u, v = np.asarray(a) - b, np.asarray(c) - b
    cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _angles(j: dict, side: str) -> dict[str, float]:
    s = side
    return {
        "knee": _inner(j[f"{s}_hip"], np.asarray(j[f"{s}_knee"]), j[f"{s}_ankle"]),
        "elbow": _inner(j[f"{s}_shoulder"], np.asarray(j[f"{s}_elbow"]), j[f"{s}_wrist"]),
        "hip": _inner(j[f"{s}_shoulder"], np.asarray(j[f"{s}_hip"]), j[f"{s}_knee"]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="pose_landmarker_*.task bundle")
    ap.add_argument("--videos", default=str(ROOT / "sample_videos"))
    ap.add_argument("--every", type=int, default=10)
    ap.add_argument("--json", default="", help="write the per-clip results here")
    args = ap.parse_args(argv)
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=args.model), running_mode=vision.RunningMode.IMAGE
    )
    vd = Path(args.videos)
    index = json.loads((vd / "index.json").read_text())
    results = []
    tot_n = tot_found = 0
    with vision.PoseLandmarker.create_from_options(opts) as lm:
        for e in index["clips"]:
            truth = json.loads((vd / e["truth"]).read_text())
            w, h = truth["width"], truth["height"]
            found = n = 0
            jerr: list[float] = []
            aerr: dict[str, list[float]] = {"knee": [], "elbow": [], "hip": []}
            with av.open(str(vd / e["clip"])) as c:
                for i, fr in enumerate(c.decode(video=0)):
                    if i % args.every:
                        continue
                    n += 1
                    img = fr.to_ndarray(format="rgb24")
                    r = lm.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=img))
                    if not r.pose_landmarks:
                        continue
                    found += 1
                    t = truth["frames"][i]
                    near = t["facing"] or "left"
                    pts = {
                        k: np.array([r.pose_landmarks[0][ix].x * w, r.pose_landmarks[0][ix].y * h]) for k, ix in MP_INDEX.items()
                    }
                    tj = {k: np.array(v) for k, v in t["joints_2d"].items()}
                    trunk = float(
                        np.linalg.norm((tj["left_shoulder"] + tj["right_shoulder"]) / 2 - (tj["left_hip"] + tj["right_hip"]) / 2)
                    )
                    for k in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle"):
                        jerr.append(float(np.linalg.norm(pts[f"{near}_{k}"] - tj[f"{near}_{k}"])) / trunk)
                    ma, ta = _angles(pts, near), _angles(tj, near)
                    for k in aerr:
                        aerr[k].append(abs(ma[k] - ta[k]))
            med = {k: round(statistics.median(v), 1) if v else None for k, v in aerr.items()}
            res = {
                "clip": e["clip"],
                "frames_checked": n,
                "detected": found,
                "joint_err_trunk": round(statistics.median(jerr), 3) if jerr else None,
                "angle_err_median": med,
            }
            results.append(res)
            tot_n += n
            tot_found += found
            print(
                f"{e['clip']:48s} found {found:3d}/{n:3d}  joint err {res['joint_err_trunk']}  "
                f"angle err knee {med['knee']} elbow {med['elbow']} hip {med['hip']}",
                flush=True,
            )
    print(f"detected {tot_found}/{tot_n} = {100.0 * tot_found / max(tot_n, 1):.1f}%")
    if args.json:
        Path(args.json).write_text(json.dumps({"model": args.model, "every": args.every, "clips": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
