# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Building blocks of the published HIH network."""
from mmcv.cnn import ConvModule
from torch import Tensor, nn

from mmpose.utils.typing import ConfigType


class HIHBottleneck(nn.Module):
    """Post-activation bottleneck residual block of the published hourglass.

    ``out = ReLU(conv3(conv2(conv1(x))) + shortcut(x))`` with conv1 a 1x1
    conv-BN-ReLU to ``out_channels / 2``, conv2 a 3x3 conv-BN-ReLU, conv3 a
    1x1 conv-BN to ``out_channels``, and the shortcut the identity when the
    channel numbers agree, else a 1x1 conv-BN.

    The published code also builds a 1x1 conv-BN shortcut when the channel
    numbers agree but never runs it; it is not built here.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels (even).
        norm_cfg (dict): Normalisation layer config.
            Defaults to ``dict(type='BN')``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 norm_cfg: ConfigType = dict(type='BN')) -> None:
        super().__init__()
        mid_channels = out_channels // 2
        self.conv1 = ConvModule(
            in_channels, mid_channels, 1, norm_cfg=norm_cfg)
        self.conv2 = ConvModule(
            mid_channels, mid_channels, 3, padding=1, norm_cfg=norm_cfg)
        self.conv3 = ConvModule(
            mid_channels, out_channels, 1, norm_cfg=norm_cfg, act_cfg=None)
        self.shortcut = None
        if in_channels != out_channels:
            self.shortcut = ConvModule(
                in_channels, out_channels, 1, norm_cfg=norm_cfg, act_cfg=None)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        """Forward (B, C_in, H, W) -> (B, C_out, H, W)."""
        identity = x if self.shortcut is None else self.shortcut(x)
        return self.relu(self.conv3(self.conv2(self.conv1(x))) + identity)


class HIHDownBlock(nn.Module):
    """Stride-2 residual block of the published decimal (HIH) branch.

    ``out = ReLU(conv2(conv1(x)) + shortcut(x))`` with conv1 a stride-2 3x3
    conv-BN-ReLU, conv2 a 3x3 conv-BN and the shortcut a stride-2 1x1
    conv-BN.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        norm_cfg (dict): Normalisation layer config.
            Defaults to ``dict(type='BN')``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 norm_cfg: ConfigType = dict(type='BN')) -> None:
        super().__init__()
        self.conv1 = ConvModule(
            in_channels,
            out_channels,
            3,
            stride=2,
            padding=1,
            norm_cfg=norm_cfg)
        self.conv2 = ConvModule(
            out_channels,
            out_channels,
            3,
            padding=1,
            norm_cfg=norm_cfg,
            act_cfg=None)
        self.shortcut = ConvModule(
            in_channels,
            out_channels,
            1,
            stride=2,
            norm_cfg=norm_cfg,
            act_cfg=None)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        """Forward (B, C_in, H, W) -> (B, C_out, ceil(H/2), ceil(W/2))."""
        return self.relu(self.conv2(self.conv1(x)) + self.shortcut(x))
