# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Loading mmengine checkpoints under torch >= 2.6.

mmengine 0.10.7 reads local checkpoints with ``torch.load(filename,
map_location)``. Since torch 2.6 that means ``weights_only=True``, whose
restricted unpickler rejects what the Runner saves beside the weights (the
message hub's ``HistoryBuffer``, which pickles ``getattr`` calls, and the
numpy arrays of ``meta['dataset_meta']``), so ``load_from``, ``--resume``,
``tools/test.py`` and ``MMPoseInferencer`` all fail.

:func:`allow_mmengine_checkpoints` re-registers mmengine's loader for local
files (through mmengine's own ``CheckpointLoader.register_scheme``) with
``weights_only=False``, which is what later mmengine releases do. It changes
nothing else: other ``torch.load`` calls keep torch's default, and no
environment variable is set. Importing ``hih_mmpose`` (for example through a
config's ``custom_imports``) calls it.

mmengine checkpoints are pickles: load only files you made or got from a
source you trust.
"""
import os.path as osp
import pickle
from typing import Optional, Union

import torch
from mmengine.runner.checkpoint import CheckpointLoader


class CheckpointError(RuntimeError):
    """A checkpoint file that cannot be used: unreadable, not a checkpoint,
    or made for another model."""


def load_from_local(filename: str,
                    map_location: Optional[Union[str, torch.device]] = None
                    ) -> dict:
    """Load a trusted local mmengine checkpoint (full unpickling).

    Args:
        filename (str): Checkpoint path; ``~`` is expanded.
        map_location (str | torch.device, optional): As in ``torch.load``.

    Returns:
        dict: The loaded checkpoint.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    try:
        checkpoint = torch.load(filename, map_location=map_location,
                                weights_only=False)
    except (RuntimeError, EOFError, pickle.UnpicklingError,
            UnicodeDecodeError, ValueError) as error:
        raise CheckpointError(
            f'{filename} is not a readable PyTorch checkpoint (truncated, '
            f'or another kind of file): {type(error).__name__}: '
            f'{error}') from None
    if not isinstance(checkpoint, dict):
        raise CheckpointError(
            f'{filename} holds a {type(checkpoint).__name__}, not a '
            'checkpoint (a dict with a state_dict)')
    return checkpoint


def allow_mmengine_checkpoints() -> None:
    """Make mmengine load local checkpoints with ``weights_only=False``.

    Safe to call more than once.
    """
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)
