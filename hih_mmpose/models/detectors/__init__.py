# Copyright (c) hih_mmpose contributors. All rights reserved.
from .haar_face_detector import HaarCascadeFaceDetector

__all__ = ['HaarCascadeFaceDetector']
