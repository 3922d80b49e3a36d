# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Face boxes: the box rule, overlaps, duplicate suppression and detector
boxes mapped to the landmark models' box convention."""
import os.path as osp

import matplotlib.cbook as cbook
import numpy as np
import pytest

from hih_mmpose.runtime.boxes import (box_iou, box_problems, calibrate_boxes,
                                      check_box_calibration,
                                      check_given_boxes, suppress_duplicates)

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
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
    from hih_mmpose.runtime.detectors.blazeface import BlazeFaceDetector
    from hih_mmpose.runtime.detectors import HaarDetector
    for detector_class in (BlazeFaceDetector, HaarDetector):
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


def test_detector_config_with_calibration_off(tmp_path):
    """A detector config file, built under mmpose's default scope (as
    FaceLandmarker builds it after its landmark model), with
    box_calibration=None: the detector's own boxes."""
    from mmengine.registry import init_default_scope

    from hih_mmpose.models.detectors import (BlazeFaceDetector,
                                             build_mmdet_face_detector)
    from hih_mmpose.runtime.boxes import BLAZEFACE_BOX_CALIBRATION
    config = tmp_path / 'blazeface_own_boxes.py'
    config.write_text(
        "_base_ = ['%s']\nmodel = dict(box_calibration=None)\n" %
        osp.join(REPO, 'configs', 'detectors', 'blazeface.py'))
    init_default_scope('mmpose')
    own = build_mmdet_face_detector(str(config))
    assert isinstance(own, BlazeFaceDetector)
    assert own.detector.box_calibration is None
    default = build_mmdet_face_detector(
        osp.join(REPO, 'configs', 'detectors', 'blazeface.py'))
    assert default.detector.box_calibration == check_box_calibration(
        BLAZEFACE_BOX_CALIBRATION)


def test_box_rule_and_given_boxes():
    shape = (100, 200)
    assert box_problems(np.array([[10, 10, 50, 60]]), shape) == ['']
    problems = box_problems(
        np.array([[5000, 5000, 5100, 5100], [0, 0, 900, 90],
                  [10, 10, 10, 20], [np.nan, 0, 1, 1]]), shape)
    assert 'inside' in problems[0] and '4x' in problems[1]
    assert 'x2 > x1' in problems[2] and 'finite' in problems[3]
    np.testing.assert_array_equal(check_given_boxes([1, 2, 30, 40], shape),
                                  [[1, 2, 30, 40]])
    for bad, error, words in (([1, 2, 3, 4, 5, 6, 7, 8], ValueError,
                               'flat list'),
                              ([[1, 2, 3]], ValueError, 'shape'),
                              ('box', TypeError, 'numbers'),
                              ([[300, 300, 400, 400]], ValueError,
                               'bbox 0')):
        with pytest.raises(error, match=words):
            check_given_boxes(bad, shape)


def test_box_iou_and_suppression_hand_computed():
    a = np.array([[0, 0, 10, 10]])
    b = np.array([[5, 0, 15, 10], [0, 0, 5, 5], [20, 20, 30, 30]])
    # overlaps 50, 25, 0; unions 150, 100, 200
    np.testing.assert_allclose(box_iou(a, b), [[1 / 3, 0.25, 0.]])
    np.testing.assert_allclose(box_iou(b, a, mode='iof'), [[.5], [1.], [0.]])
    boxes = np.array([
        [0, 0, 100, 100],  # best
        [5, 5, 105, 105],  # IoU 0.82 with it: dropped
        [0, 0, 50, 100],  # half of the best, inside it: dropped
        [200, 0, 300, 100],  # elsewhere: kept
        [290, 0, 390, 100],  # IoU 0.05 with the previous one: kept
    ], np.float32)
    scores = np.array([0.9, 0.95, 0.5, 0.8, 0.7], np.float32)
    np.testing.assert_array_equal(suppress_duplicates(boxes, scores),
                                  [1, 3, 4])
