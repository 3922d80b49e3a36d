# Copyright (c) hih_mmpose contributors. All rights reserved.
import threading
from typing import List, Optional, Tuple, Union

import numpy as np
import torch
from mmdet.models.detectors.base import BaseDetector
from mmdet.structures import OptSampleList, SampleList
from mmengine.structures import InstanceData
from torch import Tensor

from ...utils.face_rotation_record import record_face_rotations
from .box_calibration import calibrate_boxes, check_box_calibration


class ImageFaceDetector(BaseDetector):
    """Base of face detectors that run on a numpy image outside PyTorch
    (OpenCV, MediaPipe), wrapped as mmdet detectors for ``predict``.

    Subclasses implement :meth:`detect_uncalibrated`; :meth:`detect_oriented`
    (and :meth:`detect`, ``predict``) return its boxes mapped by the
    config's ``box_calibration`` to the box convention the landmark models
    were trained on (:mod:`~.box_calibration`). Boxes are label 0
    (``face``). Nothing is trainable. The native
    libraries are not safe to call from several threads at once (MediaPipe's
    graphs fail with "Packet type mismatch"), so subclasses run them under
    ``self.native_lock``: a detector shared by threads serialises only its
    native calls.

    Args:
        box_calibration (dict, optional): ``dict(center_offset=(dx, dy),
            scale=(sx, sy))`` applied to every box in the face's frame
            (:func:`~.box_calibration.calibrate_boxes`). Defaults to
            ``None``: the detector's own boxes.
        backbone (dict, optional): Must be empty or ``None``: these
            detectors have no backbone. mmdet's ``init_detector`` reads
            ``config.model.backbone``, so the configs carry an empty one
            (``configs/_base_/face_detector_runtime.py``).
        data_preprocessor (dict, optional): mmdet data preprocessor config.
            Defaults to ``DetDataPreprocessor`` (no normalisation, BGR).
        init_cfg (dict, optional): Unused (nothing to initialise).
    """

    def __init__(self,
                 box_calibration: Optional[dict] = None,
                 backbone: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if backbone:
            raise ValueError(
                f'{self.__class__.__name__} has no backbone; got backbone='
                f'{backbone!r} (leave it empty)')
        if data_preprocessor is None:
            data_preprocessor = dict(type='mmdet.DetDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        # a buffer so that mmengine finds a device and dtype
        self.register_buffer('_dummy', torch.zeros(1), persistent=False)
        self.native_lock = threading.Lock()
        self.box_calibration = check_box_calibration(box_calibration)

    def detect_uncalibrated(
            self, image: np.ndarray
    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The detector's own faces of one BGR uint8 image (H, W, 3).

        Returns:
            tuple: ``bboxes`` (N, 4) xyxy float32, ``scores`` (N, ) and
            ``angles`` (N, ), the crop rotation (degrees) that makes each
            face upright (0 for detectors that do not tell).
        """
        raise NotImplementedError

    def detect_oriented(
            self, image: np.ndarray
    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`detect_uncalibrated` with the boxes in the landmark
        models' convention (``box_calibration``).

        Returns:
            tuple: ``bboxes`` (N, 4), ``scores`` (N, ), ``angles`` (N, ).
        """
        bboxes, scores, angles = self.detect_uncalibrated(image)
        bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
        angles = np.asarray(angles, np.float32).reshape(-1)
        if self.box_calibration is not None and len(bboxes):
            bboxes = calibrate_boxes(bboxes, angles,
                                     **self.box_calibration)
        return bboxes, np.asarray(scores, np.float32).reshape(-1), angles

    def detect(self, image: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Faces of one BGR uint8 image (H, W, 3) (see
        :meth:`detect_oriented`).

        Returns:
            tuple: ``bboxes`` (N, 4) xyxy float32 and ``scores`` (N, ).
        """
        bboxes, scores, _ = self.detect_oriented(image)
        return bboxes, scores

    def predict(self,
                batch_inputs: Tensor,
                batch_data_samples: SampleList,
                rescale: bool = True) -> SampleList:
        """Detect faces in a batch (B, C, H, W) of BGR images (0-255).

        Each image's boxes and crop rotations are also recorded for the
        pose test pipeline
        (:mod:`~hih_mmpose.utils.face_rotation_record`), so that mmpose's
        top-down inference crops the faces upright.
        """
        images = batch_inputs.detach().clamp(0, 255).byte().cpu().numpy()
        seen, found, rotations = [], [], []
        for image, sample in zip(images, batch_data_samples):
            image = np.ascontiguousarray(image.transpose(1, 2, 0))
            bboxes, scores, angles = self.detect_oriented(image)
            resized = rescale and 'scale_factor' in sample.metainfo
            if resized:
                bboxes = bboxes / np.tile(sample.metainfo['scale_factor'], 2)
            bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
            sample.pred_instances = InstanceData(
                bboxes=torch.from_numpy(bboxes),
                scores=torch.from_numpy(np.asarray(scores, np.float32)),
                labels=torch.zeros(len(bboxes), dtype=torch.long))
            if not resized:
                # (boxes of a resized input belong to an image not seen here)
                seen.append(image)
                found.append(bboxes)
                rotations.append(angles)
        record_face_rotations(seen, found, rotations)
        return batch_data_samples

    def loss(self, batch_inputs: Tensor,
             batch_data_samples: SampleList) -> Union[dict, list]:
        raise NotImplementedError(
            f'{self.__class__.__name__} is not trainable')

    def _forward(self,
                 batch_inputs: Tensor,
                 batch_data_samples: OptSampleList = None) -> List[Tensor]:
        raise NotImplementedError(
            f'{self.__class__.__name__} has no tensor output; use predict')

    def extract_feat(self, batch_inputs: Tensor) -> Tensor:
        raise NotImplementedError(
            f'{self.__class__.__name__} extracts no features')
