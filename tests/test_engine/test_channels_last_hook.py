# Copyright (c) hih_mmpose contributors. All rights reserved.
"""ChannelsLastHook: NHWC weights for the run, same maths, checkpoints that
load into the usual layout."""
import copy
import os.path as osp

import numpy as np
import torch
from mmengine.config import Config
from mmengine.runner import Runner, load_checkpoint

from hih_mmpose.utils.checkpoint import checkpoint_loading
from mmpose.registry import MODELS

CONFIG = osp.abspath(
    osp.join(osp.dirname(__file__), '..', '..', 'configs',
             'hih_synthetic.py'))


def conv_weights(model: torch.nn.Module) -> list:
    return [p for p in model.parameters() if p.ndim == 4]


def test_default_runtime_enables_it():
    cfg = Config.fromfile(CONFIG)
    assert dict(type='ChannelsLastHook') in cfg.custom_hooks


def test_training_step_matches_nchw(tmp_path, tiny_train_cfg):
    """One forward/backward in NHWC gives the NCHW losses and gradients up
    to float summation order (weights of scale 1/sqrt(fan_in), so that
    train-mode BN does not amplify rounding)."""
    cfg = tiny_train_cfg(str(tmp_path))
    generator = torch.Generator().manual_seed(0)
    nchw = MODELS.build(cfg.model)
    for module in nchw.modules():
        if isinstance(module, torch.nn.Conv2d):
            module.weight.data = torch.randn(
                module.weight.shape,
                generator=generator) / module.weight[0].numel()**0.5
    nhwc = copy.deepcopy(nchw).to(memory_format=torch.channels_last)
    assert all(w.is_contiguous(memory_format=torch.channels_last)
               for w in conv_weights(nhwc))
    np.random.seed(0)  # the augmentation's draws
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
    # relative L2 error of the whole gradient, and per tensor (element-wise,
    # sums that cancel to ~0 are pure rounding noise; so are the gradients
    # of biases that a train-mode BN cancels, ~1e-12)
    flat_a = torch.cat([g.flatten() for g in grads_a])
    flat_b = torch.cat([g.flatten() for g in grads_b])
    assert (flat_b - flat_a).norm() <= 2e-3 * flat_a.norm()
    for grad_a, grad_b in zip(grads_a, grads_b):
        assert (grad_b - grad_a).norm() <= \
            2e-2 * grad_a.norm() + 1e-6 * flat_a.norm()


def test_runner_trains_nhwc_and_checkpoint_loads_nchw(tmp_path,
                                                      tiny_train_cfg):
    cfg = tiny_train_cfg(str(tmp_path))
    runner = Runner.from_cfg(cfg)
    runner.train()
    weights = conv_weights(runner.model)
    assert weights and all(
        w.is_contiguous(memory_format=torch.channels_last) for w in weights)

    plain = MODELS.build(cfg.model)
    with checkpoint_loading():
        load_checkpoint(plain, str(tmp_path / 'epoch_1.pth'), strict=True)
    assert all(w.is_contiguous() for w in conv_weights(plain))
    for name, value in runner.model.state_dict().items():
        torch.testing.assert_close(plain.state_dict()[name], value,
                                   rtol=0, atol=0)
