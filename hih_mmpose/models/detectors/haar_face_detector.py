# Copyright (c) hih_mmpose contributors. All rights reserved.
import os.path as osp
from typing import Optional, Tuple

import cv2
import numpy as np
from mmdet.registry import MODELS as MMDET_MODELS

from .box_calibration import HAAR_BOX_CALIBRATION
from .image_face_detector import ImageFaceDetector


@MMDET_MODELS.register_module()
class HaarCascadeFaceDetector(ImageFaceDetector):
    """OpenCV's Haar cascade face detector as an mmdet detector.

    It needs no weights and no download: the cascades ship inside
    opencv-python 4.x (``cv2.data.haarcascades``). Use it where a trained
    face detector is not at hand, e.g. through ``MMPoseInferencer(...,
    det_model='configs/detectors/haar_face.py', det_cat_ids=[0])``.
    It finds frontal and moderately turned faces; for profiles, small faces
    or clutter use a trained detector (YOLOX / RTMDet).

    Boxes are (x1, y1, x2, y2) in the input image, label 0; the score is the
    sigmoid of the cascade's level weight (its confidence).

    Args:
        cascade (str): Cascade file name in ``cv2.data.haarcascades`` or a
            path. Defaults to ``'haarcascade_frontalface_default.xml'``.
        scale_factor (float): Image pyramid step. Defaults to ``1.1``.
        min_neighbors (int): Overlapping detections needed to keep a face.
            Defaults to ``5``.
        min_size (tuple): Smallest face (w, h) in pixels of the image the
            cascade runs on. Defaults to ``(24, 24)``.
        max_side (int, optional): Images whose longer side exceeds this are
            downscaled to it for detection (boxes are mapped back), which
            bounds the time on very large images. ``None`` disables it.
            Defaults to ``1280``.
        box_calibration (dict, optional): Maps the boxes to the landmark
            models' convention, the landmarks' extent
            (:class:`ImageFaceDetector`). Defaults to the fitted
            :data:`~.box_calibration.HAAR_BOX_CALIBRATION`; ``None``: the
            cascade's own boxes.
        data_preprocessor (dict, optional): mmdet data preprocessor config.
            Defaults to ``DetDataPreprocessor`` (no normalisation).
        init_cfg (dict, optional): Unused (nothing to initialise).
    """

    def __init__(self,
                 cascade: str = 'haarcascade_frontalface_default.xml',
                 scale_factor: float = 1.1,
                 min_neighbors: int = 5,
                 min_size: Tuple[int, int] = (24, 24),
                 max_side: Optional[int] = 1280,
                 box_calibration: Optional[dict] = HAAR_BOX_CALIBRATION,
                 backbone: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            box_calibration=box_calibration,
            backbone=backbone,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        path = cascade if osp.isfile(cascade) else osp.join(
            cv2.data.haarcascades, cascade)
        self.classifier = cv2.CascadeClassifier(path)
        if self.classifier.empty():
            raise FileNotFoundError(
                f'{self.__class__.__name__}: cannot load cascade {cascade} '
                f'(looked at {path})')
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.min_size = tuple(min_size)
        self.max_side = max_side

    def detect_uncalibrated(
            self, image: np.ndarray
    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Faces of one BGR or gray uint8 image (H, W[, 3]), the
        cascade's own boxes, angles 0.

        Returns:
            tuple: ``bboxes`` (N, 4) xyxy float32, ``scores`` (N, ),
            ``angles`` (N, ) zeros.
        """
        gray = image if image.ndim == 2 else cv2.cvtColor(
            image, cv2.COLOR_BGR2GRAY)
        ratio = 1.
        if self.max_side and max(gray.shape) > self.max_side:
            ratio = self.max_side / max(gray.shape)
            gray = cv2.resize(gray, None, fx=ratio, fy=ratio,
                              interpolation=cv2.INTER_AREA)
        gray = cv2.equalizeHist(gray)
        with self.native_lock:
            boxes, _, weights = self.classifier.detectMultiScale3(
                gray,
                scaleFactor=self.scale_factor,
                minNeighbors=self.min_neighbors,
                minSize=self.min_size,
                outputRejectLevels=True)
        boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
        boxes[:, 2:] += boxes[:, :2]
        boxes /= ratio
        scores = 1 / (1 + np.exp(-np.asarray(weights, np.float32).ravel()))
        return boxes, scores.reshape(-1), np.zeros(len(boxes), np.float32)
