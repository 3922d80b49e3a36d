# Copyright (c) hih_mmpose contributors. All rights reserved.
"""ChannelsLastHook: NHWC weights for the run, same maths, checkpoints that
load into the usual layout."""
import copy
import os.path as osp
import uuid

import torch
from mmengine.config import Config
from mmengine.runner import Runner, load_checkpoint

from mmpose.registry import MODELS

CONFIG = osp.abspath(
    osp.join(osp.dirname(__file__), '..', '..', 'configs',
             'hih_synthetic.py'))


def small_cfg(data_root: str) -> Config:
    cfg = Config.fromfile(CONFIG)
    cfg.model.backbone.update(num_stacks=1, channels=32)
    cfg.model.head.update(num_stages=1, in_channels=32, decimal_channels=32)
    cfg.train_dataloader.update(batch_size=4, num_workers=0,
                                persistent_workers=False)
    cfg.train_dataloader.dataset.data_root = data_root
    return cfg


def conv_weights(model: torch.nn.Module) -> list:
    return [p for p in model.parameters() if p.ndim == 4]


def test_default_runtime_enables_it():
    cfg = Config.fromfile(CONFIG)
    assert dict(type='ChannelsLastHook') in cfg.custom_hooks


def test_training_step_matches_nchw(synthetic_root):
    """One forward/backward in NHWC gives the NCHW losses and gradients up
    to float summation order."""
    cfg = small_cfg(synthetic_root)
    torch.manual_seed(0)
    nchw = MODELS.build(cfg.model)
    nchw.init_weights()
    nhwc = copy.deepcopy(nchw).to(memory_format=torch.channels_last)
    assert all(w.is_contiguous(memory_format=torch.channels_last)
               for w in conv_weights(nhwc))
    batch = next(iter(Runner.build_dataloader(cfg.train_dataloader,
                                              seed=0)))
    results = []
    for model in (nchw, nhwc):
        model.train()
        data = model.data_preprocessor(copy.deepcopy(batch), training=True)
        losses = model(**data, mode='loss')
        sum(v for k, v in losses.items() if 'loss' in k).backward()
        results.append((losses, [p.grad for p in model.parameters()]))
    (losses_a, grads_a), (losses_b, grads_b) = results
    for name in ('loss_heatmap', 'loss_decimal'):
        torch.testing.assert_close(losses_b[name], losses_a[name],
                                   rtol=1e-5, atol=0)
    # relative L2 error per tensor (a few bias gradients are sums that
    # cancel to ~1e-12, pure rounding noise element-wise)
    for grad_a, grad_b in zip(grads_a, grads_b):
        assert (grad_b - grad_a).norm() <= 1e-2 * grad_a.norm() + 1e-9


def test_runner_trains_nhwc_and_checkpoint_loads_nchw(tmp_path,
                                                      synthetic_root):
    cfg = small_cfg(synthetic_root)
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1)
    cfg.param_scheduler = []
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = uuid.uuid4().hex
    runner = Runner.from_cfg(cfg)
    runner.train()
    weights = conv_weights(runner.model)
    assert weights and all(
        w.is_contiguous(memory_format=torch.channels_last) for w in weights)

    plain = MODELS.build(cfg.model)
    load_checkpoint(plain, str(tmp_path / 'epoch_1.pth'), strict=True)
    assert all(w.is_contiguous() for w in conv_weights(plain))
    for name, value in runner.model.state_dict().items():
        torch.testing.assert_close(plain.state_dict()[name], value,
                                   rtol=0, atol=0)
