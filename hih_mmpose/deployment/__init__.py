# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Deployment on the full stack: ONNX export with the decoder inside and
the runtime's metadata beside it, the OpenVINO IR, and
the CPU fast path (BatchNorm folded, channels-last). The exported model runs
in :mod:`hih_mmpose.runtime`."""
from .fast_inference import optimize_for_inference
from .model_metadata import model_info, weights_fingerprint, write_model_info
from .onnx_export import HIHDeployModel, export_onnx, export_openvino

__all__ = [
    'optimize_for_inference', 'model_info', 'weights_fingerprint',
    'write_model_info', 'HIHDeployModel', 'export_onnx', 'export_openvino'
]
