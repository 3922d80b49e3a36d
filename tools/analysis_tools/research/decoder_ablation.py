# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Decode one HIH checkpoint's maps several ways on a test set.

What the decimal heatmap adds is measured against decoders that read the
integer heatmap alone (its argmax cell centre, mmpose's quarter offset and
DARK refinements) and against an oracle that takes the true decimal
interval, all on the same last-stage maps, without flip test.
"""
from collections import OrderedDict
from typing import Dict, Iterable, Optional, Sequence

import numpy as np
import torch
from mmengine.utils import ProgressBar
from torch import nn

from hih_mmpose.codecs.hih_decoding import argmax_2d, decode_hih
from hih_mmpose.codecs.hih_targets import decimal_bins_in_cells
from hih_mmpose.evaluation.functional import landmark_errors, per_image_nme
from research.heatmap_decoders import (decode_cell_centres,
                                                      decode_dark,
                                                      decode_decimal_oracle,
                                                      decode_quarter_offset,
                                                      integer_cell_accuracy)
from hih_mmpose.models.heads import landmark_maps
from hih_mmpose.runtime.crops import crop_to_image, image_to_crop


def keypoints_in_crop(sample) -> np.ndarray:
    """A packed test sample's ground-truth keypoints (1, K, 2) mapped from
    the image into its input crop (input pixels), as ``TopdownAffine``
    maps them (no rotation at test time)."""
    meta = sample.metainfo
    return image_to_crop(
        np.asarray(sample.gt_instances.keypoints, np.float64),
        np.asarray(meta['input_center'], np.float64)[None],
        np.asarray(meta['input_scale'], np.float64)[None],
        np.asarray(meta['input_size'], np.float64))


#: WFLW landmark groups the ablation reports separately
LANDMARK_GROUPS = OrderedDict(
    contour=list(range(33)),
    brows=list(range(33, 51)),
    nose=list(range(51, 60)),
    eyes=list(range(60, 76)) + [96, 97],
    mouth=list(range(76, 96)))


def crop_nme(crop_keypoints: np.ndarray, truth: Dict[str, np.ndarray],
             metric: nn.Module,
             keypoints: Optional[Sequence[int]] = None) -> float:
    """Mean NME of keypoints given in crop pixels.

    Args:
        crop_keypoints (np.ndarray): Predictions in input-crop pixels
            (N, K, 2).
        truth (dict): ``gt_keypoints`` (N, K, 2) in image pixels,
            ``visible`` (N, K), ``bboxes`` (N, 4), ``input_center`` /
            ``input_scale`` (N, 2) and ``input_size`` (2, ), as
            :func:`collect_maps` returns them.
        metric (FaceAlignmentMetric): Gives the normalising distance.
        keypoints (Sequence[int], optional): Only these keypoints (a
            landmark group). Defaults to all.

    Returns:
        float: Mean per-face NME (a fraction); faces without a visible
        keypoint are left out, as in ``FaceAlignmentMetric``.
    """
    gt = truth['gt_keypoints']
    image = crop_to_image(crop_keypoints, truth['input_center'],
                          truth['input_scale'], truth['input_size'])
    norm = metric.norm_distance(gt, truth['bboxes'])
    visible = truth['visible'].copy()
    if keypoints is not None:
        chosen = np.zeros(visible.shape[1], bool)
        chosen[list(keypoints)] = True
        visible &= chosen
    return float(np.nanmean(per_image_nme(landmark_errors(image, gt, norm),
                                          visible)))


def sample_truth(samples: Sequence, stride: float) -> Dict[str, np.ndarray]:
    """Ground truth of packed test samples, as :func:`collect_maps` keeps
    it (all keys but the maps)."""
    truth = {key: [] for key in ('gt_coords', 'gt_keypoints', 'visible',
                                 'bboxes', 'input_center', 'input_scale')}
    for sample in samples:
        meta = sample.metainfo
        truth['gt_coords'].append(
            (keypoints_in_crop(sample)[0] + 0.5) / stride)
        truth['gt_keypoints'].append(
            np.asarray(sample.gt_instances.keypoints, np.float64)[0])
        truth['visible'].append(
            np.asarray(sample.gt_instances.keypoints_visible)[0] > 0)
        truth['bboxes'].append(
            np.asarray(sample.gt_instances.bboxes).reshape(-1)[:4])
        truth['input_center'].append(
            np.asarray(meta['input_center'], np.float64))
        truth['input_scale'].append(
            np.asarray(meta['input_scale'], np.float64))
    truth = {key: np.stack(value) for key, value in truth.items()}
    truth['input_size'] = np.asarray(samples[0].metainfo['input_size'],
                                     np.float64)
    return truth


@torch.no_grad()
def collect_maps(model: nn.Module, data_loader: Iterable,
                 progress: bool = True) -> Dict[str, np.ndarray]:
    """Run ``model`` (a top-down estimator with an HIH head, eval mode) on
    every batch and keep the last-stage maps and the ground truth.

    Note:

        - faces: N
        - keypoint number: K

    Returns:
        dict: ``integer_heatmaps`` (N, K, H, W), ``decimal_logits``
        (N, K, Hd, Wd), ``gt_coords`` (N, K, 2) true keypoints in heatmap
        units of the crop, ``gt_keypoints`` (N, K, 2) in image pixels,
        ``visible`` (N, K), ``bboxes`` (N, 4), ``input_center`` /
        ``input_scale`` (N, 2) and ``input_size`` (2, ).
    """
    keys = ('integer_heatmaps', 'decimal_logits')
    collected = {key: [] for key in keys}
    samples = []
    bar = ProgressBar(len(data_loader.dataset)) if progress else None
    for batch in data_loader:
        data = model.data_preprocessor(batch, False)
        integer_heatmaps, decimal_logits = landmark_maps(
            model.head, model.extract_feat(data['inputs']))
        collected['integer_heatmaps'].append(integer_heatmaps.float().cpu())
        collected['decimal_logits'].append(decimal_logits.float().cpu())
        samples.extend(data['data_samples'])
        if bar is not None:
            bar.update(len(data['data_samples']))
    maps = {key: torch.cat(value).numpy() for key, value in collected.items()}
    maps.update(sample_truth(samples, model.head.decoder.stride))
    return maps


def decoder_ablation(maps: Dict[str, np.ndarray],
                     metric: nn.Module,
                     stride: float,
                     mask_decimal: bool = True,
                     decimal_sigma: float = 1.0,
                     dark_kernels: Sequence[int] = (3, )) -> OrderedDict:
    """NME of each decoder on the same maps, and the decimal accuracy.

    Args:
        maps (dict): What :func:`collect_maps` returns.
        metric (FaceAlignmentMetric): Gives the normalising distance
            (its ``dataset_meta`` set).
        stride (float): Input pixels per heatmap cell.
        mask_decimal (bool): The codec's ``mask_decimal``, for the HIH row.
        decimal_sigma (float): The codec's decimal sigma.
        dark_kernels (Sequence[int]): DARK blur kernel sizes, one row each.

    Returns:
        OrderedDict: ``NME/<decoder>`` for ``hih`` (the argmax decode),
        ``hih_expectation`` (the expected decimal interval),
        ``cell_centre``, ``quarter_offset``, ``dark_k<size>``,
        ``hih_expectation_dark_k<size>`` (the codec's
        ``'expectation_dark'``: the mean of the expectation decode and DARK
        with that kernel) and ``decimal_oracle``, and for
        98-point faces ``NME/<decoder>/<group>`` for the
        :data:`LANDMARK_GROUPS`;
        ``acc_decimal`` (top-1 interval accuracy: the decimal argmax is the
        interval of the true keypoint in the argmax cell, its nearest edge
        interval if it lies in another cell; chance ``1 / (Hd * Wd)``),
        ``acc_decimal_right_cell`` (the same on keypoints whose argmax cell
        is the true cell), ``acc_cell`` (argmax cell = true cell) and
        ``chance_decimal``.
    """
    integer_heatmaps = maps['integer_heatmaps']
    decimal_logits = maps['decimal_logits']
    gt_coords = maps['gt_coords']
    decimal_size = decimal_logits.shape[:-3:-1]  # (w, h)
    rows = OrderedDict()
    rows['hih'] = decode_hih(integer_heatmaps, decimal_logits,
                             mask_decimal)[0]
    rows['hih_expectation'] = decode_hih(integer_heatmaps, decimal_logits,
                                         mask_decimal, 'expectation')[0]
    rows['cell_centre'] = decode_cell_centres(integer_heatmaps)
    rows['quarter_offset'] = decode_quarter_offset(integer_heatmaps)
    for kernel in dark_kernels:
        rows[f'dark_k{kernel}'] = decode_dark(integer_heatmaps, kernel)
    # the two estimates averaged (the codec's 'expectation_dark')
    for kernel in dark_kernels:
        rows[f'hih_expectation_dark_k{kernel}'] = decode_hih(
            integer_heatmaps, decimal_logits, mask_decimal,
            'expectation_dark', kernel)[0]
    rows['decimal_oracle'] = decode_decimal_oracle(
        integer_heatmaps, gt_coords, decimal_size, decimal_sigma)

    results = OrderedDict()
    groups = LANDMARK_GROUPS if integer_heatmaps.shape[1] == 98 else {}
    for name, coords in rows.items():
        results[f'NME/{name}'] = crop_nme(coords * stride - 0.5, maps,
                                          metric)
        for group, indices in groups.items():
            results[f'NME/{name}/{group}'] = crop_nme(
                coords * stride - 0.5, maps, metric, indices)

    # the interval the decimal map should name, in the cell it was read at
    cells, _ = argmax_2d(integer_heatmaps)
    bins = decimal_bins_in_cells(gt_coords, cells, decimal_size,
                                 decimal_sigma)
    predicted, _ = argmax_2d(decimal_logits)
    correct = np.all(predicted == bins, axis=-1)
    visible = maps['visible']
    right_cell = integer_cell_accuracy(integer_heatmaps, gt_coords,
                                       decimal_size, decimal_sigma)
    results['acc_decimal'] = float(correct[visible].mean())
    results['acc_decimal_right_cell'] = float(
        correct[visible & right_cell].mean())
    results['chance_decimal'] = 1. / (decimal_size[0] * decimal_size[1])
    results['acc_cell'] = float(right_cell[visible].mean())
    return results


def format_ablation(results: Dict[str, float]) -> str:
    """The ablation as a text table, NME in %."""
    labels = OrderedDict(
        hih='HIH, decimal argmax (published decode)',
        hih_expectation='HIH, expected decimal interval',
        cell_centre='integer argmax, cell centre',
        quarter_offset='integer argmax + mmpose quarter offset',
        decimal_oracle='integer argmax + true interval in that cell (oracle)')
    groups = [group for group in LANDMARK_GROUPS
              if f'NME/hih/{group}' in results]
    lines = [f'{"decoder (same maps, no flip test), NME %":<58}{"all":>7}' +
             ''.join(f'{group:>9}' for group in groups)]
    for key, value in results.items():
        if not key.startswith('NME/') or key.count('/') > 1:
            continue
        name = key[4:]
        if name.startswith('dark_k'):
            label = f'integer heatmap + mmpose DARK (blur {name[6:]})'
        elif name.startswith('hih_expectation_dark_k'):
            label = ('mean of the expected interval and DARK '
                     f'(blur {name[22:]})')
        else:
            label = labels[name]
        lines.append(f'  {label:<56}{100 * value:7.3f}' + ''.join(
            f'{100 * results[f"{key}/{group}"]:9.3f}' for group in groups))
    lines.append(f'decimal interval top-1 accuracy: '
                 f'{100 * results["acc_decimal"]:.1f} % (chance '
                 f'{100 * results["chance_decimal"]:.1f} %; '
                 f'{100 * results["acc_decimal_right_cell"]:.1f} % where '
                 'the integer argmax is the true cell); integer cell '
                 f'accuracy: {100 * results["acc_cell"]:.1f} %')
    return '\n'.join(lines)
