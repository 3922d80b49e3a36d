# Copyright (c) hih_mmpose contributors. All rights reserved.
from .checkpoint import (SAFE_GLOBALS, CheckpointError, check_checkpoint_safe,
                         checkpoint_loading, load_checkpoint_file,
                         release_checkpoint, unsafe_globals)
from .checkpoint_match import (check_checkpoint_matches,
                               load_checkpoint_strictly)
from .crop_transforms import crop_to_image, image_to_crop
from .image_io import (MAX_IMAGE_PIXELS, ImageTooLargeError,
                       check_image_pixels, image_size, load_image)
from .launch import (add_runner_arguments, merge_cfg_options,
                     merge_runner_arguments, prepare_cpu_distributed,
                     resolve_repo_path, run_with_checkpoints,
                     unknown_option_keys)
from .plain_checkpoint import from_plain, to_plain
from .published_checkpoint import convert_published_state_dict
from .validation import check_number

__all__ = [
    'SAFE_GLOBALS', 'CheckpointError', 'check_checkpoint_safe',
    'checkpoint_loading', 'load_checkpoint_file', 'release_checkpoint',
    'unsafe_globals',
    'check_checkpoint_matches', 'load_checkpoint_strictly', 'crop_to_image',
    'image_to_crop', 'MAX_IMAGE_PIXELS', 'ImageTooLargeError',
    'check_image_pixels', 'image_size', 'load_image', 'add_runner_arguments',
    'merge_runner_arguments', 'prepare_cpu_distributed', 'merge_cfg_options',
    'unknown_option_keys', 'resolve_repo_path',
    'run_with_checkpoints',
    'convert_published_state_dict', 'check_number', 'from_plain', 'to_plain'
]
