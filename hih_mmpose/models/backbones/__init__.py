# Copyright (c) hih_mmpose contributors. All rights reserved.
from .hih_hourglass import HIHHourglassModule, HIHHourglassNet

__all__ = ['HIHHourglassModule', 'HIHHourglassNet']
