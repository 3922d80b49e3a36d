# Copyright (c) hih_mmpose contributors. All rights reserved.
from .aligned_filter import AlignedFilter
from .ema_filter import EMAFilter
from .face_landmarker import FaceLandmarker, load_image
from .face_tracker import FaceTracker
from .fast_inference import optimize_for_inference
from .low_precision import CropPredictor, quantize_int8
from .one_euro_filter import OneEuroFilter
from .onnx_export import HIHDeployModel, export_onnx
from .published_checkpoint import convert_published_state_dict

__all__ = [
    'FaceLandmarker', 'FaceTracker', 'load_image', 'HIHDeployModel',
    'export_onnx', 'convert_published_state_dict', 'optimize_for_inference',
    'OneEuroFilter', 'EMAFilter', 'AlignedFilter', 'CropPredictor',
    'quantize_int8'
]
