# Copyright (c) hih_mmpose contributors. All rights reserved.
import glob
import os.path as osp
import subprocess
import sys
import textwrap

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

from mmpose.registry import DATASETS, MODELS
from hih_mmpose.models.utils.param_count import count_published_parameters

CONFIG = osp.abspath(
    osp.join(osp.dirname(__file__), '..', '..', 'configs', 'hih_wflw.py'))


def test_custom_imports_registers_the_plugin():
    """A fresh interpreter builds the model from the config alone."""
    script = textwrap.dedent(f"""
        import sys
        from mmengine.config import Config
        from mmengine.registry import init_default_scope
        assert 'hih_mmpose' not in sys.modules
        cfg = Config.fromfile({CONFIG!r})
        assert 'hih_mmpose' in sys.modules
        init_default_scope(cfg.default_scope)
        from mmpose.registry import MODELS
        model = MODELS.build(cfg.model)
        print(type(model).__name__, type(model.backbone).__name__,
              type(model.head).__name__)
        """)
    result = subprocess.run([sys.executable, '-c', script],
                            capture_output=True, text=True, cwd='/')
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == [
        'TopdownPoseEstimator', 'HIHHourglassNet', 'HIHHead'
    ]


def test_topdown_estimator_loss_and_predict(wflw_like_root):
    """HIH-B from configs/hih_wflw.py trains one step and predicts (with
    flip test) on samples from mmpose's WFLWDataset and the config's own
    pipelines."""
    data_root, ann_file = wflw_like_root
    cfg = Config.fromfile(CONFIG)
    init_default_scope(cfg.default_scope)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    # the published HIH-B less its decimal branch (5,892,962 parameters),
    # plus the cell decimal branch
    cell_branch = sum(
        p.numel() for p in model.head.decimal_layers.parameters())
    assert cell_branch == 327_040
    assert count_published_parameters(model) == \
        22_677_034 - 5_892_962 + cell_branch
    published = MODELS.build(
        Config.fromfile(
            osp.join(osp.dirname(CONFIG), 'hih_wflw_published.py')).model)
    assert count_published_parameters(published) == 22_677_034

    def samples(dataloader_cfg, count):
        dataset_cfg = dict(dataloader_cfg.dataset, data_root=data_root,
                           ann_file=ann_file)
        dataset = DATASETS.build(dataset_cfg)
        return pseudo_collate([dataset[i] for i in range(count)])

    model.train()
    batch = model.data_preprocessor(samples(cfg.train_dataloader, 2), True)
    losses = model(**batch, mode='loss')
    assert set(losses) == {
        'loss_heatmap', 'loss_decimal', 'acc_pose', 'acc_decimal'}
    assert all(torch.isfinite(v) for v in losses.values())
    (losses['loss_heatmap'] + losses['loss_decimal']).backward()
    assert model.backbone.stem[0].conv.weight.grad.abs().sum() > 0

    model.eval()
    with torch.no_grad():
        results = model.test_step(samples(cfg.val_dataloader, 2))
    assert len(results) == 2
    for result in results:
        keypoints = result.pred_instances.keypoints
        scores = result.pred_instances.keypoint_scores
        assert keypoints.shape == (1, 98, 2)
        assert scores.shape == (1, 98)
        assert ((scores >= 0) & (scores <= 1)).all()
        # predictions are mapped back into the original image (the crop is
        # the box x 1.25 around (95, 85), side 137.5)
        centre = np.array([95., 85.])
        assert np.all(np.abs(keypoints[0] - centre) <= 137.5 / 2 + 1)


