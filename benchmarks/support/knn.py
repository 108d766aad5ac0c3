"""`posecoach bench real --classifier`: the hand rules against a k-nearest-neighbour classifier.

The rules recognise an exercise from anatomy (which way the body lies, which joints bend).
The alternative, in the spirit of MediaPipe's pose classifier, votes among the nearest labelled
poses: each pose is the 2D landmarks of the body (face and hands left out) centred on the hips,
scaled by the torso and turned so the body faces image right (a pose and its mirror are the same
exercise). It is trained on the rendered clips (their truth per frame) and on the dev part of the
real clips (their windows labelled by eye), and both are scored on the held-aside part, frame by
frame, with the same causal vote over a second, so the figure says which generalises better to
bodies and cameras neither has seen.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posecoach.core import landmarks as lm
from posecoach.core.recognize import Recognition, RecognitionSmoother

BODY = [lm.NOSE, *lm.SHOULDER, *lm.ELBOW, *lm.WRIST, *lm.HIP, *lm.KNEE, *lm.ANKLE, *lm.HEEL, *lm.FOOT]
NONE = "none"


def embed(landmarks: np.ndarray, width: int, height: int) -> np.ndarray | None:
    """A pose as a vector: body landmarks in pixels, centred on the hips, divided by the torso
    size, mirrored so the nose is on the right of the hips' vertical (facing image right)."""
    if landmarks is None:
        return None
    xy = lm.landmarks_to_px(landmarks[BODY], width, height)
    vis = landmarks[BODY, 3]
    hips = (xy[BODY.index(lm.LEFT_HIP)] + xy[BODY.index(lm.RIGHT_HIP)]) / 2
    shoulders = (xy[BODY.index(lm.LEFT_SHOULDER)] + xy[BODY.index(lm.RIGHT_SHOULDER)]) / 2
    torso = float(np.hypot(*(shoulders - hips)))
    if torso < 1e-6 or vis[[BODY.index(i) for i in (*lm.HIP, *lm.SHOULDER)]].max() < 0.5:
        return None
    rel = (xy - hips) / max(torso, float(np.max(np.hypot(*(xy - hips).T))) / 2.5)
    # Face image right: the feet and the face decide, as a person would (mirror otherwise).
    nose_x = rel[0, 0] - (shoulders[0] - hips[0]) / torso
    toes_x = np.mean(rel[[BODY.index(i) for i in lm.FOOT], 0] - rel[[BODY.index(i) for i in lm.HEEL], 0])
    if (toes_x if abs(toes_x) > 0.05 else nose_x) < 0:
        rel[:, 0] = -rel[:, 0]
    # Left and right labels swap in the model's output: order each pair by depth in the picture.
    out = rel.copy()
    for k in range(1, len(BODY), 2):
        a, b = out[k], out[k + 1]
        if a[0] > b[0]:
            out[k], out[k + 1] = b.copy(), a.copy()
    return out.ravel()


@dataclass
class KNN:
    """k nearest neighbours with a vote weighted by closeness; confidence is the winning share."""

    x: np.ndarray
    y: list[str]
    k: int = 10

    def predict(self, v: np.ndarray | None) -> Recognition:
        if v is None:
            return Recognition(None, 0.0)
        d = np.sqrt(((self.x - v) ** 2).sum(axis=1))
        idx = np.argpartition(d, min(self.k, len(d) - 1))[: self.k]
        votes: dict[str, float] = defaultdict(float)
        for i in idx:
            votes[self.y[i]] += 1.0 / (d[i] + 1e-3)
        best = max(votes, key=votes.get)
        share = votes[best] / sum(votes.values())
        return Recognition(None if best == NONE else best, round(float(share), 2))


def training_set(rendered: list[tuple[Path, object]], real: list[tuple[object, list]]) -> KNN:
    """``rendered``: (truth file, landmarks doc); ``real``: (landmarks doc, windows of the dev part)."""
    xs, ys = [], []
    for truth_path, doc in rendered:
        truth = json.loads(Path(truth_path).read_text())["frames"]
        for i, (_, lms, _) in enumerate(doc.frames[: len(truth)]):
            v = embed(lms, doc.width, doc.height)
            if v is not None:
                xs.append(v)
                ys.append(truth[i].get("exercise") or NONE)
    for doc, windows in real:
        for t, lms, _ in doc.frames:
            win = next((w for w in windows if w.start_s * 1000 <= t < w.end_s * 1000), None)
            if win is None or len(win.exercise) != 1:
                continue  # transitions (either is fine) do not teach
            v = embed(lms, doc.width, doc.height)
            if v is not None:
                xs.append(v)
                ys.append(win.main_exercise or NONE)
    return KNN(np.array(xs), ys)


def recognise_clip(knn: KNN, doc, every_ms: float = 100.0) -> list[Recognition]:
    """Per-frame recognition of a clip by the classifier, through the coach's causal vote."""
    sm = RecognitionSmoother()
    out, last = [], None
    for t, lms, _ in doc.frames:
        if last is None or t - last[0] >= every_ms or lms is None:
            rec = sm.update(t, knn.predict(embed(lms, doc.width, doc.height)))
            last = (t, rec)
        out.append(last[1])
    return out
