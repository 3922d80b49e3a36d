# Copyright (c) hih_mmpose contributors. All rights reserved.
"""bf16 mixed precision on the CPU: the forward runs under bf16 autocast,
the step in float32; CPUs without native bf16 are refused with a clear
message (CPU flags faked)."""
import pytest
import torch
from mmengine.optim import build_optim_wrapper
from torch import nn

from hih_mmpose.engine import cpu_bf16_optim_wrapper as module


def test_forward_in_bf16_step_in_float32(monkeypatch):
    monkeypatch.setattr(module, 'cpu_has_bf16', lambda: True)
    model = nn.Linear(8, 4)
    wrapper = build_optim_wrapper(model, dict(
        type='CPUBf16OptimWrapper', optimizer=dict(type='SGD', lr=0.1)))
    before = model.weight.detach().clone()
    with wrapper.optim_context(model):
        output = model(torch.randn(2, 8))
    assert output.dtype == torch.bfloat16
    wrapper.update_params(output.float().pow(2).mean())
    assert model.weight.dtype == torch.float32
    assert not torch.equal(model.weight, before)


def test_refused_without_native_bf16(monkeypatch):
    monkeypatch.setattr(module, 'cpu_has_bf16', lambda: False)
    with pytest.raises(RuntimeError, match='native bfloat16.*without --amp'):
        build_optim_wrapper(nn.Linear(2, 2), dict(
            type='CPUBf16OptimWrapper', optimizer=dict(type='SGD', lr=0.1)))


def test_use_cpu_bf16_drops_the_loader_worker_on_two_cores(monkeypatch):
    """--amp on a CPU: the bf16 wrapper, and on <= 2 cores the data loaded
    in the training process; more cores keep the config's workers."""
    from mmengine.config import Config

    from hih_mmpose.engine import use_cpu_bf16
    for cores, workers in ((2, 0), (8, 1)):
        cfg = Config(dict(
            optim_wrapper=dict(type='OptimWrapper',
                               optimizer=dict(type='Adam', lr=1e-3)),
            train_dataloader=dict(num_workers=1, persistent_workers=True)))
        monkeypatch.setattr(module.os, 'cpu_count', lambda c=cores: c)
        changes = use_cpu_bf16(cfg)
        assert cfg.optim_wrapper.type == 'CPUBf16OptimWrapper'
        assert cfg.train_dataloader.num_workers == workers
        assert cfg.train_dataloader.persistent_workers == bool(workers)
        assert len(changes) == 2 - workers
