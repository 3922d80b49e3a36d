# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Inference-only rewrite of a model: BatchNorm folded into convolutions,
channels-last weights."""
import torch
from mmcv.cnn import fuse_conv_bn
from torch import nn


def optimize_for_inference(model: nn.Module,
                           channels_last: bool = True) -> nn.Module:
    """Make ``model`` faster for inference, in place; same outputs.

    1. ``model.eval()``;
    2. every BatchNorm that directly follows a convolution is folded into
       that convolution (mmcv's :func:`fuse_conv_bn`; the BN becomes an
       ``Identity``), which removes one memory pass per conv;
    3. with ``channels_last``, parameters and buffers are stored NHWC, so
       oneDNN (CPU) / cuDNN (GPU) run their NHWC kernels and every
       activation stays NHWC. Inputs may stay NCHW: the first convolution
       switches the layout.

    Outputs equal the eager model's up to float rounding (the folded
    weights are rounded once; measured max relative difference ~1e-6, see
    ``tools/analysis_tools/benchmark.py``). The result is for inference
    only: folded BNs no longer learn or normalise, so do not train it or
    save it as a training checkpoint.

    Args:
        model (nn.Module): Any model, e.g. a ``TopdownPoseEstimator``.
        channels_last (bool): Convert to NHWC. Defaults to ``True``.

    Returns:
        nn.Module: ``model`` itself.
    """
    model.eval()
    fuse_conv_bn(model)
    if channels_last:
        model.to(memory_format=torch.channels_last)
    return model