EXPECTED = {
    # config: (dataset, keypoints, stacks)
    'hih_wflw.py': ('WFLWDataset', 98, 4),
    'hih_wflw_published.py': ('WFLWDataset', 98, 4),
    'hih-t_hg1_1xb16-60e_wflw-256x256.py': ('WFLWDataset', 98, 1),
    'hih-s_hg2_1xb16-60e_wflw-256x256.py': ('WFLWDataset', 98, 2),
    'hih_cofw.py': ('COFWDataset', 29, 4),
    'hih_300w.py': ('Face300WDataset', 68, 4),
    'hih_synthetic.py': ('WFLWDataset', 98, 2),
    'hih_synthetic_long.py': ('WFLWDataset', 98, 2),
    'hih_synthetic_published.py': ('WFLWDataset', 98, 2),
    'baseline_heatmap_dark_synthetic.py': ('WFLWDataset', 98, 2),
    'hih_synthetic_wild.py': ('WFLWDataset', 98, 2),
    'baseline_heatmap_dark_synthetic_wild.py': ('WFLWDataset', 98, 2),
    'hih_synthetic_wild_visibility.py': ('WFLWDataset', 98, 2),
}
# configs that train a visibility head: their training set keeps the raw
# annotation (WFLWOcclusionDataset) and their head wraps an HIHHead
VISIBILITY = {'hih_synthetic_wild_visibility.py'}
# the configs that train from scratch use the cell decimal branch; the
# published ones keep the published branch, loss and decode
PUBLISHED_DECIMAL = {'hih_wflw_published.py', 'hih_synthetic_published.py'}
# mmpose's HRNetV2-W18 configs (tests/test_configs/test_hrnet_configs.py)
HRNET = {
    'hih_hrnetv2-w18_8xb64-60e_wflw-256x256.py',
    'hih_hrnetv2-w18_1xb16-24e_synthetic-128x128.py',
    'td-hm_hrnetv2-w18_dark-1xb16-24e_synthetic-128x128.py',
}
# the light HIHs and their twins: tests/test_configs/test_light_configs.py
LIGHT = {
    f'{prefix}_{backbone}{suffix}'
    for backbone in ('litehrnet-18', 'res18-w32-fpn')
    for prefix, suffix in (
        ('hih', '_1xb16-60e_wflw-256x256.py'),
        ('hih', '_1xb16-60e_300w-256x256.py'),
        ('hih', '_1xb16-60e_cofw-256x256.py'),
        ('hih', '_1xb16-12e_synthetic-128x128.py'),
        ('hih', '_1xb16-24e_synthetic-wild-128x128.py'),
        ('td-hm', '_dark-1xb16-24e_synthetic-wild-128x128.py'))
}


def test_every_config_is_consistent():
    """Each config's dataset, keypoint numbers, stacks and codec agree."""
    config_dir = osp.dirname(CONFIG)
    found = {osp.basename(p) for p in glob.glob(osp.join(config_dir, '*.py'))}
    assert found == set(EXPECTED) | HRNET | LIGHT
    for name, (dataset, keypoints, stacks) in EXPECTED.items():
        cfg = Config.fromfile(osp.join(config_dir, name))
        assert cfg.dataset_type == dataset, name
        assert cfg.data_mode == 'topdown', name
        head = cfg.model.head
        if name in VISIBILITY:
            assert head.type == 'HIHVisibilityHead', name
            assert cfg.train_dataloader.dataset.type == 'WFLWOcclusionDataset'
            assert 'GetKeypointOcclusion' in [
                step['type'] for step in cfg.train_dataloader.dataset.pipeline]
            head = head.pose_cfg
        else:
            assert cfg.train_dataloader.dataset.type == dataset, name
        for loader in (cfg.val_dataloader, cfg.test_dataloader):
            assert loader.dataset.type == dataset, name
        assert cfg.model.backbone.num_keypoints == keypoints, name
        assert head.out_channels == keypoints, name
        assert cfg.model.backbone.num_stacks == stacks, name
        assert head.num_stages == stacks, name
        assert head.decoder.input_size == cfg.codec.input_size
        assert all(step.get('type') != 'GenerateTarget'
                   for step in cfg.val_dataloader.dataset.pipeline), name
        assert cfg.default_hooks.checkpoint.save_best == 'NME', name
        if head.type != 'HIHHead':
            continue
        if name in PUBLISHED_DECIMAL:
            assert head.decimal_branch is None, name
            assert head.decoder.mask_decimal is True, name
            assert head.decimal_loss == dict(
                type='SeamlessLoss', use_target_weight=True,
                loss_weight=0.05), name
        else:
            assert head.decimal_branch.type == 'CellDecimalBranch', name
            assert head.decoder.mask_decimal is False, name
            assert head.decimal_loss.soft_label == 'gaussian', name
        # the decode measured best (docs/wild_faces.md): the mean of the
        # expected interval and DARK (blur 11); the published argmax for
        # the published branch and weights
        if name in PUBLISHED_DECIMAL:
            assert head.decoder.decimal_decode == 'argmax', name
        else:
            assert head.decoder.decimal_decode == 'expectation_dark', name
            assert head.decoder.blur_kernel_size == 11, name


