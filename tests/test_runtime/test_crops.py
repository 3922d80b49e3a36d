# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The runtime's crops are mmpose's test pipeline to the bit, and their
keypoints map back as mmpose maps them."""
import numpy as np
import pytest
from mmcv.transforms import Compose

from hih_mmpose.runtime.crops import (box_to_center_scale, crop_to_image,
                                      cut_crops, image_to_crop, warp_matrix)
from mmpose.structures.bbox import get_warp_matrix


def mmpose_crop(image, box, rotation, input_size, padding=1.25):
    """mmpose's GetBBoxCenterScale + TopdownAffine on one box."""
    pipeline = Compose([
        dict(type='mmpose.GetBBoxCenterScale', padding=padding),
        dict(type='mmpose.TopdownAffine', input_size=input_size)
    ])
    info = dict(img=image.copy(), bbox=np.asarray(box, np.float32)[None],
                bbox_score=np.ones(1, np.float32),
                bbox_rotation=np.array([rotation], np.float32))
    return pipeline(info)


@pytest.mark.parametrize('rotation', [0., 33.7, -150.])
@pytest.mark.parametrize('input_size', [(64, 64), (48, 64)])
def test_crops_equal_mmpose_topdown_affine(rotation, input_size):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (97, 131, 3), dtype=np.uint8)
    box = np.array([10.3, 20.1, 70.9, 95.4], np.float32)
    ours_center, ours_scale = box_to_center_scale(box, 1.25, input_size)
    crops = cut_crops(image, ours_center, ours_scale, np.array([rotation]),
                      input_size)
    theirs = mmpose_crop(image, box, rotation, input_size)
    np.testing.assert_array_equal(ours_center[0], theirs['input_center'])
    np.testing.assert_array_equal(ours_scale[0], theirs['input_scale'])
    np.testing.assert_array_equal(crops[0].transpose(1, 2, 0),
                                  theirs['img'].astype(np.float32))
    for inverse in (False, True):
        np.testing.assert_array_equal(
            warp_matrix(ours_center[0], ours_scale[0], rotation, input_size,
                        inverse),
            get_warp_matrix(ours_center[0], ours_scale[0], rotation,
                            input_size, inv=inverse))


def test_unturned_map_back_is_mmpose_formula():
    """TopdownPoseEstimator: kpt / input_size * scale + center - scale / 2
    (in float64, stored float32)."""
    rng = np.random.default_rng(1)
    keypoints = rng.uniform(0, 64, (3, 5, 2)).astype(np.float32)
    center = rng.uniform(50, 90, (3, 2)).astype(np.float32)
    scale = rng.uniform(40, 80, (3, 2)).astype(np.float32)
    expected = keypoints.copy()
    for i in range(3):
        expected[i] = keypoints[i] / (64, 64) * scale[i] + center[
            i] - 0.5 * scale[i]
    np.testing.assert_array_equal(
        crop_to_image(keypoints, center, scale, (64, 64)), expected)


@pytest.mark.parametrize('rotation', [0., 90., -47.5])
def test_round_trip_and_pixel_convention(rotation):
    """Image -> crop -> image is exact (up to float32); the box centre is
    the crop centre (w / 2, h / 2) at every rotation; a point half a box
    width along the turned x axis is the crop's left edge centre."""
    center = np.array([[60., 40.]], np.float32)
    scale = np.array([[80., 80.]], np.float32)
    theta = np.radians(rotation)
    along = np.array([np.cos(theta), np.sin(theta)]) * 40
    points = np.array([[[60., 40.], [60 - along[0], 40 - along[1]]]])
    crop = image_to_crop(points, center, scale, (64, 64),
                         np.array([rotation]))
    np.testing.assert_allclose(crop[0], [[32., 32.], [0., 32.]], atol=1e-4)
    back = crop_to_image(crop, center, scale, (64, 64), np.array([rotation]))
    np.testing.assert_allclose(back, points, atol=1e-4)
