"""Draw a FrameResult onto an RGB frame: skeleton coloured by check state, angles next to
their joints, the current cue in large type, and the hold timer."""

from __future__ import annotations

import cv2
import numpy as np

from posecoach.core import landmarks as lm
from posecoach.core.coach import FrameResult

# RGB colours
GOOD = (46, 204, 64)
BAD = (230, 57, 70)
UNSURE = (170, 170, 170)
WHITE = (255, 255, 255)
INK = (20, 20, 20)
FONT = cv2.FONT_HERSHEY_DUPLEX


def _state_colour(result: FrameResult) -> tuple[int, int, int]:
    states = set(result.checks.values())
    if "fail" in states:
        return BAD
    if states and states <= {"pass"}:
        return GOOD
    if "pass" in states and "unknown" in states:
        return UNSURE
    return UNSURE


def _label(img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour, thickness: int = 1) -> None:
    (w, h), base = cv2.getTextSize(text, FONT, scale, thickness)
    x, y = org
    x = int(min(max(2, x), img.shape[1] - w - 2))
    y = int(min(max(h + 2, y), img.shape[0] - base - 2))
    cv2.rectangle(img, (x - 3, y - h - 3), (x + w + 3, y + base + 2), INK, -1)
    cv2.putText(img, text, (x, y), FONT, scale, colour, thickness, cv2.LINE_AA)


def draw(rgb: np.ndarray, result: FrameResult, mirror: bool = False) -> np.ndarray:
    """Return a copy of ``rgb`` with the coach's view drawn on it.

    ``mirror`` flips the picture for a selfie display; labels stay readable and the
    anatomical sides reported are unchanged.
    """
    img = np.ascontiguousarray(rgb[:, ::-1] if mirror else rgb).copy()
    h, w = img.shape[:2]
    scale = max(0.45, min(w, h) / 900)
    thick = max(2, int(round(min(w, h) / 240)))
    if result.landmarks_px is not None:
        pts = result.landmarks_px.copy()
        if mirror:
            pts[:, 0] = w - 1 - pts[:, 0]
        vis = result.visibility if result.visibility is not None else np.ones(len(pts))
        colour = _state_colour(result)
        for a, b in lm.SKELETON:
            if vis[a] < 0.5 or vis[b] < 0.5:
                continue
            cv2.line(img, tuple(int(v) for v in pts[a]), tuple(int(v) for v in pts[b]), colour, thick, cv2.LINE_AA)
        for i, p in enumerate(pts):
            if i > 10 or i == 0:
                if vis[i] >= 0.5:
                    cv2.circle(img, (int(p[0]), int(p[1])), thick + 1, WHITE, -1, cv2.LINE_AA)
        for name, idx in result.anchors.items():
            value = result.angles.get(name)
            if value is None or name in ("back_knee_lift", "lumbar_curve"):
                continue
            x, y = pts[idx]
            _label(img, f"{name} {value:.0f}", (int(x) + 10, int(y) - 10), scale * 0.8, WHITE)
    y = int(40 * scale * 2)
    if result.cues:
        _label(img, result.cues[0], (12, y), scale * 1.3, (255, 220, 80), 2)
    hold = result.hold
    if hold.exercise:
        side = f" {hold.side}" if hold.side else ""
        done = " done" if hold.complete else ""
        text = f"{hold.exercise}{side}: {hold.good_form_s:4.1f} / {hold.target_s:.0f} s{done}"
        _label(img, text, (12, h - 16), scale, GOOD if hold.counting else WHITE, 1)
    return img
