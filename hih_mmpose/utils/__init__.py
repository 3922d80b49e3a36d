# Copyright (c) hih_mmpose contributors. All rights reserved.
from .checkpoint import allow_mmengine_checkpoints
from .launch import prepare_cpu_distributed

__all__ = ['allow_mmengine_checkpoints', 'prepare_cpu_distributed']
