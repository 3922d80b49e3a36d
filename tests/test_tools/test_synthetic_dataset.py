# Copyright (c) hih_mmpose contributors. All rights reserved.
import json
import os.path as osp

import numpy as np
import pytest

from mmpose.datasets import COFWDataset, Face300WDataset, WFLWDataset
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from synthetic_world import (SYNTHETIC_ANN_FILES, face_template,
                                  render_face)
from hih_mmpose.datasets.landmark_schemes import WFLW_TO_300W, WFLW_TO_COFW


def mirrored(points: np.ndarray, flip_indices) -> np.ndarray:
    """Landmarks of the horizontally mirrored face, relabelled."""
    return points[flip_indices] * [-1, 1]


@pytest.mark.parametrize('dataset, scheme', [(WFLWDataset, 'wflw'),
                                             (Face300WDataset, '300w'),
                                             (COFWDataset, 'cofw')])
def test_template_semantics_match_mmpose_flip_pairs(dataset, scheme):
    """A frontal template is mirror-symmetric under each dataset's own flip
    pairs: every landmark sits where its mirror partner's mirror image is."""
    template = face_template()[:, :2]
    points = {'wflw': template, '300w': template[WFLW_TO_300W],
              'cofw': template[WFLW_TO_COFW]}[scheme]
    flip_indices = parse_pose_metainfo(dataset.METAINFO)['flip_indices']
    np.testing.assert_allclose(mirrored(points, flip_indices), points,
                               atol=1e-12)


def test_template_layout():
    template = face_template()[:, :2]
    x, y = template[:, 0], template[:, 1]
    assert y[16] == y[:33].max()  # chin is the lowest contour point
    assert x[0] < x[16] < x[32]
    assert x[60] < x[96] < x[64] < x[68] < x[97] < x[72]  # eyes, pupils
    assert y[51] < y[54] < y[57] < y[79] < y[85]  # nose above mouth
    assert y[35] < y[62] < y[66]  # brow above upper lid above lower lid
    opened = face_template(mouth_open=0.2)
    assert opened[94, 1] - opened[90, 1] == pytest.approx(0.22)


def test_render_is_deterministic_and_inside():
    image_a, points_a = render_face(np.random.default_rng(3), 160)
    image_b, points_b = render_face(np.random.default_rng(3), 160)
    np.testing.assert_array_equal(image_a, image_b)
    np.testing.assert_array_equal(points_a, points_b)
    assert image_a.shape == (160, 160, 3)
    assert points_a.shape == (98, 2)
    assert (points_a > 0).all() and (points_a < 159).all()


def test_generated_layouts_load_in_mmpose(synthetic_root):
    """Each scheme's annotation files load in mmpose's dataset class with
    the right keypoints and boxes."""
    for dataset_class, scheme, num_keypoints in (
        (WFLWDataset, 'wflw', 98), (Face300WDataset, '300w', 68),
        (COFWDataset, 'cofw', 29)):
        ann_file = SYNTHETIC_ANN_FILES[scheme].format(split='test')
        dataset = dataset_class(
            ann_file=ann_file, data_root=synthetic_root,
            data_prefix=dict(img='images/'), test_mode=True)
        assert len(dataset) == 8, scheme
        item = dataset.get_data_info(0)
        assert item['keypoints'].shape == (1, num_keypoints, 2), scheme
        assert osp.isfile(item['img_path'])
        with open(osp.join(synthetic_root, ann_file)) as f:
            ann = json.load(f)['annotations'][0]
        expected = np.reshape(ann['keypoints'], (-1, 3))[:, :2]
        np.testing.assert_allclose(item['keypoints'][0], expected, rtol=1e-6)
        # the box encloses the landmarks
        x1, y1, x2, y2 = item['bbox'][0]
        assert x1 <= expected[:, 0].min() + 1e-3
        assert x2 >= expected[:, 0].max() - 1e-3
        assert y1 <= expected[:, 1].min() + 1e-3
        assert y2 >= expected[:, 1].max() - 1e-3
