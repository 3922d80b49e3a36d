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
