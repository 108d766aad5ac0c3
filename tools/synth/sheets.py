"""Contact sheets: a few decoded frames of each clip with its 2D truth joints drawn.

Usage: python -m tools.synth.sheets [--videos sample_videos] [--out /tmp/synth_sheets]
Writes one PNG per exercise (one row per clip).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import av
import cv2
import numpy as np

from .make_samples import ROOT

BONES = [
    ("shoulder", "elbow"),
    ("elbow", "wrist"),
    ("shoulder", "hip"),
    ("hip", "knee"),
    ("knee", "ankle"),
    ("ankle", "heel"),
    ("heel", "toe"),
    ("ankle", "toe"),
]
SHOW = (
    "front_knee",
    "back_hip",
    "trunk_lean",
    "elbow",
    "hip",
    "knee",
    "bent_hip",
    "straight_knee",
    "hang_hip",
    "body_line",
    "hip_level",
    "neck",
    "front_shin_vertical",
    "ankle_knee_dist",
    "knee_gap",
    "hip_height",
)


def _frames(path: Path, picks: list[int]) -> dict[int, np.ndarray]:
    out = {}
    with av.open(str(path)) as c:
        for i, fr in enumerate(c.decode(video=0)):
            if i in picks:
                out[i] = fr.to_ndarray(format="rgb24")
    return out


def _draw(img: np.ndarray, fr: dict) -> np.ndarray:
    img = img.copy()
    j = fr["joints_2d"]
    for side, col in (("left", (255, 200, 0)), ("right", (0, 200, 255))):
        for a, b in BONES:
            pa, pb = j[f"{side}_{a}"], j[f"{side}_{b}"]
            cv2.line(img, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])), col, 1, cv2.LINE_AA)
        for k, p in j.items():
            if k.startswith(side):
                cv2.circle(img, (int(p[0]), int(p[1])), 3, col, -1, cv2.LINE_AA)
    cv2.circle(img, (int(j["nose"][0]), int(j["nose"][1])), 3, (255, 0, 0), -1)
    a = fr["angles_2d"]
    lines = [f"{fr['t_ms']}ms {fr['exercise']} {fr['phase']} {fr['view']} f={fr['facing']} s={fr['side']}"]
    vals = [f"{k}={a[k]:.0f}" if abs(a[k]) >= 3 else f"{k}={a[k]:.2f}" for k in SHOW if a.get(k) is not None]
    lines += [" ".join(vals[i : i + 4]) for i in range(0, len(vals), 4)]
    lines.append(f"lumbar={fr['lumbar_curve_2d']:.3f}")
    lines += [" ".join(f"{k}:{v}" for k, v in list(fr["checks"].items())[i : i + 3]) for i in range(0, len(fr["checks"]), 3)]
    for n, line in enumerate(lines):
        cv2.putText(img, line, (4, 16 + 16 * n), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
    return img


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--videos", default=str(ROOT / "sample_videos"))
    ap.add_argument("--out", default="/tmp/synth_sheets")
    ap.add_argument("--per-row", type=int, default=4)
    args = ap.parse_args(argv)
    vd, out = Path(args.videos), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    index = json.loads((vd / "index.json").read_text())
    groups: dict[str, list[dict]] = {}
    for e in index["clips"]:
        groups.setdefault(e["exercise"] or "standing", []).append(e)
    for ex, entries in groups.items():
        rows = []
        for e in entries:
            truth = json.loads((vd / e["truth"]).read_text())
            n = len(truth["frames"])
            picks = [int(round(x)) for x in np.linspace(0, n - 1, args.per_row + 2)[1:-1]]
            frames = _frames(vd / e["clip"], picks)
            tiles = [_draw(frames[p], truth["frames"][p]) for p in picks]
            row = np.concatenate(tiles, axis=1)
            cv2.putText(row, e["clip"], (4, row.shape[0] - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (120, 0, 0), 2)
            rows.append(row)
        sheet = np.concatenate(rows, axis=0)
        cv2.imwrite(str(out / f"{ex}.png"), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
        print(out / f"{ex}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
