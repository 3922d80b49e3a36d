# Copyright (c) hih_mmpose contributors. All rights reserved.
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmpose.registry import MODELS


@MODELS.register_module()
class SeamlessLoss(nn.Module):
    """Soft-label coordinate classification loss of `Heatmap in Heatmap`_.

    Each keypoint's decimal map is a classification over its ``Hd * Wd``
    sub-pixel intervals. The soft label ``q`` spreads probability over
    neighbouring intervals (no hard class borders), and the loss is
    ``KL(q || p)`` with ``p = softmax(output)`` over the cells.

    Soft labels (``soft_label``), from the Gaussian target values ``g``
    (peak 1, 0 outside the kernel window):

    - ``'softmax'`` (published): ``q = softmax(g / temperature)``. With the
      published ``temperature=1`` the label is nearly uniform: for an 8x8
      map the true interval gets 0.038 and every far interval 0.014.
    - ``'gaussian'``: ``q = g / sum(g)``, the normalised Gaussian: 0.16 on
      the true interval for sigma 1, nothing outside the kernel window.

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
        soft_label (str): ``'softmax'`` or ``'gaussian'``, see above.
            Defaults to ``'softmax'``.
        temperature (float): Temperature of the ``'softmax'`` label.
            Defaults to ``1.0``.

    .. _`Heatmap in Heatmap`: https://arxiv.org/abs/2104.03100
    """

    def __init__(self,
                 use_target_weight: bool = True,
                 reduction: str = 'mean',
                 loss_weight: float = 0.05,
                 soft_label: str = 'softmax',
                 temperature: float = 1.0) -> None:
        super().__init__()
        if reduction not in ('mean', 'landmark'):
            raise ValueError(f'{self.__class__.__name__}: reduction must be '
                             f"'mean' or 'landmark', got {reduction!r}")
        if soft_label not in ('softmax', 'gaussian'):
            raise ValueError(f'{self.__class__.__name__}: soft_label must be '
                             f"'softmax' or 'gaussian', got {soft_label!r}")
        if temperature <= 0:
            raise ValueError(f'{self.__class__.__name__}: temperature must '
                             f'be > 0, got {temperature}')
        self.soft_label = soft_label
        self.temperature = temperature
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
        if self.soft_label == 'softmax':
            log_q = F.log_softmax(target.flatten(2) / self.temperature, -1)
            # (B, K): KL divergence of each keypoint's distribution
            kl = F.kl_div(log_p, log_q, reduction='none',
                          log_target=True).sum(-1)
        else:
            mass = target.flatten(2).clamp_min(0)
            q = mass / mass.sum(-1, keepdim=True).clamp_min(1e-12)
            # q log q is 0 where q is 0 (xlogy); an all-zero target gives 0
            kl = (torch.special.xlogy(q, q) - q * log_p).sum(-1)
        if self.use_target_weight and target_weights is not None:
            kl = kl * target_weights
        loss = kl.mean()
        if self.reduction == 'mean':
            loss = loss / log_p.shape[-1]
        return loss * self.loss_weight
