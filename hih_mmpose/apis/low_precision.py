# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Low-precision inference of a HIH model: bf16 (PyTorch on oneDNN) and
int8 (ONNX Runtime static quantisation, QDQ), behind one crop predictor."""
import os
import os.path as osp
import tempfile
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config, ConfigDict
from torch import Tensor, nn

from .fast_inference import optimize_for_inference
from .onnx_export import HIHDeployModel, export_onnx

PRECISIONS = ('fp32', 'bf16', 'int8')


def dataset_crops(dataset_cfg: ConfigDict,
                  pipeline: Sequence[dict],
                  num: Optional[int] = None,
                  progress: bool = False) -> Tuple[np.ndarray, List]:
    """Face crops of a dataset run through a (test) pipeline.

    Args:
        dataset_cfg (ConfigDict): An mmpose dataset config (e.g. a config's
            ``train_dataloader.dataset``); its own pipeline is replaced.
        pipeline (Sequence[dict]): Pipeline ending in ``PackPoseInputs``,
            e.g. the config's ``val_pipeline``.
        num (int, optional): Take this many samples, evenly spread over the
            dataset (all if ``None`` or more than it has).
        progress (bool): Show a progress bar. Defaults to ``False``.

    Returns:
        tuple: ``crops`` float32 (N, 3, h, w) BGR 0-255 (what
        :class:`HIHDeployModel` takes) and the N packed data samples.
    """
    from mmengine.registry import init_default_scope
    from mmengine.utils import ProgressBar

    from mmpose.registry import DATASETS
    init_default_scope('mmpose')
    dataset_cfg = dataset_cfg.copy()
    dataset_cfg.pipeline = list(pipeline)
    dataset_cfg.pop('indices', None)
    dataset = DATASETS.build(dataset_cfg)
    if len(dataset) == 0:
        raise ValueError('the dataset has no samples to take crops from')
    count = len(dataset) if num is None else min(num, len(dataset))
    indices = np.linspace(0, len(dataset) - 1, count).round().astype(int)
    crops, samples = [], []
    bar = ProgressBar(count) if progress else None
    for index in indices:
        packed = dataset[int(index)]
        crops.append(packed['inputs'].float().numpy())
        samples.append(packed['data_samples'])
        if bar is not None:
            bar.update()
    return np.stack(crops), samples


def calibration_crops(config: Config, num: int = 64,
                      progress: bool = True) -> np.ndarray:
    """int8 calibration crops: ``num`` faces of the config's *training*
    set through its test pipeline (no augmentation), as float32
    (N, 3, h, w) BGR 0-255."""
    dataset_cfg = config.train_dataloader.dataset
    pipeline = config.test_dataloader.dataset.pipeline
    try:
        crops, _ = dataset_crops(dataset_cfg, pipeline, num, progress)
    except FileNotFoundError as error:
        raise FileNotFoundError(
            'int8 calibration reads faces of the config\'s training set '
            f'({dataset_cfg.get("data_root", "")}'
            f'{dataset_cfg.get("ann_file", "")}), which was not found: '
            f'{error}. Prepare the dataset, or quantise where it is and '
            'pass the int8 .onnx file') from error
    return crops


def sensitive_nodes(onnx_file: str, model: nn.Module) -> List[str]:
    """ONNX node names of the layers kept in float by :func:`quantize_int8`:
    the convolution that makes the last stage's integer heatmaps (its argmax
    is the integer coordinate). The decimal branch's layers are matrix
    products, which are not quantised at all."""
    import onnx
    last = len(model.backbone.heatmap_layers) - 1
    prefix = f'/backbone/heatmap_layers.{last}/'
    names = [
        node.name for node in onnx.load(onnx_file).graph.node
        if node.name.startswith(prefix)
    ]
    if not names:
        raise RuntimeError(f'no ONNX node named {prefix}* in {onnx_file}')
    return names


def quantize_int8(model: nn.Module,
                  out_file: str,
                  calib_crops: np.ndarray,
                  input_size: Tuple[int, int],
                  keep_float: bool = False,
                  opset: int = 17) -> str:
    """Export ``model`` with the HIH decoder and quantise it to int8.

    ONNX Runtime static quantisation in QDQ format: per-channel int8
    weights and uint8 activations of every convolution, activation ranges
    calibrated (MinMax) on ``calib_crops``; on CPUs with AVX512-VNNI the
    quantised convolutions run on VNNI kernels. The decoder (argmax) and
    the decimal branch's matrix products stay float32.

    Args:
        model (nn.Module): A ``TopdownPoseEstimator`` with an HIH head.
        out_file (str): Output ``.onnx`` file (inputs and outputs as
            :func:`export_onnx`).
        calib_crops (np.ndarray): Calibration crops (N, 3, h, w) float32 BGR
            0-255 (see :func:`calibration_crops`).
        input_size (tuple): Crop size (w, h).
        keep_float (bool): Keep :func:`sensitive_nodes` in float32.
            Measured on the synthetic set it makes no difference (README,
            "Low precision"). Defaults to ``False``.
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
        excluded = sensitive_nodes(prepared, model) if keep_float else []
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
    tie); measured on the synthetic set it makes no difference (README,
    "Low precision"). ``deploy`` is modified in place.
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

    def forward(self, crops: Tensor) -> Tuple[Tensor, Tensor]:
        with torch.autocast('cpu', dtype=torch.bfloat16):
            keypoints, scores = self.deploy(crops)
        return keypoints.float(), scores.float()


