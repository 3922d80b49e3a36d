# Copyright (c) hih_mmpose contributors. All rights reserved.
"""A NaN loss stops training with the iteration named; the same seed gives
the same loss curve on CPU."""
import glob
import os.path as osp
import re

import pytest
from mmengine.runner import Runner

CONFIG = osp.abspath(
    osp.join(osp.dirname(__file__), '..', '..', 'configs',
             'hih_synthetic.py'))


def test_nan_loss_stops_with_the_iteration(tmp_path, tiny_train_cfg):
    cfg = tiny_train_cfg(str(tmp_path))
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


def test_same_seed_same_loss_curve(tmp_path, tiny_train_cfg):
    curves = []
    for run in ('a', 'b'):
        work_dir = str(tmp_path / run)
        Runner.from_cfg(tiny_train_cfg(work_dir)).train()
        curves.append(loss_curve(work_dir))
    assert len(curves[0]) == 4
    assert curves[0] == curves[1]
