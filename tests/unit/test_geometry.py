import numpy as np
import pytest

from posecoach.core.geometry import (
    front_angle_deg,
    inner_angle_deg,
    line_tilt_deg,
    tilt_from_vertical_deg,
)
from posecoach.core.landmarks import landmarks_to_px


def test_a_right_angle_is_90():
    assert inner_angle_deg(np.array([0.0, -10]), np.array([0.0, 0]), np.array([10.0, 0])) == pytest.approx(90)


def test_straight_is_180_and_folded_is_0():
    assert inner_angle_deg(np.array([-1.0, 0]), np.zeros(2), np.array([1.0, 0])) == pytest.approx(180)
    assert inner_angle_deg(np.array([1.0, 0]), np.zeros(2), np.array([2.0, 0])) == pytest.approx(0)


def test_aspect_ratio_is_restored_before_measuring():
    # A right angle in a 640x480 picture, given as normalised landmarks.
    width, height = 640, 480
    px = np.array([[420.0, 140], [320, 240], [420, 340]])
    norm = px / [width, height]
    assert inner_angle_deg(*norm) != pytest.approx(90, abs=1)  # normalised units distort it
    lms = np.zeros((33, 4))
    lms[[11, 23, 25], :2] = norm
    restored = landmarks_to_px(lms, width, height)[[11, 23, 25]]
    assert inner_angle_deg(*restored) == pytest.approx(90)
    assert np.allclose(restored, px)


def test_angles_vectorise_over_frames():
    a = np.array([[0.0, -1], [-1, 0], [0, -1]])
    b = np.zeros((3, 2))
    c = np.array([[1.0, 0], [1, 0], [0, 1]])
    assert np.allclose(inner_angle_deg(a, b, c), [90, 180, 180])


@pytest.mark.parametrize(
    "thigh, expected",
    [
        ((0, 1), 180),  # thigh straight down under an upright trunk
        ((-1, 1), 225),  # thigh behind the trunk: hip extension reads above 180
        ((1, 1), 135),  # thigh forward: flexion reads below 180
        ((1, -0.2), 78.7),  # knee drawn toward the chest
    ],
)
def test_front_side_hip_angle_facing_right(thigh, expected):
    shoulder, hip = np.array([0.0, -10]), np.zeros(2)
    belly = np.array([1.0, 0])  # facing image right
    assert front_angle_deg(shoulder, hip, np.array(thigh, float), belly) == pytest.approx(expected, abs=0.1)


@pytest.mark.parametrize("thigh", [(0, 1), (-1, 1), (1, 1), (1, -0.2), (-0.3, 1)])
def test_front_side_angle_does_not_depend_on_which_way_the_person_faces(thigh):
    shoulder, hip = np.array([0.0, -10]), np.zeros(2)
    right = front_angle_deg(shoulder, hip, np.array(thigh, float), np.array([1.0, 0]))
    mirrored = np.array([-thigh[0], thigh[1]], float)
    left = front_angle_deg(shoulder, hip, mirrored, np.array([-1.0, 0]))
    assert right == pytest.approx(left)


def test_sagging_plank_reads_above_180_and_piked_below():
    # Prone, head to the right, belly down (+y in the image).
    belly = np.array([0.0, 1])
    shoulder, ankle = np.array([100.0, 0]), np.array([-100.0, 0])
    sag = front_angle_deg(shoulder, np.array([0.0, 15]), ankle, belly)
    pike = front_angle_deg(shoulder, np.array([0.0, -15]), ankle, belly)
    assert sag > 190 and pike < 170


def test_trunk_lean_sign_follows_facing_direction():
    hip = np.array([0.0, 0])
    ahead = np.array([10.0, -100])
    assert tilt_from_vertical_deg(hip, ahead, np.array(1.0)) == pytest.approx(5.7, abs=0.1)
    assert tilt_from_vertical_deg(hip, ahead, np.array(-1.0)) == pytest.approx(-5.7, abs=0.1)
    assert np.isnan(tilt_from_vertical_deg(hip, np.array([0.0, 100]), np.array(1.0)))


def test_hip_level_positive_when_left_hip_higher():
    # Front view: the person's left hip appears on image right.
    assert line_tilt_deg(np.array([110.0, 95]), np.array([90.0, 100])) == pytest.approx(14.0, abs=0.1)
    assert line_tilt_deg(np.array([110.0, 100]), np.array([90.0, 100])) == pytest.approx(0)


def test_missing_points_give_nan():
    nan = np.array([np.nan, np.nan])
    assert np.isnan(inner_angle_deg(nan, np.zeros(2), np.array([1.0, 0])))
