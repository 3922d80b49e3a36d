# Copyright (c) hih_mmpose contributors. All rights reserved.
from .hih_label import HIHLabel
from .hih_utils import (argmax_2d, argmax_2d_torch, decimal_bin_accuracy,
                        decimal_bins_in_cells, decimal_targets_torch,
                        decode_hih, decode_hih_torch, gaussian_heatmaps,
                        gaussian_window, split_coordinates)

__all__ = [
    'HIHLabel', 'argmax_2d', 'argmax_2d_torch', 'decimal_bin_accuracy',
    'decimal_bins_in_cells', 'decimal_targets_torch', 'decode_hih',
    'decode_hih_torch', 'gaussian_heatmaps', 'gaussian_window',
    'split_coordinates'
]
