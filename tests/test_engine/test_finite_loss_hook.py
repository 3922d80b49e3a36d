# Copyright (c) hih_mmpose contributors. All rights reserved.
"""A NaN loss stops training with the iteration named; the same seed gives
the same loss curve on CPU."""
import glob
import os.path as osp
import re
import uuid

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

CONFIG = osp.abspath(
    osp.join(osp.dirname(__file__), '..', '..', 'configs',
             'hih_synthetic.py'))


def tiny_cfg(work_dir: str, data_root: str) -> Config:
    cfg = Config.fromfile(CONFIG)
    cfg.model.backbone.update(num_stacks=1, channels=32)
    cfg.model.head.update(num_stages=1, in_channels=32, decimal_channels=32)
    cfg.train_dataloader.update(batch_size=4, num_workers=0,
                                persistent_workers=False)
    cfg.train_dataloader.dataset.data_root = data_root
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1)
    cfg.default_hooks.logger.interval = 1
    cfg.param_scheduler = []
    cfg.work_dir = work_dir
    # Runners made in the same second would share one MMLogger (and log file)
    cfg.experiment_name = uuid.uuid4().hex
    cfg.randomness = dict(seed=0, deterministic=True)
    return cfg


def test_nan_loss_stops_with_the_iteration(tmp_path, synthetic_root):
    cfg = tiny_cfg(str(tmp_path), synthetic_root)
    cfg.model.head.decimal_loss.loss_weight = float('nan')
    with pytest.raises(RuntimeError,
                       match=r'loss is nan at iteration 1 \(epoch 1, batch '
                       r'1\).*loss_decimal=nan'):
        Runner.from_cfg(cfg).train()


def loss_curve(work_dir: str) -> list:
    """Total losses logged at every iteration (the run's text log)."""
    (log_file, ) = glob.glob(osp.join(work_dir, '*', '*.log'))
    with open(log_file) as f:
        return re.findall(r'Epoch\(train\).*?  loss: ([0-9.e+-]+)', f.read())


def test_same_seed_same_loss_curve(tmp_path, synthetic_root):
    curves = []
    for run in ('a', 'b'):
        work_dir = str(tmp_path / run)
        Runner.from_cfg(tiny_cfg(work_dir, synthetic_root)).train()
        curves.append(loss_curve(work_dir))
    assert len(curves[0]) == 4
    assert curves[0] == curves[1]
