# Copyright (c) hih_mmpose contributors. All rights reserved.
import torch
from mmengine.hooks import Hook

from mmpose.registry import HOOKS


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Store the model's 4-D weights channels-last (NHWC) for the run.

    Convolutions then take oneDNN's (CPU) / cuDNN's (GPU) NHWC kernels and
    every activation, gradient and optimizer state stays NHWC; inputs may
    stay NCHW (the first convolution switches the layout). The maths is
    unchanged, only the order of float summation differs. Measured with
    ``tools/analysis_tools/benchmark.py --sections train`` (docs/speed.md).

    Called at ``before_run``: after the model is built and before its
    weights are initialised or loaded, for ``train``, ``val`` and ``test``
    alike. Checkpoints hold the same values as without the hook and load
    into either layout.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        runner.model.to(memory_format=torch.channels_last)
