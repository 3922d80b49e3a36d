# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The runtime's face detectors (:mod:`hih_mmpose.runtime.detectors`) as
mmdet detectors, for ``MMPoseInferencer(det_model=...)``, mmdet's
``DetInferencer`` and mmpose's demos (``configs/detectors/``)."""
import threading
from typing import List, Optional, Union

import numpy as np
import torch
from mmdet.models.detectors.base import BaseDetector
from mmdet.registry import MODELS as MMDET_MODELS
from mmdet.structures import OptSampleList, SampleList
from mmengine.structures import InstanceData
from torch import Tensor

from ...runtime.boxes import (BLAZEFACE_BOX_CALIBRATION,
                              HAAR_BOX_CALIBRATION)


class ImageFaceDetector(BaseDetector):
    """Base of the mmdet adapters: ``predict`` runs a runtime detector on
    each image of the batch; boxes are label 0 (``face``), in the box
    convention the landmark models were trained on. Nothing is trainable.

    Args:
        detector (object): The runtime detector (``detect_oriented``).
        backbone (dict, optional): Must be empty: mmdet's ``init_detector``
            reads ``config.model.backbone``, so the configs carry an empty
            one (``configs/_base_/face_detector_runtime.py``).
        data_preprocessor (dict, optional): mmdet data preprocessor config
            (default ``DetDataPreprocessor``: no normalisation, BGR).
        init_cfg (dict, optional): Unused.
    """

    def __init__(self, detector, backbone: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if backbone:
            raise ValueError(
                f'{self.__class__.__name__} has no backbone; got backbone='
                f'{backbone!r} (leave it empty)')
        super().__init__(
            data_preprocessor=data_preprocessor
            or dict(type='mmdet.DetDataPreprocessor'),
            init_cfg=init_cfg)
        # a buffer so that mmengine finds a device and dtype
        self.register_buffer('_dummy', torch.zeros(1), persistent=False)
        self.detector = detector

    def detect_oriented(self, image: np.ndarray) -> tuple:
        """The runtime detector's boxes (N, 4), scores (N, ), angles (N, )
        (the runtime's detector protocol)."""
        return self.detector.detect_oriented(image)

    def predict(self, batch_inputs: Tensor, batch_data_samples: SampleList,
                rescale: bool = True) -> SampleList:
        """Detect faces in a batch (B, C, H, W) of BGR images (0-255).
        mmpose's top-down path crops them upright-as-boxed; rolled faces
        are cropped upright by ``FaceLandmarker`` (docs/inference.md)."""
        images = batch_inputs.detach().clamp(0, 255).byte().cpu().numpy()
        for image, sample in zip(images, batch_data_samples):
            bboxes, scores, _ = self.detect_oriented(
                np.ascontiguousarray(image.transpose(1, 2, 0)))
            bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
            if rescale and 'scale_factor' in sample.metainfo:
                bboxes = bboxes / np.tile(sample.metainfo['scale_factor'], 2)
            sample.pred_instances = InstanceData(
                bboxes=torch.from_numpy(bboxes.astype(np.float32)),
                scores=torch.from_numpy(np.asarray(scores, np.float32)),
                labels=torch.zeros(len(bboxes), dtype=torch.long))
        return batch_data_samples

    def loss(self, batch_inputs: Tensor,
             batch_data_samples: SampleList) -> Union[dict, list]:
        raise NotImplementedError(
            f'{self.__class__.__name__} is not trainable')

    def _forward(self, batch_inputs: Tensor,
                 batch_data_samples: OptSampleList = None) -> List[Tensor]:
        raise NotImplementedError(
            f'{self.__class__.__name__} has no tensor output; use predict')

    def extract_feat(self, batch_inputs: Tensor) -> Tensor:
        raise NotImplementedError(
            f'{self.__class__.__name__} extracts no features')


@MMDET_MODELS.register_module()
class BlazeFaceDetector(ImageFaceDetector):
    """MediaPipe's BlazeFace as an mmdet detector; its arguments are
    :class:`hih_mmpose.runtime.detectors.blazeface.BlazeFaceDetector`'s."""

    def __init__(self, model: str = 'full', score_thr: float = 0.5,
                 tile_fraction: Optional[float] = 0.6,
                 min_tiled_side: int = 360,
                 tile_below: float = 0.2,
                 engine: str = 'auto',
                 box_calibration: Optional[dict] = BLAZEFACE_BOX_CALIBRATION,
                 **kwargs) -> None:
        from ...runtime.detectors.blazeface import BlazeFaceDetector as Runtime
        super().__init__(
            Runtime(model=model, score_thr=score_thr,
                    tile_fraction=tile_fraction,
                    min_tiled_side=min_tiled_side, tile_below=tile_below,
                    engine=engine, box_calibration=box_calibration),
            **kwargs)


@MMDET_MODELS.register_module()
class HaarCascadeFaceDetector(ImageFaceDetector):
    """OpenCV's Haar cascade as an mmdet detector; its arguments are
    :class:`hih_mmpose.runtime.detectors.HaarDetector`'s."""

    def __init__(self,
                 cascade: str = 'haarcascade_frontalface_default.xml',
                 scale_factor: float = 1.1, min_neighbors: int = 5,
                 min_size: tuple = (24, 24), max_side: Optional[int] = 1280,
                 box_calibration: Optional[dict] = HAAR_BOX_CALIBRATION,
                 **kwargs) -> None:
        from ...runtime.detectors import HaarDetector
        super().__init__(
            HaarDetector(cascade, scale_factor, min_neighbors, min_size,
                         max_side, box_calibration), **kwargs)


class MMDetFaceDetector:
    """A trained mmdet detector (its config and weights, through mmdet's
    ``DetInferencer``) in the runtime's detector protocol: the boxes of
    ``label``, upright. Its calls are serialised (the inferencer keeps
    state).

    Args:
        config (str): mmdet detector config.
        weights (str): Its trained weights, read by the safe loader.
        device (str): Defaults to ``'cpu'``.
        label (int): The face class. Defaults to ``0``.
    """

    def __init__(self, config: str, weights: str, device: str = 'cpu',
                 label: int = 0) -> None:
        import os.path as osp

        from mmdet.apis import DetInferencer

        from ...utils.checkpoint import (check_checkpoint_safe,
                                         checkpoint_loading)
        if not osp.isfile(weights):
            raise FileNotFoundError(f'detector weights {weights} not found')
        check_checkpoint_safe(weights)
        with checkpoint_loading():  # (mmdet's loader, with the allow-list)
            self.inferencer = DetInferencer(
                model=config, weights=weights, device=device,
                show_progress=False)
        self.label = label
        self._lock = threading.Lock()

    def detect_oriented(self, image: np.ndarray) -> tuple:
        with self._lock:
            instances = self.inferencer(
                image, return_datasamples=True)['predictions'][0]
        instances = instances.pred_instances.cpu().numpy()
        keep = instances.labels == self.label
        bboxes = np.asarray(instances.bboxes[keep], np.float32).reshape(-1, 4)
        return (bboxes, np.asarray(instances.scores[keep], np.float32),
                np.zeros(len(bboxes), np.float32))


def build_mmdet_face_detector(config: str, weights: Optional[str] = None,
                              device: str = 'cpu'):
    """The runtime-protocol detector of an mmdet config file: the
    weightless ones of ``configs/detectors/`` as they are, a trained one
    through :class:`MMDetFaceDetector` (``weights`` required)."""
    from mmengine.config import Config
    model_cfg = Config.fromfile(config).model
    detector_class = MMDET_MODELS.get(model_cfg.type)
    if detector_class is not None and issubclass(detector_class,
                                                 ImageFaceDetector):
        return MMDET_MODELS.build(dict(model_cfg, _scope_='mmdet'))
    if weights is None:
        raise ValueError(
            f'detector {config} is a trained mmdet detector: give its '
            'weights (MMDetFaceDetector(config, weights)); an untrained '
            'detector returns meaningless boxes')
    return MMDetFaceDetector(config, weights, device)
