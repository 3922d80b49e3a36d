# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Face crops in, keypoints out, in a chosen backend and precision: PyTorch
(fp32 with BN folded and channels-last, bf16 autocast on oneDNN), ONNX
Runtime (fp32, int8 quantised) or OpenVINO (fp32, bf16, int8)."""
import copy
import os.path as osp
import tempfile
from typing import Optional, Tuple

import numpy as np
import torch
from torch import Tensor, nn

from .backend_selection import PRECISIONS, check_backend_precision
from .fast_inference import optimize_for_inference
from .model_fingerprint import check_exported_model
from .onnx_export import HIHDeployModel, export_onnx
from .openvino_runtime import OpenVINOSession
from .quantization import quantize_int8

__all__ = ['PRECISIONS', 'CropPredictor', 'Bf16Network']


class Float32(nn.Module):
    """Runs the wrapped module in float32 inside a bf16 autocast region."""

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        self.module = module

    def forward(self, x: Tensor) -> Tensor:
        with torch.autocast('cpu', enabled=False):
            return self.module(x.float())


class Bf16Network(nn.Module):
    """A :class:`HIHDeployModel` run in bfloat16 under CPU autocast
    (oneDNN bf16 kernels on AVX512-BF16 / AMX), decoded in float32.

    With ``keep_float``, the last stage's integer heatmap convolution and
    the decimal branch's output layer run in float32 (their argmaxes are
    the coordinate, and bf16's 8-bit mantissa could make near-peak values
    tie); measured on the synthetic set it makes no difference
    (docs/deployment.md, "Low precision"). ``deploy`` is modified in place.
    """

    def __init__(self, deploy: HIHDeployModel,
                 keep_float: bool = False) -> None:
        super().__init__()
        self.deploy = deploy
        if keep_float:
            layers = deploy.backbone.heatmap_layers
            layers[-1] = Float32(layers[-1])
            branch = getattr(deploy.head, 'decimal_layers', None)
            if hasattr(branch, 'fc_out'):
                branch.fc_out = Float32(branch.fc_out)

    def forward(self, crops: Tensor) -> Tuple[Tensor, ...]:
        with torch.autocast('cpu', dtype=torch.bfloat16):
            outputs = self.deploy(crops)
        return tuple(output.float() for output in outputs)


class CropPredictor:
    """Face crops in, keypoints out, in a chosen backend and precision.

    Args:
        model (nn.Module): A ``TopdownPoseEstimator`` with an HIH head
            (eval mode, CPU). Not modified (copied where it is rewritten).
        precision (str): ``'fp32'``, ``'bf16'`` or ``'int8'`` (which
            backends run which: :data:`BACKEND_PRECISIONS`). Defaults to
            ``'fp32'``.
        onnx_file (str, optional): For ONNX Runtime / OpenVINO: the
            exported model (``tools/deployment/export_onnx.py``; quantised
            with ``--int8`` for int8; an OpenVINO ``.xml`` IR for
            OpenVINO). Without it the model is exported here (and for int8
            quantised, which needs ``calib_crops``).
        calib_crops (np.ndarray, optional): Calibration crops for
            quantising here.
        threads (int, optional): ONNX Runtime / OpenVINO threads (default:
            PyTorch's).
        backend (str, optional): ``'torch'`` (fp32: BN folded,
            channels-last; bf16: :class:`Bf16Network`), ``'onnxruntime'``
            or ``'openvino'`` (:class:`OpenVINOSession`). Defaults to
            ``None``: ``'onnxruntime'`` for int8, else ``'torch'``.

    Call: ``predictor(crops)`` with float32 (N, 3, h, w) BGR 0-255 crops
    returns keypoints (N, K, 2) in crop pixels and scores (N, K) as numpy
    arrays (no flip test), and for a model with a visibility head (and an
    ONNX file exported with it) the visibility probabilities (N, K).
    """

    def __init__(self,
                 model: nn.Module,
                 precision: str = 'fp32',
                 onnx_file: Optional[str] = None,
                 calib_crops: Optional[np.ndarray] = None,
                 threads: Optional[int] = None,
                 backend: Optional[str] = None) -> None:
        backend = backend or ('onnxruntime'
                              if precision == 'int8' else 'torch')
        check_backend_precision(backend, precision, auto=False)
        self.precision = precision
        self.backend = backend
        self.network = None
        self.session = None
        self.onnx_file = None  # the model file an ONNX backend runs
        if backend == 'torch':
            fast = optimize_for_inference(copy.deepcopy(model).cpu())
            deploy = HIHDeployModel(fast).eval()
            self.network = (Bf16Network(deploy)
                            if precision == 'bf16' else deploy)
            return
        if onnx_file is None:
            self._tmp = tempfile.TemporaryDirectory()
            onnx_file = osp.join(self._tmp.name, f'{precision}.onnx')
            if precision == 'int8':
                if calib_crops is None:
                    raise ValueError(
                        "precision='int8' needs a quantised model "
                        '(onnx_file=...) or calibration crops '
                        '(calib_crops=...) to quantise one')
                quantize_int8(model, onnx_file, calib_crops,
                              tuple(calib_crops.shape[:1:-1]))
            else:
                export_onnx(copy.deepcopy(model).cpu().eval(), onnx_file,
                            model.head.decoder.input_size)
        elif not osp.isfile(onnx_file):
            raise FileNotFoundError(f'ONNX model {onnx_file} not found')
        else:  # the user's file: the model, precision and size they named
            check_exported_model(onnx_file, model, precision,
                                 model.head.decoder.input_size)
        self.onnx_file = onnx_file
        if backend == 'onnxruntime' and onnx_file.endswith('.xml'):
            raise ValueError(f'{onnx_file} is an OpenVINO IR: run it with '
                             "backend='openvino', or give ONNX Runtime the "
                             '.onnx file')
        if backend == 'onnxruntime':
            self.session = _ort_session(onnx_file, threads)
        else:
            self.session = OpenVINOSession(onnx_file, precision, threads)

    def __call__(self, crops: np.ndarray) -> Tuple[np.ndarray, ...]:
        crops = np.ascontiguousarray(crops, np.float32)
        if self.session is not None:
            return self.session(crops)
        with torch.inference_mode():
            outputs = self.network(torch.from_numpy(crops))
        return tuple(output.float().numpy() for output in outputs)


def _ort_session(onnx_file: str, threads: Optional[int] = None):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or torch.get_num_threads()
    # no busy-waiting threads between calls (they would slow down PyTorch
    # work done in between, e.g. the detector or the crop warping)
    options.add_session_config_entry('session.intra_op.allow_spinning', '0')
    session = ort.InferenceSession(onnx_file, options,
                                   providers=['CPUExecutionProvider'])

    names = [output.name for output in session.get_outputs()]
    order = [names.index(name) for name in ('keypoints', 'scores', 'visible')
             if name in names]

    def run(crops: np.ndarray) -> Tuple[np.ndarray, ...]:
        outputs = session.run(None, dict(crops=crops))
        return tuple(outputs[i] for i in order)

    return run
