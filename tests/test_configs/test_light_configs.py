# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The light HIH (HIH's head on mmpose's LiteHRNet-18) and its same-budget
mmpose twin: the configs change only the backbone and the head of the
configs they inherit, predict HIH's heatmaps at the integer grid, and
build, train and test (shrunk to a tiny LiteHRNet)."""
import os.path as osp
import uuid

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmpose.registry import MODELS

CONFIGS = osp.join(osp.dirname(__file__), '..', '..', 'configs')
LIGHT = {
    'hih_wflw.py': ('hih_litehrnet-18_1xb16-60e_wflw-256x256.py', 98),
    'hih_300w.py': ('hih_litehrnet-18_1xb16-60e_300w-256x256.py', 68),
    'hih_cofw.py': ('hih_litehrnet-18_1xb16-60e_cofw-256x256.py', 29),
    'hih_synthetic.py': ('hih_litehrnet-18_1xb16-12e_synthetic-128x128.py',
                         98),
    'hih_synthetic_wild.py':
    ('hih_litehrnet-18_1xb16-24e_synthetic-wild-128x128.py', 98),
}
WILD = osp.join(CONFIGS, LIGHT['hih_synthetic_wild.py'][0])
EASY = osp.join(CONFIGS, LIGHT['hih_synthetic.py'][0])
DARK = osp.join(CONFIGS,
                'td-hm_litehrnet-18_dark-1xb16-24e_synthetic-wild-128x128.py')


def without_model(cfg: Config) -> dict:
    return {key: value for key, value in cfg.to_dict().items()
            if key not in ('model', 'litehrnet_18', 'litehrnet_18_head')}


@pytest.mark.parametrize('base', list(LIGHT))
def test_light_config_changes_only_the_network(base):
    light_file, keypoints = LIGHT[base]
    light = Config.fromfile(osp.join(CONFIGS, light_file))
    hourglass = Config.fromfile(osp.join(CONFIGS, base))
    # data, pipelines, schedule, optimiser, evaluators: the base's
    assert without_model(light) == without_model(hourglass)
    assert light.model.backbone.type == 'LiteHRNet'
    assert 'num_keypoints' not in light.model.backbone
    head, base_head = light.model.head, hourglass.model.head
    assert (head.in_channels, head.num_stages,
            head.heatmaps_from_backbone) == (40, 1, False)
    assert head.out_channels == keypoints
    for key in ('decimal_branch', 'loss', 'decimal_loss', 'decoder'):
        assert head[key] == base_head[key]
    assert light.model.type == hourglass.model.type
    assert light.model.test_cfg == hourglass.model.test_cfg


@pytest.mark.parametrize('base', ['hih_wflw.py', 'hih_synthetic.py'])
def test_light_network_predicts_on_the_integer_grid(base):
    """LiteHRNet-18's output at 1/4 of the input is the integer heatmap's
    grid; the decimal heatmap is the codec's."""
    cfg = Config.fromfile(osp.join(CONFIGS, LIGHT[base][0]))
    size = cfg.model.head.decoder.input_size[0]
    model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        integer, decimal = model(torch.zeros(1, 3, size, size), None,
                                 mode='tensor')
    assert integer.shape == (1, 98, size // 4, size // 4)
    assert decimal.shape == (1, 98, 8, 8)


def test_dark_twin_differs_only_in_the_head():
    hih, dark = Config.fromfile(WILD), Config.fromfile(DARK)
    assert dark.model.backbone == hih.model.backbone
    assert dark.model.head.type == 'HeatmapHead'
    assert dark.model.head.in_channels == 40
    assert dark.optim_wrapper == hih.optim_wrapper
    assert dark.param_scheduler == hih.param_scheduler
    assert dark.train_cfg == hih.train_cfg
    steps = [(a.type, b.type) for a, b in zip(
        hih.train_dataloader.dataset.pipeline,
        dark.train_dataloader.dataset.pipeline)]
    assert all(a == b for a, b in steps)
    encoders = [step.encoder.type for step in
                dark.train_dataloader.dataset.pipeline
                if step.type == 'GenerateTarget']
    assert encoders == ['MSRAHeatmap']


def tiny_litehrnet(cfg: Config) -> None:
    """One small module a stage: the same code paths, a fraction of the
    cost."""
    extra = cfg.model.backbone.extra
    extra.stem.update(stem_channels=8, out_channels=8)
    extra.stages_spec.update(
        num_modules=(1, 1, 1), num_blocks=(1, 1, 1),
        num_channels=((8, 16), (8, 16, 32), (8, 16, 32, 64)))
    cfg.model.head.in_channels = 8


@pytest.mark.parametrize('config', [EASY, WILD, DARK],
                         ids=['hih', 'hih_wild', 'dark_twin'])
def test_light_configs_train_and_test(config, synthetic_root, tmp_path):
    cfg = Config.fromfile(config)
    tiny_litehrnet(cfg)
    for loader in ('train', 'val', 'test'):
        cfg[f'{loader}_dataloader'].update(num_workers=0,
                                           persistent_workers=False)
        cfg[f'{loader}_dataloader'].dataset.data_root = synthetic_root
        cfg[f'{loader}_dataloader'].dataset.pop('indices', None)
    if 'subsets' in cfg.test_evaluator:  # the wild set's subset files
        cfg.test_evaluator.pop('subsets')
    cfg.train_dataloader.batch_size = 4
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=1)
    cfg.param_scheduler = []
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = uuid.uuid4().hex
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    # a few iterations from scratch: any finite error
    assert 0 < metrics['NME'] < 100 and 'AUC@0.1' in metrics
    assert osp.isfile(tmp_path / 'epoch_1.pth')
