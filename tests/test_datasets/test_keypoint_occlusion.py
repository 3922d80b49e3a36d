# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Occlusion labels from COCO visibility through a real training pipeline
(WFLWOcclusionDataset, RandomFlip, GetKeypointOcclusion, PackPoseInputs)."""
import json
import os.path as osp

import numpy as np
import pytest

from mmpose.registry import DATASETS
from hih_mmpose.datasets import GetKeypointOcclusion
from synthetic_world import generate_synthetic_dataset


@pytest.fixture(scope='module')
def wild_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('wild'))
    generate_synthetic_dataset(root, num_train=6, num_test=1,
                               image_size=128, seed=0, show_progress=False,
                               profile='wild')
    return root


def build(root, flip_prob, labelled=True):
    from mmengine.registry import init_default_scope
    init_default_scope('mmpose')
    return DATASETS.build(dict(
        type='WFLWOcclusionDataset', data_root=root,
        ann_file='annotations/face_landmarks_synthetic_train.json',
        data_prefix=dict(img='images/'), test_mode=False,
        pipeline=[
            dict(type='LoadImage'),
            dict(type='GetBBoxCenterScale'),
            dict(type='RandomFlip', direction='horizontal', prob=flip_prob),
            dict(type='TopdownAffine', input_size=(128, 128)),
            dict(type='GetKeypointOcclusion', labelled=labelled),
            dict(type='GenerateTarget',
                 encoder=dict(type='HIHLabel', input_size=(128, 128),
                              heatmap_size=(32, 32))),
            dict(type='PackPoseInputs')
        ]))


def test_labels_follow_the_annotation_and_the_flip(wild_root):
    with open(osp.join(wild_root, 'annotations',
                       'face_landmarks_synthetic_train.json')) as f:
        annotations = json.load(f)['annotations']
    flags = np.array([a['keypoints'][2::3] for a in annotations])
    assert (flags == 1).any()
    plain, flipped = build(wild_root, 0.), build(wild_root, 1.)
    flip_indices = plain.metainfo['flip_indices']
    for index in range(len(plain)):
        labels = plain[index]['data_samples'].gt_instance_labels
        np.testing.assert_array_equal(
            labels.keypoint_occlusion.numpy()[0], flags[index] == 1)
        np.testing.assert_array_equal(
            labels.keypoint_occlusion_weights.numpy()[0], 1.)
        labels = flipped[index]['data_samples'].gt_instance_labels
        np.testing.assert_array_equal(
            labels.keypoint_occlusion.numpy()[0],
            (flags[index] == 1)[flip_indices])
    # a set without occlusion labels: weight 0 everywhere
    unlabelled = build(wild_root, 0., labelled=False)
    labels = unlabelled[0]['data_samples'].gt_instance_labels
    assert labels.keypoint_occlusion_weights.sum() == 0
    assert repr(GetKeypointOcclusion(False)) == \
        'GetKeypointOcclusion(labelled=False)'
