# Copyright (c) hih_mmpose contributors. All rights reserved.
"""BBoxRotationFromDetector sets bbox_rotation for detected rolled faces
only."""
import numpy as np
import pytest

from hih_mmpose.datasets import BBoxRotationFromDetector
from hih_mmpose.utils.face_rotation_record import (
    clear_face_rotations, record_face_rotations)


@pytest.fixture
def detected():
    """An image whose detector call found a face rolled by 120 degrees and
    one rolled by 10."""
    image = np.random.default_rng(0).integers(0, 256, (120, 160, 3),
                                              dtype=np.uint8)
    boxes = np.array([[10, 10, 60, 70], [90, 20, 150, 80]], np.float32)
    record_face_rotations([image], [boxes], [np.array([120., 10.])])
    yield image, boxes
    clear_face_rotations()


def test_rolled_detected_face_is_turned(detected):
    image, boxes = detected
    results = BBoxRotationFromDetector()(dict(img=image, bbox=boxes[:1]))
    np.testing.assert_array_equal(results['bbox_rotation'], [120.])
    assert results['bbox_rotation'].dtype == np.float32
    assert results['orientation_check'] is True
    results = BBoxRotationFromDetector(orientation_check=False)(
        dict(img=image, bbox=boxes[:1]))
    assert results['orientation_check'] is False


def test_everything_else_passes_unchanged(detected):
    image, boxes = detected
    transform = BBoxRotationFromDetector(min_roll=15.)
    # below min_roll; a box the detector did not find; another image; a
    # rotation given by the caller
    for results in (dict(img=image, bbox=boxes[1:]),
                    dict(img=image, bbox=boxes[:1] + 1),
                    dict(img=image[::-1].copy(), bbox=boxes[:1]),
                    dict(img=image, bbox=boxes[:1],
                         bbox_rotation=np.zeros(1, np.float32))):
        before = dict(results)
        after = transform(results)
        assert after.keys() == before.keys()
        assert after.get('bbox_rotation', 0) == before.get('bbox_rotation', 0)
    results = BBoxRotationFromDetector(min_roll=5.)(dict(img=image,
                                                         bbox=boxes[1:]))
    np.testing.assert_array_equal(results['bbox_rotation'], [10.])


def test_min_roll_is_checked():
    with pytest.raises(ValueError, match='min_roll'):
        BBoxRotationFromDetector(min_roll=-1)
