# Copyright (c) hih_mmpose contributors. All rights reserved.
from .neck_sequence import NeckSequence

__all__ = ['NeckSequence']