class CropPredictor:
    """Face crops in, keypoints out, in a chosen precision.

    Args:
        model (nn.Module): A ``TopdownPoseEstimator`` with an HIH head
            (eval mode, CPU). Not modified (copied where it is rewritten).
        precision (str): ``'fp32'`` (PyTorch, BN folded, channels-last),
            ``'bf16'`` (:class:`Bf16Network`) or ``'int8'`` (ONNX Runtime,
            :func:`quantize_int8`). Defaults to ``'fp32'``.
        onnx_file (str, optional): For ``'int8'``: a quantised model made by
            :func:`quantize_int8` (``tools/deployment/export_onnx.py
            --int8``). Without it the model is quantised here, which needs
            ``calib_crops``.
        calib_crops (np.ndarray, optional): Calibration crops for
            quantising here.
        threads (int, optional): ONNX Runtime threads (default: PyTorch's).

    Call: ``predictor(crops)`` with float32 (N, 3, h, w) BGR 0-255 crops
    returns keypoints (N, K, 2) in crop pixels and scores (N, K) as numpy
    arrays (no flip test).
    """

    def __init__(self,
                 model: nn.Module,
                 precision: str = 'fp32',
                 onnx_file: Optional[str] = None,
                 calib_crops: Optional[np.ndarray] = None,
                 threads: Optional[int] = None) -> None:
        import copy
        if precision not in PRECISIONS:
            raise ValueError(f'precision must be one of {PRECISIONS}, got '
                             f'{precision!r}')
        self.precision = precision
        self.network = None
        self.session = None
        if precision == 'int8':
            if onnx_file is None:
                if calib_crops is None:
                    raise ValueError(
                        "precision='int8' needs a quantised model "
                        '(onnx_file=...) or calibration crops '
                        '(calib_crops=...) to quantise one')
                self._tmp = tempfile.TemporaryDirectory()
                onnx_file = quantize_int8(
                    model, osp.join(self._tmp.name, 'int8.onnx'),
                    calib_crops, tuple(calib_crops.shape[:1:-1]))
            elif not osp.isfile(onnx_file):
                raise FileNotFoundError(f'ONNX model {onnx_file} not found')
            self.session = _ort_session(onnx_file, threads)
            return
        fast = optimize_for_inference(copy.deepcopy(model).cpu())
        deploy = HIHDeployModel(fast).eval()
        self.network = Bf16Network(deploy) if precision == 'bf16' else deploy

    def __call__(self, crops: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        crops = np.ascontiguousarray(crops, np.float32)
        if self.session is not None:
            keypoints, scores = self.session.run(None, dict(crops=crops))
            return keypoints, scores
        with torch.inference_mode():
            keypoints, scores = self.network(torch.from_numpy(crops))
        return keypoints.float().numpy(), scores.float().numpy()


def _ort_session(onnx_file: str, threads: Optional[int] = None):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or torch.get_num_threads()
    # no busy-waiting threads between calls (they would slow down PyTorch
    # work done in between, e.g. the detector or the crop warping)
    options.add_session_config_entry('session.intra_op.allow_spinning', '0')
    return ort.InferenceSession(onnx_file, options,
                                providers=['CPUExecutionProvider'])
