# Copyright (c) hih_mmpose contributors. All rights reserved.
"""One model's face crops run every installed way: PyTorch fp32 (BN folded,
channels-last) and bf16 (CPU autocast), and the exported model through the
runtime's ONNX Runtime and OpenVINO sessions in each precision they run
(the precision tables of benchmark.py and precision_eval.py)."""
import copy
import os.path as osp
from typing import Callable, Dict, Optional

import numpy as np
import torch

from hih_mmpose.deployment import (HIHDeployModel, export_onnx, model_info,
                                   optimize_for_inference, write_model_info)
from hih_mmpose.runtime import open_session
from hih_mmpose.runtime.sessions import BACKEND_PRECISIONS, installed_backends


def torch_runner(model, bf16: bool = False) -> Callable:
    """Crops (N, 3, h, w) -> (keypoints, scores, ...) numpy, PyTorch on the
    CPU, fp32 or bf16 autocast (decoded in float32)."""
    network = HIHDeployModel(optimize_for_inference(
        copy.deepcopy(model).cpu())).eval()

    def run(crops: np.ndarray) -> tuple:
        with torch.inference_mode(), torch.autocast(
                'cpu', dtype=torch.bfloat16, enabled=bf16):
            outputs = network(torch.from_numpy(
                np.ascontiguousarray(crops, np.float32)))
        return tuple(output.float().numpy() for output in outputs)

    return run


def crop_runners(model, work_dir: str, calib: Optional[np.ndarray] = None,
                 int8_file: Optional[str] = None) -> Dict[str, Callable]:
    """``'<backend> <precision>' -> runner``: PyTorch fp32 / bf16 and each
    installed runtime backend x precision. int8 runs ``int8_file`` (an
    export with its ``.json``) or a model quantised here on ``calib``;
    without either, no int8."""
    runners = {'torch fp32': torch_runner(model),
               'torch bf16': torch_runner(model, bf16=True)}
    size = tuple(model.head.decoder.input_size)
    fp32_file = osp.join(work_dir, 'fp32.onnx')
    export_onnx(copy.deepcopy(model).cpu().eval(), fp32_file, size)
    write_model_info(model_info(model), fp32_file)
    if int8_file is None and calib is not None:
        # (tools/deployment/int8_quantization.py: the analysis tools put
        # tools/deployment on the module search path)
        from int8_quantization import quantize_int8
        int8_file = osp.join(work_dir, 'int8.onnx')
        quantize_int8(model, int8_file, calib, size)
        write_model_info(model_info(model, 'int8'), int8_file)
    for backend in installed_backends():
        for precision in BACKEND_PRECISIONS[backend]:
            if precision == 'int8' and int8_file is None:
                continue
            runners[f'{backend} {precision}'] = open_session(
                int8_file if precision == 'int8' else fp32_file, backend,
                precision)
    return runners
