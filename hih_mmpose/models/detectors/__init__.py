# Copyright (c) hih_mmpose contributors. All rights reserved.
from .blazeface_detector import BlazeFaceDetector
from .haar_face_detector import HaarCascadeFaceDetector
from .image_face_detector import ImageFaceDetector
from .weightless_checkpoint import WEIGHTLESS_PREFIX, load_weightless

__all__ = [
    'BlazeFaceDetector', 'HaarCascadeFaceDetector', 'ImageFaceDetector',
    'WEIGHTLESS_PREFIX', 'load_weightless'
]
