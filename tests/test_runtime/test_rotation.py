# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Which way up a face is cut: every rule of runtime/rotation.py, with hand
values."""
import numpy as np
import pytest

from hih_mmpose.runtime.rotation import (MIN_ROLL, choose_turns,
                                         crop_rotations, eye_line_angle,
                                         oriented_landmark_box, turn_plan,
                                         turned_rotation, unturn_keypoints)


def test_eye_line_angle_makes_the_eyes_level():
    assert eye_line_angle(np.array([0., 0.]), np.array([1., 0.])) == 0
    assert eye_line_angle(np.array([0., 0.]), np.array([0., 1.])) == 90
    assert eye_line_angle(np.array([1., 0.]), np.array([0., 0.])) == 180
    np.testing.assert_allclose(
        eye_line_angle(np.array([[0., 0.]]), np.array([[1., -1.]])), [-45])


def test_small_rolls_are_cropped_as_boxed():
    angles = np.array([0., 14.9, -MIN_ROLL, 90., np.float32(-170.)])
    np.testing.assert_array_equal(crop_rotations(angles),
                                  [0., 0., -15., 90., -170.])
    np.testing.assert_array_equal(crop_rotations(angles, upright=False),
                                  np.zeros(5))


@pytest.mark.parametrize('turns', [0, 1, 2, 3])
def test_unturn_keypoints_inverts_rot90(turns):
    """A one-hot pixel found in np.rot90(crop, turns) maps back to where it
    was in the crop."""
    side = 7
    for y, x in [(0, 0), (1, 5), (6, 2)]:
        crop = np.zeros((side, side))
        crop[y, x] = 1
        ty, tx = np.unravel_index(np.rot90(crop, turns).argmax(),
                                  (side, side))
        np.testing.assert_array_equal(
            unturn_keypoints(np.array([[tx, ty]], np.float64), turns, side),
            [[x, y]])


def test_turn_plan_and_choice():
    owner, turns = turn_plan([False, True, False])
    np.testing.assert_array_equal(owner, [0, 1, 1, 1, 1, 2])
    np.testing.assert_array_equal(turns, [0, 0, 1, 2, 3, 0])
    scores = np.array([.5, .2, .9, .9, .1, .3])  # a tie: the first wins
    np.testing.assert_array_equal(choose_turns(owner, scores, 3), [0, 2, 5])
    np.testing.assert_array_equal(
        turned_rotation(np.array([170., 30., -10.]), np.array([1, 0, 2])),
        [-100., 30., 170.])


def test_oriented_landmark_box():
    """Landmarks of a face rolled by 30 degrees: the box is the landmarks'
    extent along the eye line, about the same centre."""
    local = np.array([[-10., -5.], [10., -5.], [-20., 30.], [20., 30.],
                      [0., -20.]])
    theta = np.radians(30)
    rotate = np.array([[np.cos(theta), -np.sin(theta)],
                       [np.sin(theta), np.cos(theta)]])
    points = local @ rotate.T + [100., 50.]
    eyes = [[0], [1]]
    box, angle = oriented_landmark_box(points, eyes)
    assert angle == pytest.approx(30)
    centre = np.array([0., 5.]) @ rotate.T + [100., 50.]
    np.testing.assert_allclose(box, np.r_[centre - [20, 25], centre +
                                          [20, 25]], atol=1e-9)
    upright = local + [100., 50.]
    box, angle = oriented_landmark_box(upright, eyes)
    assert angle == 0
    np.testing.assert_allclose(box, [80., 30., 120., 80.])
    assert oriented_landmark_box(points, None)[1] == 0
