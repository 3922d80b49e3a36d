# Copyright (c) hih_mmpose contributors. All rights reserved.
"""UprightTopdownPoseEstimator maps the keypoints of crops turned by
``bbox_rotation`` (and by the orientation check's quarter turns) back to
the image exactly, and those of unturned crops exactly as mmpose does."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData, PixelData

from mmpose.models.pose_estimators import TopdownPoseEstimator
from hih_mmpose.models import UprightTopdownPoseEstimator
from hih_mmpose.utils.crop_transforms import unturn_crop_keypoints

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..', '..'))


@pytest.fixture(scope='module')
def model_and_pipeline():
    from mmpose.apis import init_model
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'hih_synthetic.py'))
    cfg.model.backbone.update(num_stacks=1, channels=32)
    cfg.model.head.update(num_stages=1, in_channels=32, decimal_channels=32)
    model = init_model(cfg, None, device='cpu')
    assert isinstance(model, UprightTopdownPoseEstimator)
    init_default_scope('mmpose')
    return model, Compose(cfg.test_dataloader.dataset.pipeline)


def packed_sample(pipeline, keypoints, rotation=None):
    """The test pipeline's sample of a 200 x 220 image, one box, the
    keypoints (1, K, 2) given as ground truth so that TopdownAffine moves
    them into the crop: (data sample, crop keypoints (1, K, 2))."""
    info = dict(img=np.zeros((200, 220, 3), np.uint8),
                bbox=np.array([[40, 35, 160, 170]], np.float32),
                bbox_score=np.ones(1, np.float32),
                keypoints=keypoints.copy(),
                keypoints_visible=np.ones(keypoints.shape[:2], np.float32))
    if rotation is not None:
        info['bbox_rotation'] = np.array([rotation], np.float32)
    for transform in pipeline.transforms[:-1]:
        info = transform(info)
    crop = info['transformed_keypoints'].astype(np.float32)
    return pipeline.transforms[-1](info)['data_samples'], crop


@pytest.mark.parametrize('rotation', [None, 0., 37., -90., 180.])
def test_keypoints_map_back_exactly(model_and_pipeline, rotation):
    """Crop keypoints the pipeline made from image keypoints come back as
    those image keypoints (1e-3 px), for any rotation; with none (or 0)
    the numbers are bit-identical to mmpose's TopdownPoseEstimator."""
    model, pipeline = model_and_pipeline
    rng = np.random.default_rng(0)
    keypoints = rng.uniform(60, 150, (1, 98, 2)).astype(np.float32)
    sample, crop = packed_sample(pipeline, keypoints, rotation)
    assert sample.metainfo.get('bbox_rotation') == (
        None if rotation is None else pytest.approx([rotation]))
    prediction = InstanceData(keypoints=crop.copy(),
                              keypoint_scores=np.ones((1, 98), np.float32))
    (result, ) = model.add_pred_to_datasample([prediction], None,
                                              [sample.clone()])
    np.testing.assert_allclose(result.pred_instances.keypoints, keypoints,
                               atol=1e-3)
    plain = TopdownPoseEstimator.add_pred_to_datasample(
        model, [InstanceData(keypoints=crop.copy(),
                             keypoint_scores=np.ones((1, 98)))], None,
        [sample.clone()])[0].pred_instances.keypoints
    if not rotation:
        np.testing.assert_array_equal(result.pred_instances.keypoints, plain)
    else:
        # what mmpose alone would give: far off
        assert np.abs(plain - keypoints).max() > 10


@pytest.mark.parametrize('turns', [1, 2, 3])
def test_quarter_turned_crops_map_back_exactly(model_and_pipeline, turns):
    """Keypoints found in the crop turned by ``turns`` quarter turns (the
    orientation check) and their heatmaps are turned back before the
    crop's own rotation maps them to the image."""
    model, pipeline = model_and_pipeline
    rng = np.random.default_rng(1)
    keypoints = rng.uniform(60, 150, (1, 98, 2)).astype(np.float32)
    sample, crop = packed_sample(pipeline, keypoints, 25.)
    crop = crop.astype(np.float64)
    side = int(sample.metainfo['input_size'][0])
    turned = crop.copy()
    for _ in range(turns):
        # np.rot90 once: pixel (x, y) goes to (y, side - 1 - x)
        turned = np.stack([turned[..., 1], side - 1 - turned[..., 0]], -1)
    np.testing.assert_allclose(unturn_crop_keypoints(turned, turns, side),
                               crop, atol=1e-9)
    heatmaps = torch.zeros(98, 64, 64)
    heatmaps[3, 10, 20] = 1
    turned_sample = sample.clone()
    turned_sample.set_metainfo(dict(crop_turns=turns))
    (result, ) = model.add_pred_to_datasample(
        [InstanceData(keypoints=turned.astype(np.float32),
                      keypoint_scores=np.ones((1, 98), np.float32))],
        [PixelData(heatmaps=torch.rot90(heatmaps, turns, dims=(-2, -1)))],
        [turned_sample])
    np.testing.assert_allclose(result.pred_instances.keypoints, keypoints,
                               atol=1e-3)
    assert torch.equal(result.pred_fields.heatmaps, heatmaps)


def test_orientation_check_keeps_the_best_turn(trained_tiny_hih):
    """A test face's crop cut upside down and marked for the orientation
    check: the estimator runs its four quarter turns in one batch and keeps
    the half turn (the face upright), whose keypoints, turned back, are
    those of the face cropped the right way up; unmarked, the same crop
    gives keypoints far off."""
    import cv2

    from hih_mmpose.utils import checkpoint_loading
    from mmpose.apis import init_model
    config, checkpoint = trained_tiny_hih
    with checkpoint_loading():
        model = init_model(config, checkpoint, device='cpu')
    init_default_scope('mmpose')
    pipeline = Compose(model.cfg.test_dataloader.dataset.pipeline)
    root = model.cfg.test_dataloader.dataset.data_root
    image = cv2.imread(f'{root}/images/test/000000.png')
    box = np.array([[20., 18., 100., 104.]], np.float32)

    def predict(rotation, check):
        info = dict(img=image, bbox=box, bbox_score=np.ones(1, np.float32),
                    bbox_rotation=np.array([rotation], np.float32))
        info.update(model.dataset_meta)
        packed = pipeline(info)
        if check:
            packed['data_samples'].set_metainfo(
                dict(orientation_check=True))
        with torch.no_grad():
            (sample, ) = model.test_step(dict(
                inputs=[packed['inputs']],
                data_samples=[packed['data_samples']]))
        return sample

    upright = predict(0., False).pred_instances.keypoints[0]
    checked = predict(180., True)
    assert checked.metainfo['crop_turns'] == 2
    error = np.linalg.norm(checked.pred_instances.keypoints[0] - upright,
                           axis=-1)
    assert np.median(error) < 1., np.median(error)
    unchecked = predict(180., False).pred_instances.keypoints[0]
    assert np.median(np.linalg.norm(unchecked - upright, axis=-1)) > 10
