# Copyright (c) hih_mmpose contributors. All rights reserved.
import math
from typing import List, Optional, Sequence, Tuple

import torch
from mmcv.cnn import ConvModule
from mmengine.structures import InstanceData, PixelData
from torch import Tensor, nn

from mmpose.evaluation.functional import pose_pck_accuracy
from mmpose.models.heads.base_head import BaseHead
from mmpose.registry import KEYPOINT_CODECS, MODELS
from mmpose.utils.tensor_utils import to_numpy
from mmpose.utils.typing import (ConfigType, Features, OptConfigType,
                                 OptSampleList, Predictions)
from ...codecs.hih_decoding import argmax_2d_torch
from ...codecs.hih_targets import decimal_targets_torch
from ...evaluation.functional.decimal_accuracy import decimal_bin_accuracy
from ..utils.hih_blocks import HIHDownBlock


@MODELS.register_module()
class HIHHead(BaseHead):
    """Integer + decimal heatmap head of `Heatmap in Heatmap`_ (HIH).

    The decimal branch (published "HIH head") turns a feature map at the
    integer-heatmap resolution into one ``Hd x Wd`` map of sub-pixel
    interval logits per keypoint: a 1x1 conv-BN-ReLU to
    ``decimal_channels``, a 3x3 stride-2 max-pool (no padding), stride-2
    :class:`HIHDownBlock` s down to the decimal size, a 1x1 conv-BN-ReLU and
    a 1x1 conv to K channels.

    Two ways to feed it:

    - ``heatmaps_from_backbone=True`` (with :class:`HIHHourglassNet`):
      ``feats`` is ``(*integer_heatmaps, stream)``, the S per-stack integer
      heatmaps already predicted by the backbone followed by the stream that
      feeds the decimal branch, exactly as published.
    - ``heatmaps_from_backbone=False`` (any feature backbone, e.g. mmpose's
      ``HourglassNet`` or ``HRNet`` + ``FeatureMapProcessor``): ``feats`` is
      a sequence of S feature maps (or one, used for every stage); the head
      predicts each stage's integer heatmap with its own layers (the
      conv-BN-ReLU layers of ``conv_out_channels``, as in mmpose's
      ``HeatmapHead``, then a 1x1 conv) and feeds the last feature map to
      the decimal branch.

    Every stage's integer heatmap is supervised; prediction uses the last.

    ``decimal_branch`` replaces the published decimal branch by a module
    called as ``branch(stream, heatmaps, cells)``, e.g.
    :class:`CellDecimalBranch`, which reads the features around each
    keypoint's integer cell: at inference the last-stage heatmap's argmax,
    the cell the decoder adds the decimal part to. In training its targets
    are made for the cell it reads (``decimal_train_cells``): the keypoint's
    decimal interval in its own cell, the nearest edge interval in a
    neighbouring cell, so that it learns to pull a keypoint back across a
    cell border that the integer argmax missed.

    Note:

        - batch size: B
        - keypoint number: K
        - number of stages: S
        - integer heatmap size: [W, H]
        - decimal heatmap size: [Wd, Hd]

    Args:
        in_channels (int): Channels of the feature map(s) in ``feats``.
        out_channels (int): Number of keypoints K.
        num_stages (int): Number of supervised integer heatmaps S.
            Defaults to ``4``.
        heatmaps_from_backbone (bool): See above. Defaults to ``True``.
        conv_out_channels (Sequence[int]): With
            ``heatmaps_from_backbone=False``, the output channels of the
            conv-BN-ReLU layers before each stage's final 1x1 conv, as
            mmpose's ``HeatmapHead`` takes them (its HRNetV2 WFLW configs:
            ``(270,)``). Defaults to ``()``, the final conv alone.
        conv_kernel_sizes (Sequence[int]): Their kernel sizes (odd), one
            per layer. Defaults to ``()``.
        decimal_channels (int): Width of the published decimal branch.
            Defaults to ``384``.
        decimal_branch (dict, optional): Config of another decimal branch
            (see above); ``in_channels``, ``num_keypoints`` and
            ``decimal_size`` are filled in. Defaults to ``None``, the
            published branch.
        decimal_train_cells (str): Where a ``decimal_branch`` reads in
            training: ``'predicted'``, the last-stage argmax cell when it is
            the true cell or one of its 8 neighbours, else the true cell
            (what the decoder will see); or ``'gt'``, the true cell.
            Defaults to ``'predicted'``.
        stage_weights (Sequence[float], optional): Weight of each stage's
            integer-heatmap loss. Defaults to ``1 / S`` each (the published
            mean over stacks).
        loss (dict): Integer heatmap loss config. Defaults to
            ``KeypointMSELoss`` with target weights.
        decimal_loss (dict): Decimal map loss config. Defaults to
            :class:`SeamlessLoss` with weight 0.05.
        decoder (dict): Codec config (:class:`HIHLabel`). Required: the
            head reads the integer and decimal heatmap sizes ([W, H],
            [Wd, Hd]; ``W / Wd`` a power of 2, at least 4) and the decimal
            sigma from it, and decodes with it.
        init_cfg (dict, optional): Initialisation config. Defaults to
            :attr:`default_init_cfg`.

    .. _`Heatmap in Heatmap`: https://arxiv.org/abs/2104.03100
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 num_stages: int = 4,
                 heatmaps_from_backbone: bool = True,
                 conv_out_channels: Sequence[int] = (),
                 conv_kernel_sizes: Sequence[int] = (),
                 decimal_channels: int = 384,
                 decimal_branch: OptConfigType = None,
                 decimal_train_cells: str = 'predicted',
                 stage_weights: Optional[Sequence[float]] = None,
                 loss: ConfigType = dict(
                     type='KeypointMSELoss', use_target_weight=True),
                 decimal_loss: ConfigType = dict(
                     type='SeamlessLoss',
                     use_target_weight=True,
                     loss_weight=0.05),
                 decoder: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        if init_cfg is None:
            init_cfg = self.default_init_cfg
        super().__init__(init_cfg)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.num_stages = num_stages
        self.heatmaps_from_backbone = heatmaps_from_backbone
        if stage_weights is None:
            stage_weights = [1. / num_stages] * num_stages
        if len(stage_weights) != num_stages:
            raise ValueError(
                f'{self.__class__.__name__}: {len(stage_weights)} '
                f'stage_weights given for {num_stages} stages')
        self.stage_weights = list(stage_weights)
        self.loss_module = MODELS.build(loss)
        self.decimal_loss_module = MODELS.build(decimal_loss)
        if decoder is None:
            raise ValueError(
                f'{self.__class__.__name__} needs its codec (decoder=dict('
                "type='HIHLabel', ...)): it reads the heatmap sizes and the "
                'decimal sigma from it')
        self.decoder = KEYPOINT_CODECS.build(decoder)
        heatmap_size = self.decoder.heatmap_size
        decimal_size = self.decoder.decimal_size

        if heatmaps_from_backbone:
            if conv_out_channels:
                raise ValueError(
                    f'{self.__class__.__name__}: conv_out_channels needs '
                    'heatmaps_from_backbone=False (the backbone predicts the '
                    'integer heatmaps otherwise)')
            self.heatmap_layers = None
        else:
            self.heatmap_layers = nn.ModuleList(
                self._make_integer_layers(in_channels, out_channels,
                                          conv_out_channels,
                                          conv_kernel_sizes)
                for _ in range(num_stages))
        if decimal_train_cells not in ('predicted', 'gt'):
            raise ValueError(
                f'{self.__class__.__name__}: decimal_train_cells must be '
                f"'predicted' or 'gt', got {decimal_train_cells!r}")
        self.decimal_train_cells = decimal_train_cells
        self.decimal_sigma = self.decoder.decimal_sigma
        self.decimal_size = decimal_size
        self.decimal_branch_on_cells = decimal_branch is not None
        if decimal_branch is None:
            self.decimal_layers = self._make_decimal_layers(
                in_channels, out_channels, decimal_channels, heatmap_size,
                decimal_size)
        else:
            self.decimal_layers = MODELS.build(
                dict(
                    decimal_branch,
                    in_channels=in_channels,
                    num_keypoints=out_channels,
                    decimal_size=decimal_size))

    def _make_integer_layers(self, in_channels: int, out_channels: int,
                             conv_out_channels: Sequence[int],
                             conv_kernel_sizes: Sequence[int]) -> nn.Module:
        """Build one stage's integer heatmap layers: (B, C, H, W) ->
        (B, K, H, W); the 1x1 conv alone (state-dict keys as before) when
        there are no conv layers."""
        if len(conv_out_channels) != len(conv_kernel_sizes) or any(
                k % 2 == 0 or k < 1 for k in conv_kernel_sizes):
            raise ValueError(
                f'{self.__class__.__name__}: conv_out_channels '
                f'{tuple(conv_out_channels)} needs one odd kernel size each, '
                f'got conv_kernel_sizes {tuple(conv_kernel_sizes)}')
        layers = []
        for channels, kernel_size in zip(conv_out_channels,
                                         conv_kernel_sizes):
            # as mmpose's HeatmapHead builds them (the conv keeps its bias)
            layers += [
                nn.Conv2d(in_channels, channels, kernel_size,
                          padding=(kernel_size - 1) // 2),
                nn.BatchNorm2d(channels),
                nn.ReLU(inplace=True)
            ]
            in_channels = channels
        final = nn.Conv2d(in_channels, out_channels, 1)
        return nn.Sequential(*layers, final) if layers else final

    def _make_decimal_layers(self, in_channels: int, out_channels: int,
                             channels: int, heatmap_size: Tuple[int, int],
                             decimal_size: Tuple[int, int]) -> nn.Sequential:
        """Build the decimal branch: (B, C, H, W) -> (B, K, Hd, Wd)."""
        ratios = {h / d for h, d in zip(heatmap_size, decimal_size)}
        ratio = ratios.pop() if len(ratios) == 1 else 0
        num_down = math.log2(ratio) - 1 if ratio >= 4 else -1
        if num_down < 0 or not num_down.is_integer():
            raise ValueError(
                f'{self.__class__.__name__}: heatmap_size {heatmap_size} / '
                f'decimal_size {decimal_size} must be one power of 2 >= 4 '
                'along both axes')
        layers = [
            ConvModule(in_channels, channels, 1, norm_cfg=dict(type='BN')),
            nn.MaxPool2d(3, 2)
        ]
        layers += [HIHDownBlock(channels, channels) for _ in
                   range(int(num_down))]
        layers += [
            ConvModule(channels, channels, 1, norm_cfg=dict(type='BN')),
            nn.Conv2d(channels, out_channels, 1)
        ]
        return nn.Sequential(*layers)

    @property
    def default_init_cfg(self) -> List[dict]:
        return [
            dict(type='Normal', layer=['Conv2d'], std=0.001),
            dict(type='Constant', layer='BatchNorm2d', val=1)
        ]

    def _integer_stages(self,
                        feats: Features) -> Tuple[List[Tensor], Tensor]:
        """All stages' integer heatmaps (B, K, H, W) and the stream that
        feeds the decimal branch."""
        feats = list(feats)
        if self.heatmaps_from_backbone:
            if len(feats) != self.num_stages + 1:
                raise ValueError(
                    f'{self.__class__.__name__} with heatmaps_from_backbone '
                    f'expects {self.num_stages} heatmaps + 1 feature map, got '
                    f'{len(feats)} tensors')
            return feats[:-1], feats[-1]
        if len(feats) not in (1, self.num_stages):
            raise ValueError(
                f'{self.__class__.__name__} expects 1 or '
                f'{self.num_stages} feature maps, got {len(feats)}')
        if len(feats) == 1:
            feats = feats * self.num_stages
        integer_heatmaps = [
            layer(feat) for layer, feat in zip(self.heatmap_layers, feats)
        ]
        return integer_heatmaps, feats[-1]

    def _decimal_logits(self, stream: Tensor, heatmaps: Tensor,
                        cells: Optional[Tensor]) -> Tensor:
        """Decimal logits (B, K, Hd, Wd); a ``decimal_branch`` reads at
        ``cells`` (B, K, 2), by default the argmax cells of ``heatmaps``."""
        if not self.decimal_branch_on_cells:
            return self.decimal_layers(stream)
        if cells is None:
            cells = argmax_2d_torch(heatmaps.detach())[0]
        return self.decimal_layers(stream, heatmaps, cells)

    def forward_stages(self,
                       feats: Features) -> Tuple[List[Tensor], Tensor]:
        """All stages' integer heatmaps and the decimal logits.

        Args:
            feats (Sequence[Tensor]): Backbone / neck outputs (see class
                docstring).

        Returns:
            tuple:
            - integer_heatmaps (List[Tensor]): S maps (B, K, H, W).
            - decimal_logits (Tensor): (B, K, Hd, Wd).
        """
        integer_heatmaps, stream = self._integer_stages(feats)
        return integer_heatmaps, self._decimal_logits(
            stream, integer_heatmaps[-1], None)

    def forward(self, feats: Features) -> Tuple[Tensor, Tensor]:
        """Last-stage integer heatmaps (B, K, H, W) and decimal logits
        (B, K, Hd, Wd): what the codec decodes."""
        integer_heatmaps, decimal_logits = self.forward_stages(feats)
        return integer_heatmaps[-1], decimal_logits

    def predict(self,
                feats: Features,
                batch_data_samples: OptSampleList,
                test_cfg: ConfigType = {}) -> Predictions:
        """Predict keypoints in input-image pixels.

        With ``test_cfg['flip_test']``, ``feats`` is ``[feats, feats_flip]``
        (the second from the horizontally flipped input); the keypoints
        decoded from the flipped pass are mirrored back, reordered with the
        dataset's ``flip_indices`` and averaged with the first pass.

        Returns:
            list[InstanceData] (and list[PixelData] of the last-stage integer
            heatmaps if ``test_cfg['output_heatmaps']``): ``keypoints``
            (1, K, 2) and ``keypoint_scores`` (1, K) per sample.
        """
        if test_cfg.get('flip_test', False):
            assert isinstance(feats, list) and len(feats) == 2, \
                'flip test expects [feats, feats_flip]'
            outputs = self.forward(feats[0])
            outputs_flip = self.forward(feats[1])
            keypoints, scores = self.decoder.decode_torch(*outputs)
            keypoints_flip, scores_flip = self.decoder.decode_torch(
                *outputs_flip)
            flip_indices = batch_data_samples[0].metainfo['flip_indices']
            input_width = batch_data_samples[0].metainfo['input_size'][0]
            keypoints_flip = keypoints_flip[:, flip_indices]
            keypoints_flip[..., 0] = input_width - 1 - keypoints_flip[..., 0]
            keypoints = (keypoints + keypoints_flip) * 0.5
            scores = (scores + scores_flip[:, flip_indices]) * 0.5
            preds = [
                InstanceData(keypoints=kpts[None], keypoint_scores=score[None])
                for kpts, score in zip(
                    to_numpy(keypoints), to_numpy(scores))
            ]
            heatmaps = outputs[0]
        else:
            outputs = self.forward(feats)
            preds = self.decode(outputs)
            heatmaps = outputs[0]

        if test_cfg.get('output_heatmaps', False):
            return preds, [PixelData(heatmaps=hm) for hm in heatmaps.detach()]
        return preds

    def _training_cells(self, heatmaps: Tensor,
                        gt_heatmaps: Tensor) -> Tensor:
        """Cells (B, K, 2) a ``decimal_branch`` reads in training."""
        # the integer targets peak at the true cells
        gt_cells = argmax_2d_torch(gt_heatmaps)[0]
        if self.decimal_train_cells == 'gt':
            return gt_cells
        predicted = argmax_2d_torch(heatmaps.detach())[0]
        near = (predicted - gt_cells).abs().amax(-1, keepdim=True) <= 1
        return torch.where(near, predicted, gt_cells)

    def loss(self,
             feats: Features,
             batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """Integer-heatmap loss over all stages, decimal loss and accuracy.

        Returns:
            dict: ``loss_heatmap``, ``loss_decimal``, ``acc_pose`` (PCK of
            the last stage's integer heatmap argmax) and ``acc_decimal``
            (top-1 accuracy of the decimal interval; chance is
            ``1 / (Hd * Wd)``).
        """
        gt_heatmaps = torch.stack(
            [d.gt_fields.heatmaps for d in batch_data_samples])
        integer_heatmaps, stream = self._integer_stages(feats)
        if self.decimal_branch_on_cells:
            cells = self._training_cells(integer_heatmaps[-1], gt_heatmaps)
            coords = torch.cat([
                d.gt_instance_labels.keypoint_coords
                for d in batch_data_samples
            ])
            gt_decimal = decimal_targets_torch(coords, cells,
                                               self.decimal_size,
                                               self.decimal_sigma)
        else:
            cells = None
            gt_decimal = torch.cat([
                d.gt_instance_labels.decimal_heatmaps
                for d in batch_data_samples
            ])
        decimal_logits = self._decimal_logits(stream, integer_heatmaps[-1],
                                              cells)
        # losses and accuracies in float32 (the maps are bfloat16 under
        # CPUBf16OptimWrapper's autocast)
        integer_heatmaps = [heatmaps.float() for heatmaps in integer_heatmaps]
        decimal_logits = decimal_logits.float()
        keypoint_weights = torch.cat([
            d.gt_instance_labels.keypoint_weights for d in batch_data_samples
        ])

        loss_heatmap = sum(
            weight * self.loss_module(pred, gt_heatmaps, keypoint_weights)
            for weight, pred in zip(self.stage_weights, integer_heatmaps))
        loss_decimal = self.decimal_loss_module(decimal_logits, gt_decimal,
                                                keypoint_weights)
        losses = dict(loss_heatmap=loss_heatmap, loss_decimal=loss_decimal)

        if train_cfg.get('compute_acc', True):
            _, avg_acc, _ = pose_pck_accuracy(
                output=to_numpy(integer_heatmaps[-1]),
                target=to_numpy(gt_heatmaps),
                mask=to_numpy(keypoint_weights) > 0)
            losses['acc_pose'] = torch.tensor(
                avg_acc, device=gt_heatmaps.device, dtype=torch.float32)
            acc_decimal = decimal_bin_accuracy(
                to_numpy(decimal_logits), to_numpy(gt_decimal),
                to_numpy(keypoint_weights))
            losses['acc_decimal'] = torch.tensor(
                acc_decimal, device=gt_heatmaps.device, dtype=torch.float32)
        return losses

