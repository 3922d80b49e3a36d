# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The runtime's landmarker on the full stack: a config and a checkpoint
run as a PyTorch session, the reference path."""
import os.path as osp
import warnings
from typing import Optional, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config
from torch import nn

from ..deployment import HIHDeployModel, model_info, optimize_for_inference
from ..runtime.landmarker import Landmarker
from ..runtime.sessions import ModelInfo


class TorchSession:
    """A built HIH top-down model as a runtime session: crops (N, 3, h, w)
    BGR float32 0-255 in; keypoints (N, K, 2) in crop pixels, scores (N, K)
    (and visibility (N, K)) out, as :class:`HIHDeployModel` computes them
    (the data preprocessor, the network and HIH's decode).

    Args:
        model (nn.Module): The model (eval mode) on its device.
        info (ModelInfo): Its metadata (:func:`model_info`).
    """

    def __init__(self, model: nn.Module, info: ModelInfo) -> None:
        self.network = HIHDeployModel(model).eval()
        self.device = next(model.parameters()).device
        self.info = info
        self.description = f'torch fp32 ({self.device})'

    def __call__(self, crops: np.ndarray) -> Tuple[np.ndarray, ...]:
        with torch.inference_mode():
            outputs = self.network(
                torch.from_numpy(np.ascontiguousarray(crops, np.float32)).to(
                    self.device))
        return tuple(output.float().cpu().numpy() for output in outputs)


def build_pose_model(config: Union[str, Config],
                     checkpoint: Optional[str] = None,
                     device: str = 'cpu') -> nn.Module:
    """mmpose's ``init_model`` of an HIH config with ``checkpoint``'s
    weights, loaded safely and strictly (:mod:`hih_mmpose.utils.checkpoint`);
    without one, random weights with a warning (speed tests only)."""
    from mmpose.apis import init_model

    from ..utils.checkpoint_match import load_checkpoint_strictly
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    model = init_model(cfg, None, device=device).eval()
    if checkpoint is None:
        warnings.warn('no checkpoint given: random weights (for speed '
                      'tests; their landmarks are meaningless)')
    else:
        load_checkpoint_strictly(model, checkpoint)
    return model


class FaceLandmarker(Landmarker):
    """Face detection and HIH landmarks from a config and checkpoint: the
    runtime's :class:`~hih_mmpose.runtime.Landmarker` (the same detectors,
    crops, rotation rules and mapping back) with a PyTorch session; the
    reference path. Other backends and precisions run the exported model
    (``tools/deployment/export_onnx.py``, docs/deployment.md).

    Example (not run: needs a trained checkpoint)::

        landmarker = FaceLandmarker('configs/hih_wflw.py',
                                    'work_dirs/hih_wflw/epoch_60.pth')
        faces = landmarker('face.jpg')  # [dict(bbox, keypoints, ...)]

    Args:
        config (str | Config): HIH pose config (e.g.
            ``configs/hih_wflw.py``).
        checkpoint (str, optional): Its trained weights, loaded safely and
            strictly (another model's or a file holding code is refused).
            Required; an explicit ``None`` runs random weights, with a
            warning (speed tests).
        detector (str | object): As the runtime's (``'blazeface'``,
            ``'haar'``, ``'whole_image'``, an object or a callable), or an
            mmdet detector config file of ``configs/detectors/``.
            Defaults to ``'blazeface'``.
        keypoint_scheme (str, optional): ``'wflw'``, ``'300w'``, ``'cofw'``
            or ``None`` (the model's own).
        upright (bool): Crop rolled faces upright
            (:mod:`hih_mmpose.runtime.rotation`). Defaults to ``True``.
        flip_test (bool, optional): ``None``: as the config says.
        device (str): ``'cpu'`` or ``'cuda:0'`` ... Defaults to ``'cpu'``.
        max_pixels (int, optional): Refuse larger images (default 100 M).
    """

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: Optional[str],
                 detector: object = 'blazeface',
                 keypoint_scheme: Optional[str] = None,
                 upright: bool = True,
                 flip_test: Optional[bool] = None,
                 device: str = 'cpu',
                 max_pixels: Optional[int] = None) -> None:
        model = build_pose_model(config, checkpoint, device)
        info = model_info(model)
        if device == 'cpu':
            optimize_for_inference(model)  # (BN folded: same keypoints)
        if isinstance(detector, str) and osp.isfile(detector):
            from ..models.detectors import build_mmdet_face_detector
            detector = build_mmdet_face_detector(detector, device=device)
        self.model = model
        super().__init__(TorchSession(model, info), detector,
                         keypoint_scheme=keypoint_scheme, upright=upright,
                         flip_test=flip_test, max_pixels=max_pixels)
