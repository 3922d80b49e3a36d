# Copyright (c) hih_mmpose contributors. All rights reserved.
from .face_landmarker import FaceLandmarker, load_image

__all__ = ['FaceLandmarker', 'load_image']
