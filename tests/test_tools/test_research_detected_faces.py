# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Scoring detected faces: matching, per-face NME and pose bins, on
hand-computed cases."""
import numpy as np
import pytest

from research.detected_faces import binned_nme, face_nme, match_face
from hih_mmpose.evaluation.metrics import FaceAlignmentMetric


def test_match_face():
    gt = np.array([[10., 10.], [50., 40.]])  # landmark box 10-50 x 10-40
    faces = [dict(bbox=np.array([100., 100., 120., 120.])),  # elsewhere
             dict(bbox=np.array([0., 0., 40., 40.])),  # centre (20, 20)
             dict(bbox=np.array([10., 5., 50., 45.]))]  # centre (30, 25)
    assert match_face(faces, gt) == 2
    assert match_face(faces[:2], gt) == 1
    assert match_face(faces[:1], gt) is None
    assert match_face([], gt) is None


def test_face_nme_is_the_metrics():
    """Inter-ocular normalisation of 98-point faces: outer eye corners 60
    and 72 at distance 40; every landmark 2 px off: NME 0.05, hidden
    landmarks left out."""
    metric = FaceAlignmentMetric()
    metric.dataset_meta = dict(dataset_name='wflw')
    gt = np.zeros((98, 2))
    gt[72] = [40., 0.]
    prediction = gt + [2., 0.]
    visible = np.ones(98, bool)
    assert face_nme(prediction, gt, visible, metric) == pytest.approx(0.05)
    prediction[5] += [40., 0.]
    visible[5] = False
    assert face_nme(prediction, gt, visible, metric) == pytest.approx(0.05)


def test_binned_nme():
    values = np.array([5., 25., 35., 90., 89.])
    nmes = np.array([0.02, 0.2, np.nan, 0.04, 0.06])
    found = ~np.isnan(nmes)
    rows = binned_nme(values, nmes, found, (0, 30, 60, 90))
    assert [row['faces'] for row in rows] == [2, 1, 2]
    assert [row['found'] for row in rows] == [2, 0, 2]
    assert rows[0]['nme'] == pytest.approx(0.11)
    assert np.isnan(rows[1]['nme'])
    assert rows[2]['nme'] == pytest.approx(0.05)  # 90 in the last bin
    # failures: NME >= 0.1 or missed
    assert [row['failures'] for row in rows] == [0.5, 1., 0.]


def test_auroc_by_hand():
    from research.ranking import auroc
    # positives 0.9, 0.4; negatives 0.5, 0.1, 0.4: of the 6 pairs the
    # positive wins 4 (0.9 > all three, 0.4 > 0.1), ties 1 (0.4 = 0.4)
    scores = np.array([0.9, 0.4, 0.5, 0.1, 0.4])
    positives = np.array([1, 1, 0, 0, 0], bool)
    assert auroc(scores, positives) == pytest.approx(4.5 / 6)
    assert auroc(-scores, positives) == pytest.approx(1.5 / 6)
    assert auroc(scores, positives == 0) == pytest.approx(1.5 / 6)
    assert np.isnan(auroc(scores, np.ones(5, bool)))