def test_wild_baseline_matches_the_wild_hih_run():
    """Same backbone, data, augmentation, schedule and epochs on the wild
    set; mmpose's heatmap head, codec and DARK decoding; WFLW's subsets in
    both test tables."""
    config_dir = osp.dirname(CONFIG)
    hih = Config.fromfile(osp.join(config_dir, 'hih_synthetic_wild.py'))
    base = Config.fromfile(
        osp.join(config_dir, 'baseline_heatmap_dark_synthetic_wild.py'))
    assert base.model.backbone == hih.model.backbone
    for key in ('train_cfg', 'param_scheduler', 'optim_wrapper',
                'test_evaluator'):
        assert base[key] == hih[key], key
    for loader in ('train_dataloader', 'test_dataloader'):
        assert base[loader].dataset.data_root == 'data/synthetic_wild/'
        assert base[loader].dataset.data_root == hih[loader].dataset.data_root
    for ours, theirs in zip(base.train_dataloader.dataset.pipeline,
                            hih.train_dataloader.dataset.pipeline):
        if ours['type'] != 'GenerateTarget':
            assert ours == theirs
    target = base.train_dataloader.dataset.pipeline[-2]
    assert target.encoder.type == 'MSRAHeatmap'
    assert 'decimal_size' not in target.encoder
    assert len(hih.test_evaluator.subsets) == 6


def test_baseline_config_matches_the_long_hih_run():
    """Same backbone, data, schedule and epochs; mmpose's heatmap head,
    codec and DARK decoding."""
    config_dir = osp.dirname(CONFIG)
    hih = Config.fromfile(osp.join(config_dir, 'hih_synthetic_long.py'))
    base = Config.fromfile(
        osp.join(config_dir, 'baseline_heatmap_dark_synthetic.py'))
    assert base.model.backbone == hih.model.backbone
    assert base.train_cfg == hih.train_cfg
    assert base.param_scheduler == hih.param_scheduler
    assert base.optim_wrapper == hih.optim_wrapper
    assert base.train_dataloader.dataset.ann_file == \
        hih.train_dataloader.dataset.ann_file
    steps = [step['type'] for step in base.train_dataloader.dataset.pipeline]
    assert steps == [step['type']
                     for step in hih.train_dataloader.dataset.pipeline]
    assert base.model.head.type == 'CPMHead'
    assert base.model.head.decoder.type == 'MSRAHeatmap'
    assert base.model.head.decoder.unbiased is True


def test_published_protocol_config():
    cfg = Config.fromfile(
        osp.join(osp.dirname(CONFIG), 'hih_wflw_published.py'))
    assert cfg.model.test_cfg.flip_test is False
    assert cfg.test_dataloader.dataset.ann_file == \
        'annotations_published/face_landmarks_wflw_test.json'
    assert cfg.test_evaluator.subsets['blur'] == (
        'data/wflw/annotations_published/face_landmarks_wflw_test_blur.json')
