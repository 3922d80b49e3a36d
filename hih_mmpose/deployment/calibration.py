# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Face crops of a dataset through a test pipeline: int8 calibration data
and the inputs of the precision evaluation."""
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config, ConfigDict


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


