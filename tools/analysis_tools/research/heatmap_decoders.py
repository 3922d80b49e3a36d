# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Other ways to decode HIH's maps, to measure what the decimal map adds.

All functions take one batch of last-stage maps and return coordinates in
*heatmap units* of the HIH convention (cell ``i`` covers ``[i, i + 1)``, so
its centre is ``i + 0.5``); ``HIHLabel`` maps them to input pixels with
``x = stride * u - 0.5``. mmpose's refinements work on heatmap pixel
indices (pixel ``i`` at ``i``); their results are shifted by the half cell.
"""
from typing import Tuple

import numpy as np

from mmpose.codecs.utils import refine_keypoints
from hih_mmpose.codecs.dark_refine import refine_dark
from hih_mmpose.codecs.hih_decoding import argmax_2d
from hih_mmpose.codecs.hih_targets import (decimal_bins_in_cells,
                                           split_coordinates)


def decode_cell_centres(integer_heatmaps: np.ndarray) -> np.ndarray:
    """Centre of the argmax cell: ``argmax + 0.5``.

    Args:
        integer_heatmaps (np.ndarray): Heatmaps in shape (N, K, H, W).

    Returns:
        np.ndarray: Coordinates in heatmap units, (N, K, 2).
    """
    cells, _ = argmax_2d(integer_heatmaps)
    return cells + 0.5


def decode_quarter_offset(integer_heatmaps: np.ndarray) -> np.ndarray:
    """mmpose's ``refine_keypoints``: the argmax moved by a quarter cell
    towards the higher neighbour along each axis.

    Args:
        integer_heatmaps (np.ndarray): Heatmaps in shape (N, K, H, W).

    Returns:
        np.ndarray: Coordinates in heatmap units, (N, K, 2).
    """
    cells, _ = argmax_2d(integer_heatmaps)
    refined = [
        refine_keypoints(cell[None].astype(np.float32), heatmaps)[0]
        for cell, heatmaps in zip(cells, integer_heatmaps)
    ]
    return np.stack(refined) + 0.5


def decode_dark(integer_heatmaps: np.ndarray,
                blur_kernel_size: int = 3) -> np.ndarray:
    """mmpose's ``refine_keypoints_dark`` (DARK: a Newton step on the
    blurred log-heatmap around the argmax).

    Args:
        integer_heatmaps (np.ndarray): Heatmaps in shape (N, K, H, W).
        blur_kernel_size (int): Gaussian blur kernel size of DARK's
            modulation. Defaults to ``3``.

    Returns:
        np.ndarray: Coordinates in heatmap units, (N, K, 2).
    """
    cells, _ = argmax_2d(integer_heatmaps)
    return refine_dark(cells, integer_heatmaps, blur_kernel_size) + 0.5


def decode_decimal_oracle(integer_heatmaps: np.ndarray,
                          gt_coords: np.ndarray,
                          decimal_size: Tuple[int, int],
                          decimal_sigma: float = 1.0) -> np.ndarray:
    """The predicted integer cell plus the *true* decimal interval in that
    cell (the nearest edge interval when the keypoint lies in another
    cell): the best any decimal map can do on these integer heatmaps.

    Args:
        integer_heatmaps (np.ndarray): Heatmaps in shape (N, K, H, W).
        gt_coords (np.ndarray): True coordinates in heatmap units, (N, K, 2).
        decimal_size (tuple): Decimal heatmap size [w, h].
        decimal_sigma (float): The codec's decimal sigma (fixes the tie
            rule of the bins). Defaults to ``1.0``.

    Returns:
        np.ndarray: Coordinates in heatmap units, (N, K, 2).
    """
    cells, _ = argmax_2d(integer_heatmaps)
    bins = decimal_bins_in_cells(gt_coords, cells, decimal_size,
                                 decimal_sigma)
    return cells + bins / np.asarray(decimal_size)


def integer_cell_accuracy(integer_heatmaps: np.ndarray,
                          gt_coords: np.ndarray,
                          decimal_size: Tuple[int, int],
                          decimal_sigma: float = 1.0) -> np.ndarray:
    """Whether each keypoint's argmax cell is its true cell (the cell the
    codec encodes, carry included).

    Args:
        integer_heatmaps (np.ndarray): Heatmaps in shape (N, K, H, W).
        gt_coords (np.ndarray): True coordinates in heatmap units, (N, K, 2).
        decimal_size (tuple): Decimal heatmap size [w, h].
        decimal_sigma (float): The codec's decimal sigma.

    Returns:
        np.ndarray: Boolean array (N, K).
    """
    cells, _ = argmax_2d(integer_heatmaps)
    height, width = integer_heatmaps.shape[-2:]
    true_cells, _ = split_coordinates(gt_coords, (width, height),
                                      decimal_size, decimal_sigma)
    return np.all(cells == true_cells, axis=-1)
