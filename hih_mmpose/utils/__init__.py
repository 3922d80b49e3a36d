# Copyright (c) hih_mmpose contributors. All rights reserved.
from .checkpoint import allow_mmengine_checkpoints

__all__ = ['allow_mmengine_checkpoints']
