# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The runtime's face detectors: one protocol for all of them, BlazeFace's
tiling by hand-computed cases, faces found in a real photograph and in
turned and mirrored copies."""
import cv2
import matplotlib.cbook as cbook
import numpy as np

import pytest

from hih_mmpose.runtime.detectors.blazeface import (BlazeFaceDetector,
                                                    mirror_back, tile_grid,
                                                    turn_back)
from hih_mmpose.runtime.detectors import (BoxDetector, FaceDetector,
                                          HaarDetector, WholeImageDetector,
                                          build_detector)
from hih_mmpose.runtime.rotation import eye_line_angle

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


def test_finds_the_face_of_a_photograph():
    detector = BlazeFaceDetector()
    image = cv2.imread(PHOTO)
    bboxes, scores, _ = detector.detect_oriented(image)
    assert len(bboxes) == 1 and 0.5 < scores[0] <= 1
    assert iou(bboxes[0], FACE) > 0.5, bboxes
    # the same face small in a large image (found on a tile)
    canvas = np.full((1200, 1600, 3), 128, np.uint8)
    small = cv2.resize(image, None, fx=0.5, fy=0.5)
    canvas[700:1000, 1200:1456] = small
    bboxes, _, _ = detector.detect_oriented(canvas)
    assert len(bboxes) == 1
    # without tiles the full-range model alone misses it
    assert len(BlazeFaceDetector(
        tile_fraction=None, rotation_search=False,
        short_range_fallback=False,
        variant_search=False).detect_oriented(canvas)[0]) == 0
    assert iou(bboxes[0], FACE / 2 + [1200, 700, 1200, 700]) > 0.5, bboxes
    # no face
    assert len(detector.detect_oriented(np.full((480, 640, 3), 90,
                                                np.uint8))[0]) == 0


@pytest.mark.parametrize('engine', ['openvino', 'mediapipe'])
def test_score_threshold_and_engines(engine):
    """``score_thr`` keeps the detections at or above it with either
    engine (MediaPipe's legacy API never passed it to its graph); the two
    engines find the same box; an unknown engine is named."""
    image = cv2.imread(PHOTO)
    bboxes, scores, _ = BlazeFaceDetector(engine=engine).detect_oriented(
        image)
    assert len(scores) == 1
    np.testing.assert_allclose(
        bboxes, BlazeFaceDetector().detect_oriented(image)[0], atol=0.05)
    plain = dict(tile_fraction=None, rotation_search=False,
                 short_range_fallback=False, variant_search=False,
                 engine=engine)  # (one pass: no search finds it again)
    for offset, count in ((-1e-3, 1), (1e-3, 0)):
        detector = BlazeFaceDetector(score_thr=float(scores[0]) + offset,
                                     **plain)
        assert len(detector.detect_oriented(image)[0]) == count
    with pytest.raises(ValueError, match="engine must be 'auto'"):
        BlazeFaceDetector(engine='tflite')


def test_tiles_only_where_faces_are_small_or_missing():
    """One face filling the photo: one pass of the model, no tiles (the
    face is above ``tile_below`` of the shorter side); ``tile_below=1``
    tiles it as before; a small face in a large image, or none: tiles."""
    image = cv2.imread(PHOTO)
    large = cv2.resize(image, None, fx=1.5, fy=1.5)  # 768 x 900, tiled
    passes = []

    def counting(detector):
        run = detector._run
        detector._run = lambda rgb, model=None: passes.append(
            rgb.shape) or run(rgb, model)
        return detector

    bboxes, _, _ = counting(BlazeFaceDetector()).detect_oriented(large)
    assert len(bboxes) == 1 and passes == [(900, 768, 3)]
    passes.clear()
    counting(BlazeFaceDetector(tile_below=1.)).detect_oriented(large)
    side = round(0.6 * 768)
    assert passes[0] == (900, 768, 3)
    assert passes[1:] == [(side, side, 3)] * len(tile_grid(900, 768, side))
    passes.clear()
    canvas = np.full((1200, 1600, 3), 128, np.uint8)
    canvas[700:1000, 1200:1456] = cv2.resize(image, None, fx=0.5, fy=0.5)
    assert len(counting(BlazeFaceDetector()).detect_oriented(canvas)[0]) == 1
    assert len(passes) == 1 + len(tile_grid(1200, 1600, 720))


def test_every_detector_speaks_one_protocol():
    image = cv2.imread(PHOTO)
    whole = build_detector('whole_image')
    assert isinstance(whole, WholeImageDetector)
    boxes, scores, angles = whole.detect_oriented(image)
    np.testing.assert_array_equal(boxes, [[0, 0, 512, 600]])
    np.testing.assert_array_equal(scores, [1])
    np.testing.assert_array_equal(angles, [0])
    assert isinstance(build_detector('haar'), HaarDetector)
    assert isinstance(build_detector('haar'), FaceDetector)

    class BoxesOnly:  # a user's detector: boxes and scores
        def detect(self, image):
            return [[10, 20, 110, 140]], [0.9]

    for user in (BoxesOnly(), BoxesOnly().detect):  # object or callable
        wrapped = build_detector(user)
        assert isinstance(wrapped, BoxDetector)
        boxes, scores, angles = wrapped.detect_oriented(image)
        np.testing.assert_array_equal(boxes, [[10, 20, 110, 140]])
        np.testing.assert_allclose(scores, [0.9])
        np.testing.assert_array_equal(angles, [0])
    assert build_detector(whole) is whole
    with pytest.raises(TypeError, match='detect_oriented'):
        build_detector(object())
    with pytest.raises(ValueError, match="'blazeface', 'haar'"):
        build_detector('yolo')


def test_turn_back_inverts_rot90(turn_points):
    rng = np.random.default_rng(0)
    shape = (60, 80)
    points = rng.uniform(0, 60, (3, 4, 2))
    for turns in (1, 2, 3):
        turned = turn_points(points, turns, shape)
        rows = np.zeros((3, 9), np.float32)
        rows[:, [0, 1, 2, 3, 5, 6, 7, 8]] = turned.reshape(3, 8)
        back = turn_back(rows, turns, shape)
        np.testing.assert_allclose(back[:, 5:9].reshape(3, 2, 2),
                                   points[:, 2:], atol=1e-4)
        np.testing.assert_allclose(back[:, :2], points[:, :2].min(1),
                                   atol=1e-4)
        np.testing.assert_allclose(back[:, 2:4], points[:, :2].max(1),
                                   atol=1e-4)


def test_mirror_back_maps_boxes_and_swaps_eyes():
    """A detection in the mirrored image of width 100: box x 10-50 maps to
    50-90; the mirror image's subject-right eye (20, 30) is the subject's
    left eye (80, 30) here, and the eye line of an upright face stays
    level (angle 0), of a face rolled by 30 degrees flips to -30."""
    rows = np.array([[10, 20, 50, 60, 0.9, 20, 30, 40, 30]], np.float32)
    back = mirror_back(rows, 100)
    np.testing.assert_array_equal(
        back, np.array([[50, 20, 90, 60, 0.9, 60, 30, 80, 30]], np.float32))
    assert eye_line_angle(back[:, 5:7], back[:, 7:9])[0] == 0
    tilted = rows.copy()
    tilted[0, 7:9] = tilted[0, 5:7] + 20 * np.array(
        [np.cos(np.radians(30)), np.sin(np.radians(30))])
    back = mirror_back(tilted, 100)
    np.testing.assert_allclose(
        eye_line_angle(back[:, 5:7], back[:, 7:9]), [-30], atol=1e-4)
    np.testing.assert_allclose(mirror_back(back, 100), tilted, atol=1e-5)


@pytest.mark.parametrize('turns,angle', [(0, 0.), (1, -90.), (2, 180.),
                                         (3, 90.)])
def test_blazeface_finds_turned_faces(turns, angle, turn_points):
    """A photo turned by quarter turns: one face, its box where the face
    went, and the crop rotation of its eye line (within 10 degrees)."""
    image = cv2.imread(PHOTO)
    turned = np.ascontiguousarray(np.rot90(image, turns))
    bboxes, scores, angles = BlazeFaceDetector().detect_oriented(turned)
    assert len(bboxes) == 1 and scores[0] > 0.5
    corners = turn_points(FACE.reshape(2, 2), turns, image.shape[:2])
    marked = np.concatenate([corners.min(0), corners.max(0)])
    inter = np.clip(np.minimum(bboxes[0, 2:], marked[2:]) -
                    np.maximum(bboxes[0, :2], marked[:2]), 0, None).prod()
    union = np.prod(bboxes[0, 2:] - bboxes[0, :2]) + np.prod(
        marked[2:] - marked[:2]) - inter
    assert inter / union > 0.5
    difference = (angles[0] - angle + 180) % 360 - 180
    assert abs(difference) < 10, angles


