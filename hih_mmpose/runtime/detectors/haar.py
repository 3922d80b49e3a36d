# Copyright (c) hih_mmpose contributors. All rights reserved.
"""OpenCV's Haar cascade as a runtime face detector."""
import os.path as osp
from typing import Optional, Tuple

import numpy as np

from ..boxes import HAAR_BOX_CALIBRATION
from .base import CalibratedDetector, Detections


class HaarDetector(CalibratedDetector):
    """OpenCV's Haar cascade (ships inside opencv-python; no weights file):
    frontal and moderately turned faces; scores are the sigmoid of the
    cascade's level weight.

    Args:
        cascade (str): File name in ``cv2.data.haarcascades`` or a path.
        scale_factor (float): Image pyramid step.
        min_neighbors (int): Overlapping detections needed to keep a face.
        min_size (tuple): Smallest face (w, h) in the detection image.
        max_side (int, optional): Images with a longer side are downscaled
            to it for detection (bounds the time on large images).
        box_calibration (dict, optional): See :class:`CalibratedDetector`.
    """

    def __init__(self,
                 cascade: str = 'haarcascade_frontalface_default.xml',
                 scale_factor: float = 1.1,
                 min_neighbors: int = 5,
                 min_size: Tuple[int, int] = (24, 24),
                 max_side: Optional[int] = 1280,
                 box_calibration: Optional[dict] = HAAR_BOX_CALIBRATION
                 ) -> None:
        import cv2
        super().__init__(box_calibration)
        path = cascade if osp.isfile(cascade) else osp.join(
            cv2.data.haarcascades, cascade)
        self.classifier = cv2.CascadeClassifier(path)
        if self.classifier.empty():
            raise FileNotFoundError(
                f'cannot load the Haar cascade {cascade} (looked at {path})')
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.min_size = tuple(min_size)
        self.max_side = max_side

    def detect_uncalibrated(self, image: np.ndarray) -> Detections:
        import cv2
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
                gray, scaleFactor=self.scale_factor,
                minNeighbors=self.min_neighbors, minSize=self.min_size,
                outputRejectLevels=True)
        boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
        boxes[:, 2:] += boxes[:, :2]
        boxes /= ratio
        scores = 1 / (1 + np.exp(-np.asarray(weights, np.float32).ravel()))
        return boxes, scores.reshape(-1), np.zeros(len(boxes), np.float32)
