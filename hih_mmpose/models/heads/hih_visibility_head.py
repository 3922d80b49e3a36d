# Copyright (c) hih_mmpose contributors. All rights reserved.
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmpose.models.heads import VisPredictHead
from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType, OptConfigType, OptSampleList


@MODELS.register_module()
class HIHVisibilityHead(VisPredictHead):
    """mmpose's ``VisPredictHead`` around an :class:`HIHHead`: landmarks
    plus the probability that each landmark is visible (not occluded).

    mmpose's head pools the whole feature map into one vector; a landmark
    under a hand or turned away is a local matter, so here each landmark's
    visibility logit is read where the landmark is: a 3x3 conv-BN-ReLU and
    a 1x1 convolution make one logit map per landmark from the stream that
    feeds the decimal branch, averaged under the landmark's last-stage
    integer heatmap (clipped at 0, normalised to sum 1). No gradient flows
    into the heatmap, nor, with ``detach_stream``, into the backbone: the
    landmarks train as without the head.

    Trained on the occlusion labels of :class:`GetKeypointOcclusion` with a
    binary cross-entropy on logits, weighted by their
    ``keypoint_occlusion_weights`` (0 for sets without occlusion labels, so
    the head is then untrained and its output meaningless). Prediction adds
    ``keypoints_visible`` (1, K) probabilities to each instance (flip test:
    the mean of both passes, reordered).

    Note:

        - batch size: B
        - keypoint number: K

    Args:
        pose_cfg (dict): The :class:`HIHHead` config (``in_channels``,
            ``out_channels`` are read from it).
        loss (dict): Visibility loss. Defaults to mmpose's ``BCELoss`` on
            logits with target weights.
        channels (int): Width of the 3x3 layer. Defaults to ``64``.
        detach_stream (bool): Stop the visibility loss's gradient at the
            stream. Defaults to ``True``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 pose_cfg: ConfigType,
                 loss: ConfigType = dict(
                     type='BCELoss', use_target_weight=True,
                     use_sigmoid=False),
                 channels: int = 64,
                 detach_stream: bool = True,
                 init_cfg: OptConfigType = None) -> None:
        if loss.get('use_sigmoid', False):
            raise ValueError(f'{self.__class__.__name__} predicts logits: '
                             'its loss needs use_sigmoid=False')
        super().__init__(pose_cfg, loss, init_cfg)
        self.detach_stream = detach_stream
        self.vis_head = nn.Sequential(
            nn.Conv2d(self.in_channels, channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
            nn.Conv2d(channels, self.out_channels, 1))

    @property
    def default_init_cfg(self) -> list:
        # nothing: mmpose's default (Normal on every Linear) would reach the
        # pose head's layers too; the visibility layers keep PyTorch's init
        return []

    @property
    def decoder(self):
        """The pose head's codec (what HIH tools decode with)."""
        return self.pose_head.decoder

    def vis_forward(self, feats: Tuple[Tensor]) -> Tensor:
        """Visibility logits (B, K)."""
        heatmaps, stream = self.pose_head._integer_stages(feats)
        weights = heatmaps[-1].detach().clamp_min(0)
        logits = self.vis_head(
            stream.detach() if self.detach_stream else stream)
        if logits.shape[-2:] != weights.shape[-2:]:
            logits = F.interpolate(logits, size=weights.shape[-2:],
                                   mode='bilinear', align_corners=False)
        weights = weights.flatten(2)
        weights = weights / weights.sum(-1, keepdim=True).clamp_min(1e-6)
        return (logits.flatten(2) * weights).sum(-1)

    def loss(self,
             feats: Tuple[Tensor],
             batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """HIH losses plus ``loss_vis`` and ``acc_vis`` (accuracy at 0.5 on
        the labelled landmarks)."""
        logits = self.vis_forward(feats).float()
        labels, weights = [], []
        for sample in batch_data_samples:
            gt = sample.gt_instance_labels
            occluded = gt.get('keypoint_occlusion')
            if occluded is None:  # no GetKeypointOcclusion in the pipeline
                occluded = torch.zeros_like(gt.keypoint_weights)
                weight = torch.zeros_like(gt.keypoint_weights)
            else:
                weight = gt.keypoint_occlusion_weights
            labels.append(1 - occluded.float())
            weights.append(weight.float())
        labels = torch.cat(labels).to(logits)
        weights = torch.cat(weights).to(logits)
        losses = dict(loss_vis=self.loss_module(logits, labels, weights))
        with torch.no_grad():
            correct = ((logits > 0).float() == labels).float() * weights
            losses['acc_vis'] = correct.sum() / weights.sum().clamp_min(1)
        losses.update(self.pose_head.loss(feats, batch_data_samples,
                                          train_cfg))
        return losses


def landmark_maps(head: nn.Module, feats: Tuple[Tensor]
                  ) -> Tuple[Tensor, Tensor]:
    """Last-stage integer heatmaps (B, K, H, W) and decimal logits
    (B, K, Hd, Wd) of an :class:`HIHHead`, or of the one inside an
    :class:`HIHVisibilityHead` (whose visibility is left out)."""
    if isinstance(head, HIHVisibilityHead):
        head = head.pose_head
    return head(feats)
