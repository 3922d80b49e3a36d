# Copyright (c) hih_mmpose contributors. All rights reserved.
"""ONNX export of a HIH top-down model with the decoder inside the graph."""
from typing import Tuple

import torch
from torch import Tensor, nn

from ..models.heads import HIHVisibilityHead, landmark_maps
from .export_rewrites import export_rewrites
from .model_fingerprint import stamp_onnx, weights_fingerprint


class HIHDeployModel(nn.Module):
    """Face crops in, keypoints out: normalisation, network and HIH decode.

    Input: BGR face crops as float32 (N, 3, h, w) with values 0-255, the
    size of the codec's ``input_size`` (what ``TopdownAffine`` produces).
    Outputs: ``keypoints`` (N, K, 2) in crop pixels and ``scores`` (N, K),
    as ``HIHLabel.decode`` computes them (no flip test); with an
    :class:`HIHVisibilityHead` also ``visible`` (N, K), the probability that
    each landmark is visible (the sigmoid of its logit, as mmpose's
    ``VisPredictHead`` predicts it).

    Args:
        model (nn.Module): A ``TopdownPoseEstimator`` with an HIH head
            whose ``decoder`` is :class:`HIHLabel`.
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.backbone = model.backbone
        self.neck = model.neck if model.with_neck else None
        self.head = model.head
        self.decoder = model.head.decoder
        preprocessor = model.data_preprocessor
        self.register_buffer('mean', preprocessor.mean.clone().view(1, 3, 1,
                                                                    1))
        self.register_buffer('std', preprocessor.std.clone().view(1, 3, 1, 1))
        self.bgr_to_rgb = bool(preprocessor._channel_conversion)
        self.with_visibility = isinstance(self.head, HIHVisibilityHead)

    @property
    def output_names(self) -> Tuple[str, ...]:
        """Names of :meth:`forward`'s outputs."""
        return ('keypoints', 'scores') + (('visible', )
                                          if self.with_visibility else ())

    def forward(self, crops: Tensor) -> Tuple[Tensor, ...]:
        if self.bgr_to_rgb:
            crops = crops[:, [2, 1, 0]]
        feats = self.backbone((crops - self.mean) / self.std)
        if self.neck is not None:
            feats = self.neck(feats)
        integer_heatmaps, decimal_logits = landmark_maps(self.head, feats)
        keypoints, scores = self.decoder.decode_torch(integer_heatmaps,
                                                      decimal_logits)
        if not self.with_visibility:
            return keypoints, scores
        return keypoints, scores, self.head.vis_forward(feats).sigmoid()


def export_onnx(model: nn.Module,
                out_file: str,
                input_size: Tuple[int, int] = (256, 256),
                opset: int = 17) -> HIHDeployModel:
    """Export ``model`` (eval mode, CPU) to ``out_file`` with a dynamic
    batch axis; inputs ``crops``, outputs ``keypoints`` and ``scores`` (and
    ``visible`` for a model with a visibility head). The file is stamped with
    the weights' fingerprint, ``fp32`` and the crop size
    (:mod:`~.model_fingerprint`).

    Returns:
        HIHDeployModel: the exported module (to compare outputs with).
    """
    fingerprint = weights_fingerprint(model)
    deploy = HIHDeployModel(model).eval().cpu()
    width, height = input_size
    example = torch.zeros(1, 3, height, width)
    with export_rewrites():  # (mmpose's LiteHRNet: constant pool sizes)
        torch.onnx.export(
            deploy, (example, ),
            out_file,
            input_names=['crops'],
            output_names=list(deploy.output_names),
            dynamic_axes={name: {0: 'batch'}
                          for name in ('crops', ) + deploy.output_names},
            opset_version=opset,
            dynamo=False)
    stamp_onnx(out_file, fingerprint, 'fp32', input_size)
    return deploy
