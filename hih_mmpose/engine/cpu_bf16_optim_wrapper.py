# Copyright (c) hih_mmpose contributors. All rights reserved.
"""bfloat16 mixed precision training on the CPU (mmengine's
``AmpOptimWrapper`` is for GPUs only)."""
import os
from contextlib import contextmanager
from typing import List

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


def use_cpu_bf16(cfg) -> List[str]:
    """Switch a training config to bf16 autocast on the CPU, in place:
    ``optim_wrapper.type = 'CPUBf16OptimWrapper'`` and, on a machine with
    two cores or fewer, data loading in the training process
    (``train_dataloader.num_workers = 0``): a loader worker on the two
    compute cores stalls the shorter bf16 steps (measured on the quick
    start: 1.1x over fp32 with one worker, 1.45x without;
    docs/data_and_training.md). What ``tools/train.py --amp`` does without a
    GPU.

    Returns:
        list[str]: What was changed, one line each (to print).
    """
    cfg.optim_wrapper.type = 'CPUBf16OptimWrapper'
    changes = ['bf16 autocast on the CPU (CPUBf16OptimWrapper)']
    loader = cfg.train_dataloader
    if (os.cpu_count() or 1) <= 2 and loader.get('num_workers', 0):
        loader.num_workers = 0
        loader.persistent_workers = False
        changes.append('data loaded in the training process on this 2-core '
                       'machine (train_dataloader.num_workers=0)')
    return changes
