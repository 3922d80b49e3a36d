# Copyright (c) hih_mmpose contributors. All rights reserved.
from .face_landmarker import FaceLandmarker, load_image
from .fast_inference import optimize_for_inference
from .one_euro_filter import OneEuroFilter
from .onnx_export import HIHDeployModel, export_onnx
from .published_checkpoint import convert_published_state_dict

__all__ = [
    'FaceLandmarker', 'load_image', 'HIHDeployModel', 'export_onnx',
    'convert_published_state_dict', 'optimize_for_inference', 'OneEuroFilter'
]
