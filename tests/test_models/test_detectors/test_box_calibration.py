# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Detector boxes mapped to the landmark models' box convention."""
import os.path as osp

import matplotlib.cbook as cbook
import numpy as np
import pytest

from hih_mmpose.models.detectors import build_face_detector
from hih_mmpose.models.detectors.box_calibration import (
    calibrate_boxes, check_box_calibration)

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..', '..'))
PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)


def test_calibrate_boxes_hand_computed():
    box = np.array([[0., 0., 100., 200.]])
    offset, scale = (0.1, -0.05), (1.2, 0.9)
    # upright: centre (50, 100) + (0.1 * 100, -0.05 * 200) = (60, 90),
    # size (100 * 1.2, 200 * 0.9) = (120, 180)
    np.testing.assert_allclose(calibrate_boxes(box, [0.], offset, scale),
                               [[0., 0., 120., 180.]], atol=1e-5)
    # turned by 90 degrees (the face's x axis points down the image): the
    # face is 200 wide and 100 high; shift (20, -5) in its frame is (5, 20)
    # in the image; its size (240, 90) is (90, 240) in the image
    np.testing.assert_allclose(calibrate_boxes(box, [90.], offset, scale),
                               [[10., 0., 100., 240.]], atol=1e-4)
    # no calibration: the same boxes
    np.testing.assert_allclose(
        calibrate_boxes(box, [30.], (0., 0.), (1., 1.)), box, atol=1e-5)


def test_check_box_calibration():
    assert check_box_calibration(None) is None
    assert check_box_calibration(dict(scale=(1.1, 1))) == dict(
        center_offset=(0., 0.), scale=(1.1, 1.))
    for bad in (dict(offset=(0, 0)), dict(scale=(1, )),
                dict(scale=(float('nan'), 1)), dict(center_offset=(2, 0)),
                [1, 2]):
        with pytest.raises((ValueError, TypeError)):
            check_box_calibration(bad)


def test_detectors_apply_their_config_calibration():
    import cv2
    image = cv2.imread(PHOTO)
    calibration = dict(center_offset=(0.02, -0.1), scale=(1.1, 1.3))
    from hih_mmpose.models.detectors import (BlazeFaceDetector,
                                             HaarCascadeFaceDetector)
    for detector_class in (BlazeFaceDetector, HaarCascadeFaceDetector):
        detector = detector_class(box_calibration=calibration)
        boxes, scores, angles = detector.detect_uncalibrated(image)
        calibrated, same_scores, same_angles = detector.detect_oriented(
            image)
        assert len(boxes) == 1
        np.testing.assert_allclose(
            calibrated, calibrate_boxes(boxes, angles, **calibration),
            atol=1e-4)
        np.testing.assert_array_equal(scores, same_scores)
        np.testing.assert_array_equal(angles, same_angles)
        np.testing.assert_array_equal(detector.detect(image)[0], calibrated)


def test_detector_config_with_calibration_off(tmp_path):
    """A detector config file, built under mmpose's default scope (as
    FaceLandmarker builds it after its landmark model), with
    box_calibration=None: the detector's own boxes."""
    from mmengine.registry import init_default_scope

    from hih_mmpose.models.detectors import BlazeFaceDetector
    from hih_mmpose.models.detectors.box_calibration import \
        BLAZEFACE_BOX_CALIBRATION
    config = tmp_path / 'blazeface_own_boxes.py'
    config.write_text(
        "_base_ = ['%s']\nmodel = dict(box_calibration=None)\n" %
        osp.join(REPO, 'configs', 'detectors', 'blazeface.py'))
    init_default_scope('mmpose')
    own = build_face_detector(str(config))
    assert isinstance(own, BlazeFaceDetector) and own.box_calibration is None
    default = build_face_detector(
        osp.join(REPO, 'configs', 'detectors', 'blazeface.py'))
    assert default.box_calibration == check_box_calibration(
        BLAZEFACE_BOX_CALIBRATION)
