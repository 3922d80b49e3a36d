# Copyright (c) hih_mmpose contributors. All rights reserved.
from .hih_head import HIHHead

__all__ = ['HIHHead']
