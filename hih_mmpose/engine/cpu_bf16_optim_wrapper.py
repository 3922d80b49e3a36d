# Copyright (c) hih_mmpose contributors. All rights reserved.
"""bfloat16 mixed precision training on the CPU (mmengine's
``AmpOptimWrapper`` is for GPUs only)."""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS
from torch import nn

#: /proc/cpuinfo flags of CPUs with native bfloat16 arithmetic
BF16_FLAGS = ('avx512_bf16', 'amx_bf16')


def cpu_flags(path: str = '/proc/cpuinfo') -> set:
    """The first processor's feature flags (empty where the file is not
    there, e.g. off Linux)."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith('flags'):
                    return set(line.split(':', 1)[1].split())
    except OSError:
        pass
    return set()


def cpu_has_bf16(flags: set = None) -> bool:
    """Whether the CPU computes in bfloat16 natively (AVX-512 BF16 or AMX);
    elsewhere bf16 is emulated and slower than float32."""
    flags = cpu_flags() if flags is None else flags
    return any(flag in flags for flag in BF16_FLAGS)


@OPTIM_WRAPPERS.register_module()
class CPUBf16OptimWrapper(OptimWrapper):
    """An ``OptimWrapper`` whose forward pass (and the losses computed in
    it) runs under ``torch.autocast('cpu', dtype=torch.bfloat16)``:
    convolutions and matrix products in bfloat16 on oneDNN, weights,
    gradients and the optimizer step in float32. bfloat16 has float32's
    range, so no loss scaling is needed. ``tools/train.py --amp`` picks it
    on a machine without a GPU.

    Args:
        **kwargs: ``OptimWrapper``'s arguments.

    Raises:
        RuntimeError: On a CPU without native bfloat16 (no ``avx512_bf16``
            or ``amx_bf16`` flag), where autocast would be slower.
    """

    def __init__(self, **kwargs) -> None:
        if not cpu_has_bf16():
            raise RuntimeError(
                'bf16 mixed precision on the CPU needs native bfloat16 '
                f'(one of the CPU flags {", ".join(BF16_FLAGS)}), which '
                'this CPU does not have: train without --amp')
        super().__init__(**kwargs)

    @contextmanager
    def optim_context(self, model: nn.Module):
        with super().optim_context(model), torch.autocast(
                'cpu', dtype=torch.bfloat16):
            yield
