# Copyright (c) hih_mmpose contributors. All rights reserved.
from .blazeface_detector import BlazeFaceDetector
from .face_detector_protocol import (DETECTOR_NAMES, BoxOnlyDetector,
                                     MMDetFaceDetector, OrientedFaceDetector,
                                     WholeImageDetector, build_face_detector)
from .haar_face_detector import HaarCascadeFaceDetector
from .image_face_detector import ImageFaceDetector
from .weightless_checkpoint import WEIGHTLESS_PREFIX, load_weightless

__all__ = [
    'BlazeFaceDetector', 'HaarCascadeFaceDetector', 'ImageFaceDetector',
    'OrientedFaceDetector', 'WholeImageDetector', 'BoxOnlyDetector',
    'MMDetFaceDetector', 'build_face_detector', 'DETECTOR_NAMES',
    'WEIGHTLESS_PREFIX', 'load_weightless'
]
