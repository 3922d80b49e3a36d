# Copyright (c) hih_mmpose contributors. All rights reserved.
from .hih_label import HIHLabel
from .hih_utils import (decode_hih, decode_hih_torch, gaussian_heatmaps,
                        gaussian_window, split_coordinates)

__all__ = [
    'HIHLabel', 'decode_hih', 'decode_hih_torch', 'gaussian_heatmaps',
    'gaussian_window', 'split_coordinates'
]
