# Copyright (c) hih_mmpose contributors. All rights reserved.
from .checkpoint import allow_mmengine_checkpoints
from .launch import (add_runner_arguments, merge_runner_arguments,
                     prepare_cpu_distributed)

__all__ = [
    'allow_mmengine_checkpoints', 'add_runner_arguments',
    'merge_runner_arguments', 'prepare_cpu_distributed'
]
