# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The decoders the ablation compares, on hand-made heatmaps."""
import numpy as np

from research.heatmap_decoders import (
    decode_cell_centres, decode_dark, decode_decimal_oracle,
    decode_quarter_offset, integer_cell_accuracy)


def gaussian_map(cx: float, cy: float, size: int = 32,
                 sigma: float = 1.5) -> np.ndarray:
    """A Gaussian centred at heatmap *index* (cx, cy) (mmpose's pixel
    convention), shape (1, 1, size, size)."""
    y, x = np.mgrid[0:size, 0:size]
    return np.exp(-((x - cx)**2 + (y - cy)**2) /
                  (2 * sigma**2))[None, None].astype(np.float32)


def test_cell_centre_and_quarter_offset():
    heatmaps = np.zeros((1, 2, 16, 16), np.float32)
    heatmaps[0, 0, 7, 5] = 1.
    heatmaps[0, 0, 7, 6] = 0.5  # right neighbour higher: +0.25 in x
    heatmaps[0, 0, 6, 5] = 0.4  # upper neighbour higher: -0.25 in y
    heatmaps[0, 1, 3, 9] = 1.
    np.testing.assert_allclose(decode_cell_centres(heatmaps)[0],
                               [[5.5, 7.5], [9.5, 3.5]])
    np.testing.assert_allclose(decode_quarter_offset(heatmaps)[0],
                               [[5.75, 7.25], [9.5, 3.5]])


def test_dark_recovers_a_gaussian_centre():
    """A Gaussian centred at index 10.3, 14.8 is at 10.8, 15.3 in HIH
    units (cell i's centre is i + 0.5)."""
    heatmaps = gaussian_map(10.3, 14.8)
    np.testing.assert_allclose(decode_dark(heatmaps, 3)[0, 0], [10.8, 15.3],
                               atol=0.03)
    np.testing.assert_allclose(decode_cell_centres(heatmaps)[0, 0],
                               [10.5, 15.5])


def test_oracle_and_cell_accuracy():
    """True decimal interval in the predicted cell; a decimal part that
    rounds up to a whole cell belongs to the next cell, bin 0; a keypoint
    outside the predicted cell gets the nearest edge interval."""
    heatmaps = np.zeros((1, 2, 32, 32), np.float32)
    heatmaps[0, 0, 21, 12] = 1.  # cell (12, 21)
    heatmaps[0, 1, 5, 5] = 1.  # cell (5, 5)
    gt = np.array([[[12.30, 20.97], [5.5, 6.2]]])
    oracle = decode_decimal_oracle(heatmaps, gt, (8, 8))
    # x: 0.30 * 8 = 2.4 -> bin 2; y: 0.97 * 8 = 7.76 -> cell 21, bin 0
    np.testing.assert_allclose(oracle[0, 0], [12.25, 21.0])
    # keypoint 1: cell (5, 5) predicted, true cell (5, 6): the bottom edge
    np.testing.assert_allclose(oracle[0, 1], [5.5, 5 + 7 / 8])
    np.testing.assert_array_equal(
        integer_cell_accuracy(heatmaps, gt, (8, 8)), [[True, False]])
