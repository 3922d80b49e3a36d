# Copyright (c) hih_mmpose contributors. All rights reserved.
"""HIH's head on mmpose's own HRNetV2-W18 config (inherited through
``mmpose::``) and its same-budget mmpose twin: they build, train and test,
shrunk to a tiny HRNet."""
import os.path as osp
import uuid

import mmpose as mmpose_package
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from mmpose.registry import MODELS

CONFIGS = osp.join(osp.dirname(__file__), '..', '..', 'configs')
WFLW = osp.join(CONFIGS, 'hih_hrnetv2-w18_8xb64-60e_wflw-256x256.py')
HIH = osp.join(CONFIGS, 'hih_hrnetv2-w18_1xb16-24e_synthetic-128x128.py')
DARK = osp.join(CONFIGS,
                'td-hm_hrnetv2-w18_dark-1xb16-24e_synthetic-128x128.py')


def unscoped(value):
    """A config value without the ``_scope_`` keys that ``mmpose::``
    inheritance adds."""
    if isinstance(value, dict):
        return {key: unscoped(item) for key, item in value.items()
                if key != '_scope_'}
    if isinstance(value, (list, tuple)):
        return [unscoped(item) for item in value]
    return value


def test_wflw_config_changes_only_head_and_codec():
    """Everything but the head, the codec and the codec's pipeline step is
    mmpose's HRNetV2-W18 + DARK config."""
    ours = Config.fromfile(WFLW)
    mmpose = Config.fromfile(
        osp.join(osp.dirname(mmpose_package.__file__), '.mim', 'configs',
                 'face_2d_keypoint', 'topdown_heatmap', 'wflw',
                 'td-hm_hrnetv2-w18_dark-8xb64-60e_wflw-256x256.py'))
    assert unscoped(ours.model.backbone) == unscoped(mmpose.model.backbone)
    assert unscoped(ours.model.neck) == unscoped(mmpose.model.neck)
    assert unscoped(ours.optim_wrapper) == unscoped(mmpose.optim_wrapper)
    assert unscoped(ours.param_scheduler) == unscoped(mmpose.param_scheduler)
    assert unscoped(ours.val_dataloader) == unscoped(mmpose.val_dataloader)
    assert ours.model.head.type == 'HIHHead'
    assert ours.model.head.in_channels == 270
    ours_train = ours.train_dataloader.dataset.pipeline
    mmpose_train = mmpose.train_dataloader.dataset.pipeline
    assert unscoped([step for step in ours_train
                     if step.type != 'GenerateTarget']) == unscoped(
                         [step for step in mmpose_train
                          if step.type != 'GenerateTarget'])


def test_wflw_config_predicts_integer_and_decimal_heatmaps():
    import torch
    cfg = Config.fromfile(WFLW)
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        integer, decimal = model(torch.zeros(1, 3, 256, 256), None,
                                 mode='tensor')
    assert integer.shape == (1, 98, 64, 64)
    assert decimal.shape == (1, 98, 8, 8)


@pytest.mark.parametrize('config', [HIH, DARK], ids=['hih', 'dark'])
def test_synthetic_configs_train_and_test(config, synthetic_root, tmp_path):
    cfg = Config.fromfile(config)
    assert cfg.model.backbone.init_cfg is None  # nothing to download
    extra = cfg.model.backbone.extra  # a tiny HRNet: one module a stage
    for stage, channels in (('stage2', (4, 8)), ('stage3', (4, 8, 16)),
                            ('stage4', (4, 8, 16, 32))):
        extra[stage].update(num_modules=1, num_channels=channels,
                            num_blocks=(1, ) * len(channels))
    extra.stage1.update(num_blocks=(1, ), num_channels=(8, ))
    cfg.model.head.in_channels = 60
    if cfg.model.head.type == 'HeatmapHead':
        cfg.model.head.conv_out_channels = (60, )
    for loader in ('train', 'val', 'test'):
        cfg[f'{loader}_dataloader'].update(num_workers=0,
                                           persistent_workers=False)
        cfg[f'{loader}_dataloader'].dataset.data_root = synthetic_root
    cfg.train_dataloader.batch_size = 4
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=1)
    cfg.param_scheduler = []
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = uuid.uuid4().hex
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    # 4 iterations from scratch: any finite error; the keys of the table
    assert 0 < metrics['NME'] < 10 and 'AUC@0.1' in metrics
    assert {'NME/contour', 'NME/inner'} <= set(metrics)
    assert osp.isfile(tmp_path / 'epoch_1.pth')
