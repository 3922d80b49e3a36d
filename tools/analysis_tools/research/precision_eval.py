# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Accuracy of one checkpoint run in several precisions, from the decoded
keypoints alone: NME, the decimal interval and integer cell accuracies,
and how far each keypoint moved from the float32 result."""
from collections import OrderedDict
from typing import Dict, Tuple

import numpy as np
from torch import nn

from hih_mmpose.codecs.hih_targets import (decimal_bins_in_cells,
                                           split_coordinates)
from research.decoder_ablation import crop_nme


def keypoint_intervals(crop_keypoints: np.ndarray, stride: float,
                       decimal_size: Tuple[int, int]
                       ) -> Tuple[np.ndarray, np.ndarray]:
    """Integer cell and decimal interval a HIH decode chose, recovered from
    its keypoints.

    The argmax decode gives ``(cell + bin / decimal_size) * stride - 0.5``
    crop pixels, so both parts are exact functions of the keypoint (for
    the other decodes the nearest cell and interval).

    Args:
        crop_keypoints (np.ndarray): Decoded keypoints in crop pixels
            (..., 2).
        stride (float): Input pixels per heatmap cell.
        decimal_size (tuple): Decimal map size (w, h).

    Returns:
        tuple: ``cells`` and ``bins`` (..., 2) int64, (x, y).
    """
    size = np.asarray(decimal_size)
    scaled = np.round((crop_keypoints + 0.5) / stride * size).astype(np.int64)
    return scaled // size, scaled % size


def precision_report(crop_keypoints: Dict[str, np.ndarray],
                     truth: Dict[str, np.ndarray],
                     metric: nn.Module,
                     stride: float,
                     decimal_size: Tuple[int, int],
                     decimal_sigma: float,
                     reference: str = 'fp32') -> 'OrderedDict[str, dict]':
    """Accuracy of each precision's keypoints on the same test faces.

    Args:
        crop_keypoints (dict): Precision name -> keypoints (N, K, 2) in crop
            pixels (a crop runner's output).
        truth (dict): Ground truth as
            :func:`~research.decoder_ablation.sample_truth` gives it.
        metric (FaceAlignmentMetric): Gives the normalising distance.
        stride (float): Input pixels per heatmap cell.
        decimal_size (tuple): Decimal map size (w, h).
        decimal_sigma (float): The codec's decimal sigma (tie rule).
        reference (str): Precision the displacements are measured from.
            Defaults to ``'fp32'``.

    Returns:
        OrderedDict: per precision, ``nme`` (fraction), ``acc_decimal``
        (decimal interval top-1, as in the decoder ablation), ``acc_cell``
        (integer argmax = true cell) and, for the others, displacement from
        ``reference`` in crop pixels: ``moved_median``, ``moved_p99``,
        ``moved_max`` and ``moved_share`` (keypoints that moved at all).
    """
    visible = truth['visible']
    gt_coords = truth['gt_coords']
    heatmap_size = (truth['input_size'] / stride).astype(np.int64)
    # the cell the codec encodes (carry included), as the decoder ablation
    true_cells, _ = split_coordinates(gt_coords, heatmap_size, decimal_size,
                                      decimal_sigma)
    report = OrderedDict()
    for name, keypoints in crop_keypoints.items():
        cells, bins = keypoint_intervals(keypoints, stride, decimal_size)
        true_bins = decimal_bins_in_cells(gt_coords, cells, decimal_size,
                                          decimal_sigma)
        row = dict(
            nme=crop_nme(keypoints, truth, metric),
            acc_decimal=float(np.all(bins == true_bins, -1)[visible].mean()),
            acc_cell=float(np.all(cells == true_cells, -1)[visible].mean()))
        if name != reference and reference in crop_keypoints:
            moved = np.linalg.norm(
                keypoints - crop_keypoints[reference], axis=-1)[visible]
            row.update(
                moved_median=float(np.median(moved)),
                moved_p99=float(np.percentile(moved, 99)),
                moved_max=float(moved.max()),
                moved_share=float((moved > 1e-3).mean()))
        report[name] = row
    return report


def format_precision_report(report: Dict[str, dict]) -> str:
    """The report as a text table (NME and accuracies in %)."""
    lines = [
        f'{"precision":<10}{"NME %":>8}{"vs ref":>9}{"decimal acc %":>15}'
        f'{"cell acc %":>12}   displacement from the reference, crop px: '
        'median / p99 / max (share moved)'
    ]
    reference = next(iter(report.values()))['nme']
    for name, row in report.items():
        line = (f'{name:<10}{100 * row["nme"]:8.3f}'
                f'{100 * (row["nme"] / reference - 1):+8.1f}%'
                f'{100 * row["acc_decimal"]:15.1f}'
                f'{100 * row["acc_cell"]:12.1f}')
        if 'moved_max' in row:
            line += (f'   {row["moved_median"]:.3f} / {row["moved_p99"]:.3f}'
                     f' / {row["moved_max"]:.3f} '
                     f'({100 * row["moved_share"]:.1f} %)')
        lines.append(line)
    return '\n'.join(lines)
