# Copyright (c) hih_mmpose contributors. All rights reserved.
from .channels_last_hook import ChannelsLastHook
from .cpu_bf16_optim_wrapper import (CPUBf16OptimWrapper, cpu_has_bf16,
                                     use_cpu_bf16)
from .finite_loss_hook import FiniteLossHook
from .plain_checkpoint_hook import PlainCheckpointHook

__all__ = [
    'ChannelsLastHook', 'CPUBf16OptimWrapper', 'FiniteLossHook',
    'PlainCheckpointHook', 'cpu_has_bf16', 'use_cpu_bf16'
]
