# Copyright (c) hih_mmpose contributors. All rights reserved.
"""BlazeFace (MediaPipe) as a registered face detector: tiling and merging
by hand-computed cases, and faces found in a real photograph."""
import cv2
import matplotlib.cbook as cbook
import numpy as np

from hih_mmpose.models.detectors import BlazeFaceDetector
from hih_mmpose.models.detectors.blazeface_detector import (
    suppress_duplicates, tile_grid)

PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
FACE = np.array([180., 130., 360., 335.])  # marked by hand, brows to chin


def iou(a, b) -> float:
    inter = np.clip(np.minimum(a[2:], b[2:]) - np.maximum(a[:2], b[:2]), 0,
                    None).prod()
    return float(inter / ((a[2:] - a[:2]).prod() + (b[2:] - b[:2]).prod() -
                          inter))


def test_tile_grid_covers_the_image():
    # 1280 x 886, tiles of 532: x needs ceil(748 / 399) + 1 = 3 starts,
    # y ceil(354 / 399) + 1 = 2
    tiles = tile_grid(886, 1280, 532)
    assert tiles == [(0, 0), (374, 0), (748, 0), (0, 354), (374, 354),
                     (748, 354)]
    assert tile_grid(100, 100, 200) == [(0, 0)]  # smaller than a tile


def test_suppress_duplicates():
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


def test_finds_the_face_of_a_photograph():
    detector = BlazeFaceDetector()
    image = cv2.imread(PHOTO)
    bboxes, scores = detector.detect(image)
    assert len(bboxes) == 1 and 0.5 < scores[0] <= 1
    assert iou(bboxes[0], FACE) > 0.5, bboxes
    # the same face small in a large image (found on a tile)
    canvas = np.full((1200, 1600, 3), 128, np.uint8)
    small = cv2.resize(image, None, fx=0.5, fy=0.5)
    canvas[700:1000, 1200:1456] = small
    bboxes, _ = detector.detect(canvas)
    assert len(bboxes) == 1
    # without tiles the full-range model alone misses it
    assert len(BlazeFaceDetector(
        tile_fraction=None, rotation_search=False,
        short_range_fallback=False,
        variant_search=False).detect(canvas)[0]) == 0
    assert iou(bboxes[0], FACE / 2 + [1200, 700, 1200, 700]) > 0.5, bboxes
    # no face
    assert len(detector.detect(np.full((480, 640, 3), 90, np.uint8))[0]) == 0
