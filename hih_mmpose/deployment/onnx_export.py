# Copyright (c) hih_mmpose contributors. All rights reserved.
"""ONNX export of a HIH top-down model with the decoder inside the graph."""
from typing import Tuple

import torch
from torch import Tensor, nn

from ..models.heads import HIHVisibilityHead, landmark_maps
from .export_rewrites import export_rewrites


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
    ``visible`` for a model with a visibility head). The runtime's metadata
    beside it is written by :func:`~.model_metadata.write_model_info`.

    Returns:
        HIHDeployModel: the exported module (to compare outputs with).
    """
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
    return deploy


def export_openvino(onnx_file: str, out_file: str) -> str:
    """Convert an exported ``.onnx`` (fp32 or QDQ int8) to an OpenVINO IR
    (``out_file`` ``.xml`` and its ``.bin`` beside it), weights kept in
    float32 (no fp16 compression)."""
    import openvino as ov
    if not out_file.endswith('.xml'):
        raise ValueError(f'an OpenVINO IR is a .xml file, got {out_file}')
    ov.save_model(ov.convert_model(onnx_file), out_file,
                  compress_to_fp16=False)
    return out_file
