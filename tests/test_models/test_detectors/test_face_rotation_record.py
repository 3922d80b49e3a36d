# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The record of what the face detectors found: found again for the same
image and box only, per thread, replaced by each detector call; written by
the mmdet ``predict`` of the detectors."""
import os.path as osp
import threading

import cv2
import matplotlib.cbook as cbook
import numpy as np

from hih_mmpose.utils.face_rotation_record import (
    clear_face_rotations, image_fingerprint, record_face_rotations,
    recorded_rotation)

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..', '..'))
PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)


def test_same_image_and_box_only():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    boxes = np.array([[10, 20, 110, 140], [200, 30, 260, 90]], np.float32)
    record_face_rotations([image], [boxes], [np.array([-90., 0.])])
    assert recorded_rotation(image, boxes[0]) == -90.
    assert recorded_rotation(image.copy(), boxes[1:2]) == 0.
    # another box, the same box 0.01 px off, another image, another shape
    assert recorded_rotation(image, boxes[0] + [0, 0, 0, 50]) is None
    assert recorded_rotation(image, boxes[0] + 0.01) is None
    other = image.copy()
    other[::4, ::4] = 255 - other[::4, ::4]
    assert image_fingerprint(other) != image_fingerprint(image)
    assert recorded_rotation(other, boxes[0]) is None
    assert recorded_rotation(image[:299], boxes[0]) is None
    # the next detector call replaces the record
    record_face_rotations([other], [boxes[:1]], [np.array([30.])])
    assert recorded_rotation(image, boxes[0]) is None
    assert recorded_rotation(other, boxes[0]) == 30.
    clear_face_rotations()
    assert recorded_rotation(other, boxes[0]) is None


def test_other_threads_do_not_see_the_record():
    image = np.zeros((50, 60, 3), np.uint8)
    box = np.array([1, 2, 30, 40], np.float32)
    record_face_rotations([image], [box[None]], [np.array([45.])])
    seen = []
    thread = threading.Thread(
        target=lambda: seen.append(recorded_rotation(image, box)))
    thread.start()
    thread.join()
    assert seen == [None] and recorded_rotation(image, box) == 45.


def test_detector_inference_records_the_eye_line():
    """mmdet's DetInferencer on the photo turned upside down: BlazeFace's
    box is recorded with the half turn of its eye line."""
    from mmdet.apis import DetInferencer
    from mmengine.registry import DefaultScope
    clear_face_rotations()
    image = np.ascontiguousarray(cv2.imread(PHOTO)[::-1, ::-1])
    # (the inferencer sets mmengine's process-wide default scope; restored
    # for the tests that follow)
    with DefaultScope.overwrite_default_scope('mmdet'):
        detector = DetInferencer(
            model=osp.join(REPO, 'configs', 'detectors', 'blazeface.py'),
            weights=None, device='cpu', show_progress=False)
        instances = detector(image,
                             return_datasamples=True)['predictions'][0]
    boxes = instances.pred_instances.bboxes.numpy()
    assert len(boxes) == 1
    rotation = recorded_rotation(image, boxes[0])
    assert abs(abs(rotation) - 180) < 10, rotation
