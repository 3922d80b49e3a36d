# Copyright (c) hih_mmpose contributors. All rights reserved.
"""int8 quantisation of a HIH model: ONNX Runtime static quantisation
(QDQ), calibrated on face crops."""
import os
import os.path as osp
import tempfile
from typing import List, Optional, Tuple

import numpy as np
from torch import nn

from .onnx_export import export_onnx


def decoder_nodes(onnx_file: str) -> List[str]:
    """ONNX node names of the convolutions outside the network: those of
    the decoder (the Gaussian blur of the ``'expectation_dark'`` decode),
    which :func:`quantize_int8` keeps in float32."""
    import onnx
    network = ('/backbone/', '/neck/', '/head/')
    return [
        node.name for node in onnx.load(onnx_file).graph.node
        if node.op_type == 'Conv' and not node.name.startswith(network)
    ]


def quantize_int8(model: nn.Module,
                  out_file: str,
                  calib_crops: np.ndarray,
                  input_size: Tuple[int, int],
                  opset: int = 17) -> str:
    """Export ``model`` with the HIH decoder and quantise it to int8.

    ONNX Runtime static quantisation in QDQ format: per-channel int8
    weights and uint8 activations of every convolution, activation ranges
    calibrated (MinMax) on ``calib_crops``; on CPUs with AVX512-VNNI the
    quantised convolutions run on VNNI kernels. The decoder (argmax, and
    DARK's blur in the ``'expectation_dark'`` decode: :func:`decoder_nodes`)
    and the decimal branch's matrix products stay float32.

    Args:
        model (nn.Module): A ``TopdownPoseEstimator`` with an HIH head.
        out_file (str): Output ``.onnx`` file (inputs and outputs as
            :func:`export_onnx`).
        calib_crops (np.ndarray): Calibration crops (N, 3, h, w) float32 BGR
            0-255 (see :func:`calibration_crops`).
        input_size (tuple): Crop size (w, h).
        opset (int): ONNX opset. Defaults to 17.

    Returns:
        str: ``out_file``.
    """
    from onnxruntime.quantization import (CalibrationDataReader,
                                          QuantFormat, QuantType,
                                          quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):

        def __init__(self) -> None:
            self.batches = iter(calib_crops[i:i + 1]
                                for i in range(len(calib_crops)))

        def get_next(self) -> Optional[dict]:
            batch = next(self.batches, None)
            return None if batch is None else dict(crops=batch)

    if len(calib_crops) == 0:
        raise ValueError('int8 calibration needs at least one crop')
    with tempfile.TemporaryDirectory() as tmp:
        fp32_file = osp.join(tmp, 'fp32.onnx')
        export_onnx(model, fp32_file, input_size, opset)
        prepared = osp.join(tmp, 'prepared.onnx')
        # the decoder's shapes defeat symbolic inference; ONNX's own
        # inference and the graph optimisation still run
        quant_pre_process(fp32_file, prepared, skip_symbolic_shape=True)
        excluded = decoder_nodes(prepared)
        os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
        quantize_static(
            prepared,
            out_file,
            Reader(),
            quant_format=QuantFormat.QDQ,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=['Conv'],
            nodes_to_exclude=excluded)
    return out_file


