# Copyright (c) hih_mmpose contributors. All rights reserved.
from typing import Tuple

import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType, OptMultiConfig
from ..utils.hih_blocks import HIHBottleneck


class HIHHourglassModule(nn.Module):
    """One recursive hourglass level of the published HIH network.

    ``out = skip(x) + up(post(inner(pre(pool(x)))))`` where ``skip``,
    ``pre`` and ``post`` are :class:`HIHBottleneck` blocks, ``inner`` is the
    next level (or one more block at the centre) and ``up`` is a bilinear
    x2 upsampling with ``align_corners=True``, as published.

    Args:
        depth (int): Number of halvings below this level.
        channels (int): Channels everywhere in the module.
        norm_cfg (dict): Normalisation layer config.
    """

    def __init__(self, depth: int, channels: int,
                 norm_cfg: ConfigType) -> None:
        super().__init__()
        self.skip = HIHBottleneck(channels, channels, norm_cfg)
        self.pool = nn.MaxPool2d(2, 2)
        self.pre = HIHBottleneck(channels, channels, norm_cfg)
        if depth > 1:
            self.inner = HIHHourglassModule(depth - 1, channels, norm_cfg)
        else:
            self.inner = HIHBottleneck(channels, channels, norm_cfg)
        self.post = HIHBottleneck(channels, channels, norm_cfg)

    def forward(self, x: Tensor) -> Tensor:
        """Forward (B, C, H, W) -> (B, C, H, W); H, W divisible by
        2 ** depth."""
        low = self.post(self.inner(self.pre(self.pool(x))))
        up = F.interpolate(
            low, scale_factor=2, mode='bilinear', align_corners=True)
        return self.skip(x) + up


@MODELS.register_module()
class HIHHourglassNet(BaseModule):
    """The stacked hourglass of `Heatmap in Heatmap`_ (HIH), as published.

    It differs from mmpose's CornerNet-style :class:`HourglassNet`:
    post-activation bottlenecks, bilinear (``align_corners=True``)
    upsampling, and after every stack (the last included) a merge
    ``x = x + conv1(features) + conv2(integer_heatmaps)`` that feeds the
    stack's integer heatmap back into the stream. Because of that merge the
    integer-heatmap predictors live in the backbone. ``num_stacks`` 1 / 2 /
    4 gives HIH-T / HIH-S / HIH-B.

    Note:

        - batch size: B
        - keypoint number: K
        - number of stacks: S
        - input size: [w, h], divisible by ``4 * 2 ** depth``
        - heatmap size: [W, H] = [w / 4, h / 4]

    Args:
        num_keypoints (int): Number of keypoints K. Defaults to ``98``.
        num_stacks (int): Number of hourglass stacks. Defaults to ``4``.
        depth (int): Halvings inside each hourglass. Defaults to ``4``.
        channels (int): Feature channels. Defaults to ``256``.
        norm_cfg (dict): Normalisation layer config.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict | list, optional): Initialisation config. Defaults to
            the published N(0, 0.001) convolutions, BN weight 1, bias 0.

    Returns (from ``forward``):
        tuple: S integer heatmaps (logits, no activation) in shape
        (B, K, H, W), one per stack, followed by the stream after the last
        merge in shape (B, channels, H, W), which feeds the decimal branch of
        :class:`HIHHead`.

    .. _`Heatmap in Heatmap`: https://arxiv.org/abs/2104.03100
    """

    def __init__(
        self,
        num_keypoints: int = 98,
        num_stacks: int = 4,
        depth: int = 4,
        channels: int = 256,
        norm_cfg: ConfigType = dict(type='BN'),
        init_cfg: OptMultiConfig = [
            dict(type='Normal', layer=['Conv2d'], std=0.001),
            dict(type='Constant', layer='_BatchNorm', val=1)
        ]
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        for name, value in (('num_keypoints', num_keypoints),
                            ('num_stacks', num_stacks), ('depth', depth)):
            if value < 1:
                raise ValueError(f'{self.__class__.__name__}: {name} must be '
                                 f'>= 1, got {value}')
        if channels % 4:
            raise ValueError(f'{self.__class__.__name__}: channels must be a '
                             f'multiple of 4, got {channels}')
        self.num_stacks = num_stacks
        self.depth = depth
        half = channels // 2
        self.stem = nn.Sequential(
            ConvModule(3, half // 2, 7, stride=2, padding=3,
                       norm_cfg=norm_cfg),
            HIHBottleneck(half // 2, half, norm_cfg),
            nn.MaxPool2d(2, 2),
            HIHBottleneck(half, half, norm_cfg),
            HIHBottleneck(half, channels, norm_cfg),
        )
        self.hourglasses = nn.ModuleList(
            HIHHourglassModule(depth, channels, norm_cfg)
            for _ in range(num_stacks))
        self.out_blocks = nn.ModuleList(
            nn.Sequential(
                HIHBottleneck(channels, channels, norm_cfg),
                ConvModule(channels, channels, 1, norm_cfg=norm_cfg))
            for _ in range(num_stacks))
        self.heatmap_layers = nn.ModuleList(
            nn.Conv2d(channels, num_keypoints, 1) for _ in range(num_stacks))
        self.feature_merges = nn.ModuleList(
            ConvModule(channels, channels, 1, norm_cfg=norm_cfg)
            for _ in range(num_stacks))
        self.heatmap_merges = nn.ModuleList(
            ConvModule(num_keypoints, channels, 1, norm_cfg=norm_cfg)
            for _ in range(num_stacks))

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Forward (B, 3, h, w) images.

        Returns:
            tuple: ``num_stacks`` integer heatmaps (B, K, H, W), then the
            merged stream (B, channels, H, W).
        """
        multiple = 4 * 2**self.depth
        if x.shape[-1] % multiple or x.shape[-2] % multiple:
            raise ValueError(
                f'{self.__class__.__name__}: input size {tuple(x.shape[-2:])}'
                f' (h, w) must be divisible by {multiple}')
        x = self.stem(x)
        heatmaps = []
        for stack in range(self.num_stacks):
            features = self.out_blocks[stack](self.hourglasses[stack](x))
            stack_heatmaps = self.heatmap_layers[stack](features)
            x = x + self.feature_merges[stack](features) + \
                self.heatmap_merges[stack](stack_heatmaps)
            heatmaps.append(stack_heatmaps)
        return (*heatmaps, x)
