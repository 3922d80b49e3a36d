# Copyright (c) hih_mmpose contributors. All rights reserved.
from .hih_decoding import (DECIMAL_DECODES, argmax_2d, argmax_2d_torch,
                           decimal_expectation, decode_hih, decode_hih_torch)
from .hih_label import HIHLabel
from .hih_targets import (decimal_bins_in_cells, decimal_targets_torch,
                          gaussian_heatmaps, gaussian_window,
                          split_coordinates)

__all__ = [
    'HIHLabel', 'DECIMAL_DECODES', 'argmax_2d', 'argmax_2d_torch',
    'decimal_expectation', 'decode_hih', 'decode_hih_torch',
    'decimal_bins_in_cells', 'decimal_targets_torch', 'gaussian_heatmaps',
    'gaussian_window', 'split_coordinates'
]
