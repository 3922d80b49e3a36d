# Copyright (c) hih_mmpose contributors. All rights reserved.
from .checkpoint import CheckpointError, allow_mmengine_checkpoints
from .checkpoint_match import check_checkpoint_matches
from .launch import (add_runner_arguments, merge_runner_arguments,
                     prepare_cpu_distributed)

__all__ = [
    'CheckpointError', 'allow_mmengine_checkpoints',
    'check_checkpoint_matches', 'add_runner_arguments',
    'merge_runner_arguments', 'prepare_cpu_distributed'
]
