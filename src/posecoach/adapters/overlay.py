"""Drawing the coach's view on a frame: the skeleton coloured by check state, angles next to
their joints, the current cue in large type, and the hold timer.

Colours are RGB. Positions are pixels, y down. Text uses OpenCV's Hershey font (ASCII only).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import cv2
import numpy as np

from posecoach.core import landmarks as lm
from posecoach.core.coach import FrameResult
from posecoach.core.holds import HoldStatus

MeasureLabel = Callable[[str, float], str]  # (measure id, value in its unit) -> the label drawn
HoldLabel = Callable[[HoldStatus], str]  # the hold timer's label

# RGB colours
GOOD = (46, 204, 64)
BAD = (230, 57, 70)
UNSURE = (170, 170, 170)
WHITE = (255, 255, 255)
CUE = (255, 220, 80)
INK = (20, 20, 20)
FONT = cv2.FONT_HERSHEY_DUPLEX
DIM_35 = (np.arange(256) * 0.35).astype(np.uint8)  # darkens the cue's band to 35%
VERDICT_COLOUR = {"pass": GOOD, "fail": BAD, "unknown": UNSURE}
# Not drawn at a joint: not angles, or an angle drawn already under another name.
HIDDEN_MEASURES = ("back_shin_rise", "hip_height", "back_knee_height", "kneeling_back_hip", "lumbar_curve")
MIN_VISIBILITY = lm.MIN_VISIBILITY


def _state_colour(result: FrameResult) -> tuple[int, int, int]:
    """The whole skeleton's colour: red if any check fails, green if all pass, else grey."""
    states = set(result.checks.values())
    if "fail" in states:
        return BAD
    if states and states <= {"pass"}:
        return GOOD
    return UNSURE


def measure_verdicts(result: FrameResult, spec) -> dict[str, str]:
    """Each measure's worst verdict over the checks that use it (fail, then unknown, then pass).

    ``spec`` is the exercise's ``ExerciseSpec`` (anything with ``checks`` of ``conditions``).
    """
    rank = {"fail": 2, "unknown": 1, "pass": 0}
    out: dict[str, str] = {}
    for check in getattr(spec, "checks", ()):
        verdict = result.checks.get(check.id, "unknown")
        for cond in check.conditions:
            if rank[verdict] >= rank.get(out.get(cond.measure, "pass"), 0):
                out[cond.measure] = verdict
    return out


Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels


@functools.lru_cache(maxsize=1024)
def _text_size(text: str, scale: float, thickness: int) -> tuple[tuple[int, int], int]:
    """``cv2.getTextSize`` in FONT, remembered: labels repeat from frame to frame."""
    return cv2.getTextSize(text, FONT, scale, thickness)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label(img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour, thickness: int = 1,
           taken: list[Box] | None = None) -> None:
    """Text on a dark box at ``org`` (its baseline's left end), kept inside the image and, when
    ``taken`` lists boxes already drawn, moved down until it covers none of them."""
    (w, h), base = _text_size(text, scale, thickness)
    x, y = org
    x = int(min(max(4, x), img.shape[1] - w - 4))
    y = int(min(max(h + 4, y), img.shape[0] - base - 4))
    if taken is not None:
        for _ in range(6):
            box = (x - 4, y - h - 4, x + w + 4, y + base + 3)
            if not any(_overlaps(box, other) for other in taken) or y + h + base + 8 > img.shape[0] - base - 4:
                break
            y += h + base + 8
        taken.append((x - 4, y - h - 4, x + w + 4, y + base + 3))
    cv2.rectangle(img, (x - 4, y - h - 4), (x + w + 4, y + base + 3), INK, -1)
    cv2.putText(img, text, (x, y), FONT, scale, colour, thickness, cv2.LINE_AA)


@functools.lru_cache(maxsize=256)
def _wrapped(text: str, max_width_px: int, scale: float, thickness: int) -> tuple[str, ...]:
    return tuple(_wrap(text, max_width_px, scale, thickness))


def wrap(text: str, max_width_px: int, scale: float, thickness: int) -> list[str]:
    """Split ``text`` into lines no wider than ``max_width_px`` at this font scale."""
    return list(_wrapped(text, max_width_px, scale, thickness))


