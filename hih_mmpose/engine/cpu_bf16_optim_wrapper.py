# Copyright (c) hih_mmpose contributors. All rights reserved.
"""bfloat16 mixed precision training on the CPU (mmengine's
``AmpOptimWrapper`` is for GPUs only)."""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS
from torch import nn

from ..utils.cpu_info import BF16_FLAGS, cpu_has_bf16

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
