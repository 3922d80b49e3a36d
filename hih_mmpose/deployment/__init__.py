# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Deployment: ONNX export with the decoder inside, the CPU fast path
(BatchNorm folding, channels-last), bf16 and int8 inference on PyTorch, ONNX
Runtime and OpenVINO, and the choice among them for this CPU."""
from .backend_selection import (BACKEND_PRECISIONS, BACKENDS, PRECISIONS,
                                BackendChoice, check_backend_precision,
                                choose_backend, installed_backends,
                                int8_backends, resolve_runtime)
from .calibration import calibration_crops, dataset_crops
from .crop_predictor import Bf16Network, CropPredictor
from .fast_inference import optimize_for_inference
from .onnx_export import HIHDeployModel, export_onnx
from .openvino_runtime import OpenVINOSession, export_openvino
from .quantization import quantize_int8

__all__ = [
    'BACKEND_PRECISIONS', 'BACKENDS', 'BackendChoice', 'choose_backend',
    'check_backend_precision', 'resolve_runtime', 'installed_backends',
    'int8_backends',
    'OpenVINOSession', 'export_openvino',
    'calibration_crops', 'dataset_crops', 'PRECISIONS', 'Bf16Network',
    'CropPredictor', 'optimize_for_inference', 'HIHDeployModel',
    'export_onnx', 'quantize_int8'
]
