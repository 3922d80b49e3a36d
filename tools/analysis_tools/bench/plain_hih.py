# Copyright (c) hih_mmpose contributors. All rights reserved.
"""HIH written as plain PyTorch (no mmcv / mmengine / mmpose), the baseline
that ``tools/analysis_tools/benchmark.py`` measures our mmpose path against.

Module names mirror ``HIHHourglassNet`` + ``HIHHead``, so the state dict of
a hih_mmpose ``TopdownPoseEstimator`` loads strictly into :class:`PlainHIH`.
"""
from typing import Tuple

import torch.nn.functional as F
from torch import Tensor, nn


class ConvBN(nn.Module):
    """Conv (no bias) + BN (+ ReLU); ``padding = kernel // 2``."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1,
                 relu: bool = True) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, kernel // 2,
                              bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.relu = relu

    def forward(self, x: Tensor) -> Tensor:
        x = self.bn(self.conv(x))
        return F.relu(x, inplace=True) if self.relu else x


class Bottleneck(nn.Module):
    """relu(1x1 -> 3x3 -> 1x1 + shortcut), width ``cout / 2`` inside."""

    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.conv1 = ConvBN(cin, cout // 2, 1)
        self.conv2 = ConvBN(cout // 2, cout // 2, 3)
        self.conv3 = ConvBN(cout // 2, cout, 1, relu=False)
        self.shortcut = ConvBN(cin, cout, 1, relu=False) \
            if cin != cout else None

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        return F.relu(self.conv3(self.conv2(self.conv1(x))) + identity)


class Hourglass(nn.Module):

    def __init__(self, depth: int, channels: int) -> None:
        super().__init__()
        self.skip = Bottleneck(channels, channels)
        self.pre = Bottleneck(channels, channels)
        self.inner = Hourglass(depth - 1, channels) if depth > 1 \
            else Bottleneck(channels, channels)
        self.post = Bottleneck(channels, channels)

    def forward(self, x: Tensor) -> Tensor:
        low = self.post(self.inner(self.pre(F.max_pool2d(x, 2))))
        return self.skip(x) + F.interpolate(
            low, scale_factor=2, mode='bilinear', align_corners=True)


class Backbone(nn.Module):

    def __init__(self, num_keypoints: int, num_stacks: int, depth: int,
                 channels: int) -> None:
        super().__init__()
        half = channels // 2
        self.stem = nn.Sequential(
            ConvBN(3, half // 2, 7, stride=2), Bottleneck(half // 2, half),
            nn.MaxPool2d(2), Bottleneck(half, half),
            Bottleneck(half, channels))
        self.hourglasses = nn.ModuleList(
            Hourglass(depth, channels) for _ in range(num_stacks))
        self.out_blocks = nn.ModuleList(
            nn.Sequential(Bottleneck(channels, channels),
                          ConvBN(channels, channels, 1))
            for _ in range(num_stacks))
        self.heatmap_layers = nn.ModuleList(
            nn.Conv2d(channels, num_keypoints, 1) for _ in range(num_stacks))
        self.feature_merges = nn.ModuleList(
            ConvBN(channels, channels, 1) for _ in range(num_stacks))
        self.heatmap_merges = nn.ModuleList(
            ConvBN(num_keypoints, channels, 1) for _ in range(num_stacks))

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        x = self.stem(x)
        for hourglass, out_block, predict, merge_f, merge_h in zip(
                self.hourglasses, self.out_blocks, self.heatmap_layers,
                self.feature_merges, self.heatmap_merges):
            features = out_block(hourglass(x))
            heatmaps = predict(features)
            x = x + merge_f(features) + merge_h(heatmaps)
        return heatmaps, x


class DownBlock(nn.Module):

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = ConvBN(channels, channels, 3, stride=2)
        self.conv2 = ConvBN(channels, channels, 3, relu=False)
        self.shortcut = ConvBN(channels, channels, 1, stride=2, relu=False)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.conv2(self.conv1(x)) + self.shortcut(x))


class DecimalHead(nn.Module):

    def __init__(self, in_channels: int, num_keypoints: int, channels: int,
                 num_down: int) -> None:
        super().__init__()
        self.decimal_layers = nn.Sequential(
            ConvBN(in_channels, channels, 1), nn.MaxPool2d(3, 2),
            *[DownBlock(channels) for _ in range(num_down)],
            ConvBN(channels, channels, 1),
            nn.Conv2d(channels, num_keypoints, 1))

    def forward(self, stream: Tensor) -> Tensor:
        return self.decimal_layers(stream)


class PlainHIH(nn.Module):
    """(B, 3, h, w) normalised images -> last-stack integer heatmaps
    (B, K, h/4, w/4) and decimal logits (B, K, Hd, Wd).

    Args:
        num_keypoints (int): K.
        num_stacks (int): Hourglass stacks (1 / 2 / 4 for HIH-T / S / B).
        depth (int): Halvings inside each hourglass.
        channels (int): Backbone width.
        decimal_channels (int): Decimal branch width.
        num_down (int): Stride-2 blocks of the decimal branch
            (``log2(H / Hd) - 1``; 2 for 64 -> 8).
    """

    def __init__(self, num_keypoints: int = 98, num_stacks: int = 4,
                 depth: int = 4, channels: int = 256,
                 decimal_channels: int = 384, num_down: int = 2) -> None:
        super().__init__()
        self.backbone = Backbone(num_keypoints, num_stacks, depth, channels)
        self.head = DecimalHead(channels, num_keypoints, decimal_channels,
                                num_down)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        heatmaps, stream = self.backbone(x)
        return heatmaps, self.head(stream)
