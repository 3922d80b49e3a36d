# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The light HIHs (HIH's head on mmpose's LiteHRNet-18, and on mmpose's
ResNet-18 at half width + FPN) and their same-budget mmpose twins: the
configs change only the network of the configs they inherit, predict HIH's
heatmaps at the integer grid, and build, train and test (shrunk to a tiny
network)."""
import os.path as osp
import uuid

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmpose.registry import MODELS

CONFIGS = osp.join(osp.dirname(__file__), '..', '..', 'configs')
#: the hourglass configs the light ones inherit: (suffix of the light
#: config's name, keypoints)
BASES = {
    'hih_wflw.py': ('_1xb16-60e_wflw-256x256.py', 98),
    'hih_300w.py': ('_1xb16-60e_300w-256x256.py', 68),
    'hih_cofw.py': ('_1xb16-60e_cofw-256x256.py', 29),
    'hih_synthetic.py': ('_1xb16-12e_synthetic-128x128.py', 98),
    'hih_synthetic_wild.py': ('_1xb16-24e_synthetic-wild-128x128.py', 98),
}
#: each light backbone: its registered type, the neck type, the channels the
#: head reads, and the names its base file adds to a config
BACKBONES = {
    'litehrnet-18':
    ('LiteHRNet', None, 40, ('litehrnet_18', 'litehrnet_18_head')),
    'res18-w32-fpn': ('ResNet', 'NeckSequence', 64,
                      ('res18_w32', 'res18_w32_fpn_neck',
                       'res18_w32_fpn_head')),
}


def light_config(backbone: str, base: str) -> str:
    return osp.join(CONFIGS, f'hih_{backbone}{BASES[base][0]}')


def dark_config(backbone: str) -> str:
    return osp.join(
        CONFIGS, f'td-hm_{backbone}_dark-1xb16-24e_synthetic-wild-128x128.py')


def without_model(cfg: Config, backbone: str) -> dict:
    return {key: value for key, value in cfg.to_dict().items()
            if key not in ('model', ) + BACKBONES[backbone][3]}


@pytest.mark.parametrize('backbone', list(BACKBONES))
@pytest.mark.parametrize('base', list(BASES))
def test_light_config_changes_only_the_network(backbone, base):
    light = Config.fromfile(light_config(backbone, base))
    hourglass = Config.fromfile(osp.join(CONFIGS, base))
    backbone_type, neck_type, channels, _ = BACKBONES[backbone]
    # data, pipelines, schedule, optimiser, evaluators: the base's
    assert without_model(light, backbone) == without_model(hourglass,
                                                           backbone)
    assert light.model.backbone.type == backbone_type
    assert 'num_keypoints' not in light.model.backbone
    assert light.model.get('neck', {}).get('type') == neck_type
    head, base_head = light.model.head, hourglass.model.head
    assert (head.in_channels, head.num_stages,
            head.heatmaps_from_backbone) == (channels, 1, False)
    assert head.out_channels == BASES[base][1]
    for key in ('decimal_branch', 'loss', 'decimal_loss', 'decoder'):
        assert head[key] == base_head[key]
    assert light.model.type == hourglass.model.type
    assert light.model.test_cfg == hourglass.model.test_cfg


@pytest.mark.parametrize('backbone', list(BACKBONES))
@pytest.mark.parametrize('base', ['hih_wflw.py', 'hih_synthetic.py'])
def test_light_network_predicts_on_the_integer_grid(backbone, base):
    """The network's output at 1/4 of the input is the integer heatmap's
    grid; the decimal heatmap is the codec's."""
    cfg = Config.fromfile(light_config(backbone, base))
    size = cfg.model.head.decoder.input_size[0]
    model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        integer, decimal = model(torch.zeros(1, 3, size, size), None,
                                 mode='tensor')
    assert integer.shape == (1, 98, size // 4, size // 4)
    assert decimal.shape == (1, 98, 8, 8)


@pytest.mark.parametrize('backbone', list(BACKBONES))
def test_dark_twin_differs_only_in_the_head(backbone):
    hih = Config.fromfile(light_config(backbone, 'hih_synthetic_wild.py'))
    dark = Config.fromfile(dark_config(backbone))
    assert dark.model.backbone == hih.model.backbone
    assert dark.model.get('neck') == hih.model.get('neck')
    assert dark.model.head.type == 'HeatmapHead'
    assert dark.model.head.in_channels == BACKBONES[backbone][2]
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


def shrink(cfg: Config) -> None:
    """A tiny network of the same code paths: one small module a stage
    (LiteHRNet), 8 base channels (ResNet + FPN)."""
    model = cfg.model
    if model.backbone.type == 'LiteHRNet':
        extra = model.backbone.extra
        extra.stem.update(stem_channels=8, out_channels=8)
        extra.stages_spec.update(
            num_modules=(1, 1, 1), num_blocks=(1, 1, 1),
            num_channels=((8, 16), (8, 16, 32), (8, 16, 32, 64)))
    else:
        model.backbone.update(stem_channels=8, base_channels=8)
        model.neck.necks[0].update(in_channels=[8, 16, 32, 64],
                                   out_channels=8)
    model.head.in_channels = 8


@pytest.mark.parametrize(
    'config', [
        light_config('litehrnet-18', 'hih_synthetic.py'),
        light_config('litehrnet-18', 'hih_synthetic_wild.py'),
        dark_config('litehrnet-18'),
        light_config('res18-w32-fpn', 'hih_synthetic_wild.py'),
        dark_config('res18-w32-fpn'),
    ],
    ids=['litehrnet_hih', 'litehrnet_hih_wild', 'litehrnet_dark_twin',
         'res18_fpn_hih_wild', 'res18_fpn_dark_twin'])
def test_light_configs_train_and_test(config, synthetic_root, tmp_path):
    cfg = Config.fromfile(config)
    shrink(cfg)
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
