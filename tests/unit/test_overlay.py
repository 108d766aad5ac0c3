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
