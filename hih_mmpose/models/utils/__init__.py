# Copyright (c) hih_mmpose contributors. All rights reserved.
from .cell_decimal_branch import CellDecimalBranch, gather_cell_windows
from .hih_blocks import HIHBottleneck, HIHDownBlock

# (param_count.py, the paper's parameter count, is imported where used)
__all__ = [
    'CellDecimalBranch', 'HIHBottleneck', 'HIHDownBlock',
    'gather_cell_windows'
]
