# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Inference: the one-call image API and the video tracker with its
landmark filters."""
from ..models.detectors import build_face_detector
from ..utils.image_io import load_image
from .face_landmarker import FaceLandmarker
from .landmark_predictors import CropPredictorPath, TopdownPredictor
from .video import (AlignedFilter, EMAFilter, FaceTracker, OneEuroFilter,
                    box_iou, landmark_box)

__all__ = [
    'FaceLandmarker', 'build_face_detector', 'load_image',
    'CropPredictorPath', 'TopdownPredictor', 'FaceTracker', 'OneEuroFilter',
    'EMAFilter', 'AlignedFilter', 'box_iou', 'landmark_box'
]
