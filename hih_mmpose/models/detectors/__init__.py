# Copyright (c) hih_mmpose contributors. All rights reserved.
from .blazeface_detector import BlazeFaceDetector
from .haar_face_detector import HaarCascadeFaceDetector
from .image_face_detector import ImageFaceDetector

__all__ = ['BlazeFaceDetector', 'HaarCascadeFaceDetector', 'ImageFaceDetector']
