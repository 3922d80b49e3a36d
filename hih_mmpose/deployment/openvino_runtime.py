# Copyright (c) hih_mmpose contributors. All rights reserved.
"""OpenVINO on the CPU: the exported HIH graph (decoder inside) compiled
for fp32, bf16 or int8."""
import os
import os.path as osp
import threading
from typing import Optional, Tuple

import numpy as np

from .backend_selection import check_backend_precision

#: OpenVINO's inference precision for each of our precisions. int8 runs the
#: quantised (QDQ) graph; its float parts stay float32.
INFERENCE_PRECISION = dict(fp32='f32', bf16='bf16', int8='f32')


class OpenVINOSession:
    """A compiled OpenVINO model: crops in, keypoints and scores out.

    Args:
        model_file (str): ``.onnx`` (from :func:`export_onnx` or, for int8,
            :func:`quantize_int8`) or an OpenVINO IR ``.xml`` made from one
            by :func:`export_openvino`.
        precision (str): ``'fp32'``, ``'bf16'`` (OpenVINO's bf16 inference
            precision: convolutions and matrix products in bfloat16) or
            ``'int8'`` (``model_file`` must be quantised). Defaults to
            ``'fp32'``.
        threads (int, optional): CPU threads (default: PyTorch's).

    Safe to call from several threads (an infer request per thread).

    Call: ``session(crops)`` with float32 (N, 3, h, w) BGR 0-255 crops
    returns keypoints (N, K, 2) and scores (N, K), and the visibility
    probabilities (N, K) of a model exported with them.
    """

    def __init__(self, model_file: str, precision: str = 'fp32',
                 threads: Optional[int] = None) -> None:
        import openvino as ov
        import torch
        check_backend_precision('openvino', precision, auto=False)
        if not osp.isfile(model_file):
            raise FileNotFoundError(f'model file {model_file} not found')
        core = ov.Core()
        self.model = core.compile_model(
            core.read_model(model_file), 'CPU', {
                'INFERENCE_PRECISION_HINT': INFERENCE_PRECISION[precision],
                'PERFORMANCE_HINT': 'LATENCY',
                'INFERENCE_NUM_THREADS': threads or torch.get_num_threads(),
            })
        # one infer request per calling thread: a request holds its
        # inputs and outputs, so threads must not share one
        self._requests = threading.local()
        names = [output.get_any_name() for output in self.model.outputs]
        self.outputs = [
            names.index(name) for name in ('keypoints', 'scores', 'visible')
            if name in names
        ]

    def __call__(self, crops: np.ndarray) -> Tuple[np.ndarray, ...]:
        request = getattr(self._requests, 'request', None)
        if request is None:
            request = self._requests.request = (
                self.model.create_infer_request())
        results = request.infer(
            dict(crops=np.ascontiguousarray(crops, np.float32)))
        return tuple(
            np.array(results[self.model.outputs[i]]) for i in self.outputs)


def export_openvino(onnx_file: str, out_file: str) -> str:
    """Convert an exported ``.onnx`` (fp32 or QDQ int8) to an OpenVINO IR
    (``out_file`` ``.xml`` and its ``.bin`` beside it), weights kept in
    float32 (no fp16 compression)."""
    import openvino as ov
    if not out_file.endswith('.xml'):
        raise ValueError(f'an OpenVINO IR is a .xml file, got {out_file}')
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    ov.save_model(ov.convert_model(onnx_file), out_file,
                  compress_to_fp16=False)
    return out_file
