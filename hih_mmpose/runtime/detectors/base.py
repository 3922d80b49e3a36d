# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The detector protocol and the detectors that need no model: the whole
image, a user's boxes-only detector; :class:`CalibratedDetector`, the base
of the detectors whose boxes are mapped to the landmark models' box."""
import threading
from typing import Callable, Optional, Protocol, Tuple, runtime_checkable

import numpy as np

from ..boxes import calibrate_boxes, check_box_calibration

Detections = Tuple[np.ndarray, np.ndarray, np.ndarray]

@runtime_checkable
class FaceDetector(Protocol):
    """Image in; face boxes, scores and crop rotations out (see the
    module)."""

    def detect_oriented(self, image: np.ndarray) -> Detections:
        ...


class CalibratedDetector:
    """Base of detectors whose boxes are mapped to the landmark models'
    convention: subclasses implement :meth:`detect_uncalibrated`.

    Args:
        box_calibration (dict, optional): ``dict(center_offset=(dx, dy),
            scale=(sx, sy))`` (:func:`~..boxes.calibrate_boxes`); ``None``:
            the detector's own boxes.
    """

    def __init__(self, box_calibration: Optional[dict] = None) -> None:
        self.box_calibration = check_box_calibration(box_calibration)
        # the native libraries (MediaPipe, OpenCV) keep state per object
        self.native_lock = threading.Lock()

    def detect_uncalibrated(self, image: np.ndarray) -> Detections:
        raise NotImplementedError

    def detect_oriented(self, image: np.ndarray) -> Detections:
        bboxes, scores, angles = self.detect_uncalibrated(image)
        bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
        angles = np.asarray(angles, np.float32).reshape(-1)
        if self.box_calibration is not None and len(bboxes):
            bboxes = calibrate_boxes(bboxes, angles, **self.box_calibration)
        return bboxes, np.asarray(scores, np.float32).reshape(-1), angles


class WholeImageDetector:
    """The whole image as one upright face of score 1 (images that are face
    crops already)."""

    def detect_oriented(self, image: np.ndarray) -> Detections:
        height, width = image.shape[:2]
        return (np.array([[0, 0, width, height]], np.float32),
                np.ones(1, np.float32), np.zeros(1, np.float32))


class BoxDetector:
    """``detect(image) -> (bboxes (N, 4), scores (N, ))`` of an object, or a
    callable of that signature, as a :class:`FaceDetector` of upright
    faces; its calls are serialised (nothing says it is thread-safe)."""

    def __init__(self, detect: Callable) -> None:
        self.detect = detect
        self._lock = threading.Lock()

    def detect_oriented(self, image: np.ndarray) -> Detections:
        with self._lock:
            bboxes, scores = self.detect(image)
        bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
        return (bboxes, np.asarray(scores, np.float32).reshape(-1),
                np.zeros(len(bboxes), np.float32))
