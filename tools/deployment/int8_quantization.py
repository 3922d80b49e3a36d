# Copyright (c) hih_mmpose contributors. All rights reserved.
"""int8 quantisation of a HIH model for tools/deployment/export_onnx.py:
ONNX Runtime static quantisation (QDQ), calibrated on face crops of the
config's training set run through its test pipeline (which
precision_eval.py also uses for its inputs)."""
import os
import os.path as osp
import tempfile
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config, ConfigDict
from torch import nn

from hih_mmpose.deployment import export_onnx


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
    if not isinstance(num, int) or isinstance(num, bool) or num < 1:
        raise ValueError(f'int8 calibration needs at least 1 face, got '
                         f'{num!r} (--calib-images / calib_images)')
    ann_file = osp.join(dataset_cfg.get('data_root') or '',
                        dataset_cfg.get('ann_file', ''))
    if not osp.isfile(ann_file):
        # (mmpose's dataset would stop with a bare AssertionError)
        raise FileNotFoundError(
            'int8 calibration reads faces of the config\'s training set, '
            f'whose annotation file {ann_file} was not found. Prepare the '
            'dataset, or quantise where it is and pass the int8 .onnx file')
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


