# Copyright (c) hih_mmpose contributors. All rights reserved.
"""BlazeFace run by OpenVINO: anchors, decoding and merging by hand-computed
cases, and its detections against MediaPipe's own graph on real and
synthetic faces."""
import cv2
import matplotlib.cbook as cbook
import numpy as np
import pytest

from hih_mmpose.runtime.detectors.blazeface_model import (
    MediaPipeBlazeFace, OpenVINOBlazeFace, blazeface_anchors,
    decode_detections, letterbox_matrix, merge_detections, rows_to_image)

PHOTO = cv2.imread(cbook.get_sample_data('grace_hopper.jpg',
                                         asfileobj=False))


def test_anchors_in_the_models_order():
    short = blazeface_anchors(128, (8, 16), (2, 6))
    assert short.shape == (16 * 16 * 2 + 8 * 8 * 6, 2) == (896, 2)
    # stride 8: cells of 1 / 16, two anchors each, row by row
    np.testing.assert_allclose(short[:3], [[1 / 32, 1 / 32]] * 2 +
                               [[3 / 32, 1 / 32]])
    # stride 16 starts at anchor 512: cells of 1 / 8, six anchors each
    np.testing.assert_allclose(short[512:519], [[1 / 16, 1 / 16]] * 6 +
                               [[3 / 16, 1 / 16]])
    full = blazeface_anchors(192, (4, ), (1, ))
    assert full.shape == (2304, 2)
    np.testing.assert_allclose(full[[0, 1, 48, -1]],
                               [[1 / 96, 1 / 96], [3 / 96, 1 / 96],
                                [1 / 96, 3 / 96], [95 / 96, 95 / 96]])


def test_decode_by_hand():
    anchors = np.array([[0.25, 0.5], [0.75, 0.75]], np.float32)
    regressors = np.zeros((2, 16), np.float32)
    # anchor 0: centre moved by (+12.8, -6.4) px of 128, size 32 x 64 px;
    # keypoint 0 at the anchor, keypoint 5 6.4 px right of it
    regressors[0, :4] = [12.8, -6.4, 32, 64]
    regressors[0, 14] = 6.4
    logits = np.array([np.log(3.), -1.], np.float32)  # scores 0.75, 0.27
    rows = decode_detections(regressors, logits, anchors, 128, 0.5)
    assert rows.shape == (1, 17)
    centre = np.array([0.35, 0.45])
    np.testing.assert_allclose(rows[0, :4], np.r_[centre - [0.125, 0.25],
                                                  centre + [0.125, 0.25]],
                               atol=1e-6)
    assert rows[0, 4] == pytest.approx(0.75)
    np.testing.assert_allclose(rows[0, 5:7], [0.25, 0.5], atol=1e-6)
    np.testing.assert_allclose(rows[0, 15:17], [0.3, 0.5], atol=1e-6)
    # best score first; nothing above the threshold: no rows
    both = decode_detections(regressors, logits, anchors, 128, 0.2)
    np.testing.assert_allclose(both[:, 4], [0.75, 1 / (1 + np.e)],
                               rtol=1e-6)
    assert decode_detections(regressors, logits, anchors, 128,
                             0.8).shape == (0, 17)


def test_merge_is_a_score_weighted_mean():
    rows = np.zeros((3, 17))
    rows[0, :5] = [0, 0, 10, 10, 0.6]
    rows[1, :5] = [2, 0, 12, 10, 0.2]  # IoU 8 / 12 with the first
    rows[2, :5] = [50, 50, 60, 60, 0.1]  # apart
    rows[0, 5:] = 1
    rows[1, 5:] = 5
    merged = merge_detections(rows)
    np.testing.assert_allclose(merged[0, :5], [0.5, 0, 10.5, 10, 0.6])
    np.testing.assert_allclose(merged[0, 5:], 2.)  # (0.6 + 5 x 0.2) / 0.8
    np.testing.assert_allclose(merged[1], rows[2])
    # IoU at or below the threshold (0.3) does not merge
    rows[1, :4] = [6, 0, 16, 10]  # IoU 40 / 160
    assert len(merge_detections(rows)) == 3
    assert merge_detections(np.zeros((0, 17))).shape == (0, 17)


def test_letterbox_and_back():
    # 600 high, 400 wide into 192: scale 0.32, 64 px of border each side
    matrix = letterbox_matrix(600, 400, 192)
    np.testing.assert_allclose(matrix, [[0.32, 0, 32], [0, 0.32, 0]])
    # the input's corners are the image's padded corners
    rows = np.zeros((1, 17))
    rows[0, :5] = [0, 0, 1, 1, 0.9]
    rows[0, 5:9] = [0.5, 0.5, 32 / 192, 1]
    back = rows_to_image(rows, 600, 400, 192)
    np.testing.assert_allclose(back[0], [-100, 0, 500, 600, 0.9, 200, 300,
                                         0, 600], atol=1e-3)


def scenes() -> list:
    """The photograph, its mirror image, the face small in a large canvas
    and turned a quarter (BGR)."""
    canvas = np.full((900, 1200, 3), 100, np.uint8)
    canvas[500:800, 700:956] = cv2.resize(PHOTO, None, fx=0.5, fy=0.5)
    return [PHOTO, np.ascontiguousarray(PHOTO[:, ::-1]), canvas,
            np.ascontiguousarray(np.rot90(PHOTO))]


@pytest.mark.parametrize('name', ['full', 'short'])
def test_openvino_equals_mediapipe_graph(name):
    """The same detections as MediaPipe's graph (boxes, scores, eyes)
    within 0.1 % of the face's size, on every scene (a face or none)."""
    ours, graph = OpenVINOBlazeFace(name), MediaPipeBlazeFace(name)
    found = 0
    for image in scenes():
        mine, theirs = ours(image), graph(image)
        assert mine.shape == theirs.shape
        for a, b in zip(mine, theirs):
            size = b[2] - b[0]
            np.testing.assert_allclose(a[[0, 1, 2, 3, 5, 6, 7, 8]],
                                       b[[0, 1, 2, 3, 5, 6, 7, 8]],
                                       atol=1e-3 * size)
            assert a[4] == pytest.approx(b[4], abs=1e-4)
        found += len(mine)
    assert found >= 2  # (the comparison is not of empty lists)