def _wrap(text: str, max_width_px: int, scale: float, thickness: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and _text_size(trial, scale, thickness)[0][0] <= max_width_px:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def _cue(img: np.ndarray, text: str, scale: float) -> None:
    """The cue across the top in large type, wrapped to the frame's width."""
    thick = max(2, int(round(scale * 1.6)))
    lines = _wrapped(text, img.shape[1] - 24, scale, thick)
    line_h = _text_size("Ag", scale, thick)[0][1] + int(14 * scale)
    band = 12 + line_h * len(lines)
    img[:band] = cv2.LUT(img[:band], DIM_35)  # the same as (img * 0.35).astype(uint8), a table look-up
    for i, line in enumerate(lines):
        y = 8 + line_h * (i + 1) - int(6 * scale)
        cv2.putText(img, line, (12, y), FONT, scale, CUE, thick, cv2.LINE_AA)


def _id_label(name: str, value: float) -> str:
    return f"{name.replace('_', ' ')} {round(value)}"  # no '-0'


def _hold_label(hold: HoldStatus) -> str:
    side = f" {hold.side}" if hold.side else ""
    done = " done" if hold.complete else ""
    return f"{hold.exercise}{side}: {hold.good_form_s:4.1f} / {hold.target_s:.0f} s{done}"


def _skeleton(img: np.ndarray, result: FrameResult, pts: np.ndarray, spec, scale: float, thick: int,
              label_of: MeasureLabel = _id_label) -> None:
    vis = result.visibility if result.visibility is not None else np.ones(len(pts))
    colour = _state_colour(result)
    for a, b in lm.SKELETON:
        if vis[a] < MIN_VISIBILITY or vis[b] < MIN_VISIBILITY:
            continue
        cv2.line(img, tuple(int(v) for v in pts[a]), tuple(int(v) for v in pts[b]), colour, thick, cv2.LINE_AA)
    for i, p in enumerate(pts):
        if (i > 10 or i == 0) and vis[i] >= MIN_VISIBILITY:
            cv2.circle(img, (int(p[0]), int(p[1])), thick + 1, WHITE, -1, cv2.LINE_AA)
    verdicts = measure_verdicts(result, spec) if spec is not None else {}
    taken: list[Box] = []
    for name, idx in result.anchors.items():
        value = result.angles.get(name)
        if value is None or not math.isfinite(value) or name in HIDDEN_MEASURES:
            continue
        x, y = (int(v) for v in pts[idx])
        state = VERDICT_COLOUR.get(verdicts.get(name, ""), WHITE)
        if name in verdicts:
            cv2.circle(img, (x, y), thick * 4, state, thick, cv2.LINE_AA)
        _label(img, label_of(name, value), (x + 12, y - 12), scale * 0.8, state, taken=taken)


def draw(rgb: np.ndarray, result: FrameResult, mirror: bool = False, spec=None, copy: bool = True,
         label_of: MeasureLabel | None = None, hold_label: HoldLabel | None = None) -> np.ndarray:
    """Return a copy of ``rgb`` with the coach's view drawn on it.

    ``mirror`` flips the picture for a selfie display; labels stay readable and the
    anatomical sides reported are unchanged. ``spec`` (the exercise's ``ExerciseSpec``)
    colours each joint and its angle by the verdict of the checks that use it. ``copy``
    False draws on ``rgb`` itself when it can (a writable, contiguous frame nobody needs
    afterwards), saving a copy of the frame. ``label_of`` and ``hold_label`` word the joint
    labels and the hold timer (by default the measure ids and the exercise id).
    """
    img = np.ascontiguousarray(rgb[:, ::-1] if mirror else rgb)
    if img is rgb and (copy or not rgb.flags.writeable):  # a flipped or scattered frame is a new array already
        img = img.copy()
    h, w = img.shape[:2]
    scale = max(0.45, min(w, h) / 900)
    thick = max(2, int(round(min(w, h) / 240)))
    if result.landmarks_px is not None:
        pts = result.landmarks_px.copy()
        if mirror:
            pts[:, 0] = w - 1 - pts[:, 0]
        _skeleton(img, result, pts, spec, scale, thick, label_of or _id_label)
    if result.cues:
        _cue(img, result.cues[0], scale * 1.3)
    hold = result.hold
    if hold.exercise:
        _label(img, (hold_label or _hold_label)(hold), (12, h - 16), scale * 1.1, GOOD if hold.counting else WHITE, 1)
    return img
