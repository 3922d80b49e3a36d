# Copyright (c) hih_mmpose contributors. All rights reserved.
from .cell_decimal_branch import CellDecimalBranch, gather_cell_windows
from .hih_blocks import HIHBottleneck, HIHDownBlock
from .param_count import count_parameters, count_published_parameters

__all__ = [
    'CellDecimalBranch', 'HIHBottleneck', 'HIHDownBlock', 'count_parameters',
    'count_published_parameters', 'gather_cell_windows'
]
