# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The crop <-> image maps against mmpose's own ``TopdownAffine``, with and
without ``bbox_rotation``."""
import numpy as np
import pytest

from mmpose.datasets.transforms import GetBBoxCenterScale, TopdownAffine
from hih_mmpose.utils.crop_transforms import (crop_to_image, eye_line_angle,
                                              image_to_crop)


@pytest.mark.parametrize('rotation', [0., 37., -90., 180.])
def test_maps_are_topdown_affines(rotation):
    rng = np.random.default_rng(0)
    keypoints = rng.uniform(50, 150, (1, 7, 2)).astype(np.float32)
    results = dict(img=np.zeros((200, 220, 3), np.uint8),
                   bbox=np.array([[40, 35, 160, 170]], np.float32),
                   keypoints=keypoints.copy(),
                   keypoints_visible=np.ones((1, 7), np.float32))
    if rotation:
        results['bbox_rotation'] = np.array([rotation], np.float32)
    results = TopdownAffine(input_size=(128, 128))(
        GetBBoxCenterScale(padding=1.25)(results))
    crop = results['transformed_keypoints']
    args = (results['input_center'][None], results['input_scale'][None],
            np.asarray(results['input_size']), np.array([rotation]))
    np.testing.assert_allclose(image_to_crop(keypoints, *args), crop,
                               atol=1e-4)
    np.testing.assert_allclose(crop_to_image(crop, *args), keypoints,
                               atol=1e-4)


def test_eye_line_angle_makes_the_eyes_level():
    """An eye line turned by a known angle: the crop rotation is that
    angle, and in the crop the eyes are level, left eye on the left."""
    for angle in (0., 30., -75., 120., 180.):
        left = np.array([90., 100.])
        right = left + 40 * np.array([np.cos(np.radians(angle)),
                                      np.sin(np.radians(angle))])
        rotation = eye_line_angle(left, right)
        assert rotation == pytest.approx(angle if angle != -180 else 180)
        crop = image_to_crop(np.array([[left, right]]),
                             np.array([[100., 100.]]),
                             np.array([[160., 160.]]), np.array([128, 128]),
                             np.array([rotation]))[0]
        assert abs(crop[1, 1] - crop[0, 1]) < 1e-4
        assert crop[1, 0] - crop[0, 0] == pytest.approx(32., abs=1e-4)


@pytest.mark.parametrize('turns', [1, 2, 3, 5])
def test_unturn_crop_keypoints_inverts_rot90(turns):
    """A marked pixel of a 9 x 9 crop, found in the crop turned by
    np.rot90, maps back to where it was, exactly."""
    from hih_mmpose.utils.crop_transforms import unturn_crop_keypoints
    crop = np.zeros((9, 9))
    crop[5, 2] = 1  # x 2, y 5
    rows, cols = np.nonzero(np.rot90(crop, turns))
    found = np.array([[cols[0], rows[0]]], np.float32)
    back = unturn_crop_keypoints(found, turns, 9)
    np.testing.assert_array_equal(back, [[2, 5]])
    assert back.dtype == np.float32
    if turns % 4:
        assert not np.array_equal(found, back)
