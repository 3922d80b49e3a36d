# Copyright (c) hih_mmpose contributors. All rights reserved.
from .hih_blocks import HIHBottleneck, HIHDownBlock
from .param_count import count_parameters, count_published_parameters

__all__ = [
    'HIHBottleneck', 'HIHDownBlock', 'count_parameters',
    'count_published_parameters'
]
