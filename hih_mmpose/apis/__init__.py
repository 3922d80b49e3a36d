# Copyright (c) hih_mmpose contributors. All rights reserved.
"""``FaceLandmarker``: the runtime's landmarker on a PyTorch session made
from a config and checkpoint. The tracker, filters and detectors are the
runtime's (:mod:`hih_mmpose.runtime`)."""
from ..runtime import (AlignedFilter, EMAFilter, FaceTracker, OneEuroFilter,
                       load_image)
from .face_landmarker import FaceLandmarker, TorchSession, build_pose_model

__all__ = [
    'FaceLandmarker', 'TorchSession', 'build_pose_model', 'FaceTracker',
    'OneEuroFilter', 'EMAFilter', 'AlignedFilter', 'load_image'
]
