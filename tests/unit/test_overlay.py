"""The overlay: a mirrored (selfie) display flips the picture, never the engine's anatomy."""

import numpy as np

from posecoach.adapters.overlay import draw
from posecoach.core.coach import Coach
from posecoach.exercises.catalogue import load_catalogue
from tests import stick as S


def test_mirrored_display_flips_the_drawing_only():
    lms = S.kneeling_lunge()
    result = Coach(load_catalogue(), "lunge").step(0.0, lms, 640, 480)
    bare = type(result)(**{**result.__dict__, "anchors": {}, "cues": [],
                           "hold": type(result.hold)(None, None, 0.0, 0.0, False, False, None)})
    frame = np.full((480, 640, 3), 90, np.uint8)
    plain, mirrored = draw(frame, bare), draw(frame, bare, mirror=True)
    drawn = (plain != 90).any(axis=2)
    assert drawn.sum() > 500  # the skeleton is there
    assert ((mirrored != 90).any(axis=2) == drawn[:, ::-1]).mean() > 0.99
    assert (result.facing, result.side) == ("right", "left")  # the engine's answer is unchanged by any display


def test_angle_labels_read_as_whole_degrees_never_minus_zero_or_nan(monkeypatch):
    import math

    import posecoach.adapters.overlay as overlay

    result = Coach(load_catalogue(), "lunge").step(0.0, S.kneeling_lunge(), 640, 480)
    names = [n for n in result.anchors if n in result.angles and n not in overlay.HIDDEN_MEASURES]
    assert len(names) >= 2
    angles = {**result.angles, names[0]: -0.3, names[1]: math.nan}
    shown = type(result)(**{**result.__dict__, "angles": angles})
    labels: list[str] = []
    real_label = overlay._label
    monkeypatch.setattr(overlay, "_label", lambda img, text, *a, **k: labels.append(text) or real_label(img, text, *a, **k))
    draw(np.full((480, 640, 3), 90, np.uint8), shown)
    label = names[0].replace("_", " ")
    assert f"{label} 0" in labels and f"{label} -0" not in labels
    assert not any(t.startswith(names[1].replace("_", " ") + " ") for t in labels)  # NaN: no label, no crash
    assert not any("nan" in t for t in labels)
