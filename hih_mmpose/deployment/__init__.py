# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Deployment: ONNX export with the decoder inside, the CPU fast path
(BatchNorm folding, channels-last), bf16 and int8 inference."""
from .calibration import calibration_crops, dataset_crops
from .crop_predictor import PRECISIONS, Bf16Network, CropPredictor
from .fast_inference import optimize_for_inference
from .onnx_export import HIHDeployModel, export_onnx
from .quantization import quantize_int8

__all__ = [
    'calibration_crops', 'dataset_crops', 'PRECISIONS', 'Bf16Network',
    'CropPredictor', 'optimize_for_inference', 'HIHDeployModel',
    'export_onnx', 'quantize_int8'
]
