# Copyright (c) hih_mmpose contributors. All rights reserved.
import os.path as osp
import pickle
import uuid

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner, load_checkpoint
from mmengine.runner.checkpoint import _load_checkpoint

from mmpose.registry import MODELS

CONFIG = osp.abspath(
    osp.join(osp.dirname(__file__), '..', '..', 'configs', 'hih_wflw.py'))


def tiny_runner_cfg(work_dir: str, data_root: str, ann_file: str) -> Config:
    """configs/hih_wflw.py with a narrow 1-stack model, 1 epoch of the tiny
    dataset, validation and checkpointing."""
    cfg = Config.fromfile(CONFIG)
    cfg.model.backbone.update(num_stacks=1, channels=16, depth=2)
    cfg.model.head.update(in_channels=16, num_stages=1, decimal_channels=16)
    cfg.model.test_cfg = dict(flip_test=False)
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        loader.update(batch_size=2, num_workers=0, persistent_workers=False)
        loader.dataset.update(data_root=data_root, ann_file=ann_file)
    cfg.test_dataloader = cfg.val_dataloader
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=1)
    cfg.param_scheduler = []
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = work_dir
    cfg.experiment_name = uuid.uuid4().hex
    cfg.randomness = dict(seed=0)
    return cfg


def test_runner_checkpoints_load_with_weights_only_default(
        tmp_path, wflw_like_root, monkeypatch):
    """A Runner checkpoint (message hub, numpy dataset meta) loads with
    torch's default ``weights_only=True`` and no environment variable."""
    monkeypatch.delenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', raising=False)
    monkeypatch.delenv('TORCH_FORCE_WEIGHTS_ONLY_LOAD', raising=False)
    cfg = tiny_runner_cfg(str(tmp_path), *wflw_like_root)
    runner = Runner.from_cfg(cfg)
    runner.train()
    checkpoint = osp.join(str(tmp_path), 'epoch_1.pth')
    assert osp.isfile(checkpoint)
    # the file holds objects that torch's default weights_only load rejects
    unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(checkpoint)
    assert any('HistoryBuffer' in name for name in unsafe), unsafe
    with pytest.raises(pickle.UnpicklingError, match='Weights only'):
        torch.load(checkpoint, map_location='cpu')

    # mmengine's own loading path reads it
    loaded = _load_checkpoint(checkpoint, map_location='cpu')
    assert loaded['meta']['dataset_meta']['dataset_name'] == 'wflw'
    model = MODELS.build(cfg.model)
    load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    for name, value in model.state_dict().items():
        torch.testing.assert_close(value, loaded['state_dict'][name])

    cfg.load_from = checkpoint
    cfg.resume = True
    cfg.train_cfg.max_epochs = 2
    cfg.work_dir = str(tmp_path / 'resumed')
    cfg.experiment_name = uuid.uuid4().hex
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    assert resumed.epoch == 2
    assert resumed.iter == 4
