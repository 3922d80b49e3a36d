# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The runtime's face detectors as mmdet models (``configs/detectors/``
import this through ``custom_imports``) and the ``weightless://``
checkpoint scheme."""
from .image_face_detector import (BlazeFaceDetector, HaarCascadeFaceDetector,
                                  ImageFaceDetector, MMDetFaceDetector,
                                  build_mmdet_face_detector)
from .weightless_checkpoint import WEIGHTLESS_PREFIX, load_weightless

__all__ = [
    'BlazeFaceDetector', 'HaarCascadeFaceDetector', 'ImageFaceDetector',
    'MMDetFaceDetector', 'build_mmdet_face_detector', 'WEIGHTLESS_PREFIX',
    'load_weightless'
]
