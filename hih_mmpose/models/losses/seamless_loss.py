# Copyright (c) hih_mmpose contributors. All rights reserved.
from typing import Optional

import torch.nn.functional as F
from torch import Tensor, nn

from mmpose.registry import MODELS


@MODELS.register_module()
class SeamlessLoss(nn.Module):
    """Soft-label coordinate classification loss of `Heatmap in Heatmap`_.

    Each keypoint's decimal map is a classification over its ``Hd * Wd``
    sub-pixel intervals. The soft label is the softmax of the Gaussian target
    values (neighbouring intervals share probability, so there are no hard
    class borders), and the loss is ``KL(q || p)`` with
    ``q = softmax(target)`` and ``p = softmax(output)`` over the cells.

    Note:

        - batch size: B
        - keypoint number: K
        - decimal heatmap size: [Wd, Hd]

    Args:
        use_target_weight (bool): Weight each keypoint's term by its target
            weight. Defaults to ``True``.
        reduction (str): ``'mean'``: the mean over all B * K * Hd * Wd
            elements of ``q * (log q - log p)``, exactly the published
            ``F.kl_div(..., reduction='mean')``; ``'landmark'``: the mean over
            the B * K keypoints of each keypoint's KL divergence (``Hd * Wd``
            times ``'mean'``). Defaults to ``'mean'``.
        loss_weight (float): Weight of the loss. Defaults to ``0.05``, the
            published weight.

    .. _`Heatmap in Heatmap`: https://arxiv.org/abs/2104.03100
    """

    def __init__(self,
                 use_target_weight: bool = True,
                 reduction: str = 'mean',
                 loss_weight: float = 0.05) -> None:
        super().__init__()
        if reduction not in ('mean', 'landmark'):
            raise ValueError(f'{self.__class__.__name__}: reduction must be '
                             f"'mean' or 'landmark', got {reduction!r}")
        self.use_target_weight = use_target_weight
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self,
                output: Tensor,
                target: Tensor,
                target_weights: Optional[Tensor] = None) -> Tensor:
        """Compute the loss.

        Args:
            output (Tensor): Decimal logits in shape (B, K, Hd, Wd).
            target (Tensor): Gaussian target values (before softmax) in
                shape (B, K, Hd, Wd).
            target_weights (Tensor, optional): Keypoint weights in shape
                (B, K). Used when ``use_target_weight``.

        Returns:
            Tensor: The scalar loss, multiplied by ``loss_weight``.
        """
        assert output.shape == target.shape, (
            f'output {tuple(output.shape)} and target {tuple(target.shape)} '
            'shapes differ')
        log_p = F.log_softmax(output.flatten(2), dim=-1)
        log_q = F.log_softmax(target.flatten(2), dim=-1)
        # (B, K): KL divergence of each keypoint's distribution
        kl = F.kl_div(log_p, log_q, reduction='none', log_target=True).sum(-1)
        if self.use_target_weight and target_weights is not None:
            kl = kl * target_weights
        loss = kl.mean()
        if self.reduction == 'mean':
            loss = loss / log_p.shape[-1]
        return loss * self.loss_weight
