# Copyright (c) hih_mmpose contributors. All rights reserved.
from torch import nn

from .hih_blocks import HIHBottleneck


def count_parameters(model: nn.Module) -> int:
    """Number of parameters (trainable or not) of ``model``."""
    return sum(param.numel() for param in model.parameters())


def count_published_parameters(model: nn.Module) -> int:
    """Parameters of ``model`` counted the way the HIH paper counts them.

    The published code builds a 1x1 conv-BN shortcut in every residual block,
    also where the input and output channels agree and the shortcut is never
    run; the paper's figures (HIH-T / S / B: 10.37M / 14.47M / 22.68M)
    include those unused weights. :class:`HIHBottleneck` does not build them,
    so this adds ``C_in * C_out`` conv weights plus ``2 * C_out`` BN weights
    and biases for every identity-shortcut block of ``model``.

    Args:
        model (nn.Module): A model containing :class:`HIHBottleneck` blocks.

    Returns:
        int: ``count_parameters(model)`` plus the unused shortcut weights.
    """
    unused = 0
    for module in model.modules():
        if isinstance(module, HIHBottleneck) and module.shortcut is None:
            in_channels = module.conv1.conv.in_channels
            out_channels = module.conv3.conv.out_channels
            unused += in_channels * out_channels + 2 * out_channels
    return count_parameters(model) + unused
