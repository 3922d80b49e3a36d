# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Video mode: the face tracker and the landmark filters it can run."""
from .aligned_filter import AlignedFilter, similarity_transform
from .ema_filter import EMAFilter
from .face_tracker import FaceTracker, box_iou, landmark_box
from .one_euro_filter import OneEuroFilter, smoothing_factor

__all__ = [
    'AlignedFilter', 'similarity_transform', 'EMAFilter', 'FaceTracker',
    'box_iou', 'landmark_box', 'OneEuroFilter', 'smoothing_factor'
]
