# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Refuse a checkpoint made for another model before it is used.

mmengine's ``load_checkpoint`` (what ``init_model``, ``MMPoseInferencer``
and ``tools/test.py`` use) loads non-strictly: weights of the wrong shape
or for layers the model lacks are skipped with a log line, and the model
runs with random weights there. For inference, evaluation and export that
is never wanted, so :func:`check_checkpoint_matches` turns it into an error
that says what differs (keypoint count, number of stacks, width).
"""
from typing import Dict, List

from torch import nn

from .checkpoint import CheckpointError, load_checkpoint_file


def _state_dict(checkpoint: dict) -> dict:
    state_dict = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state_dict, dict) or not state_dict:
        raise CheckpointError('the checkpoint has no state_dict')
    # DataParallel / DistributedDataParallel prefixes
    return {
        (k[len('module.'):] if k.startswith('module.') else k): v
        for k, v in state_dict.items()
    }


def _hints(shape_mismatch: List[str], missing: List[str],
           unexpected: List[str]) -> List[str]:
    """Likely causes, from the names of the differing weights."""
    hints = []
    heatmap_keys = [k for k in shape_mismatch if 'heatmap_layers' in k]
    if heatmap_keys:
        hints.append('another number of keypoints')
    if any(k.startswith('backbone.hourglasses.') for k in missing +
           unexpected):
        hints.append('another number of hourglass stacks')
    if shape_mismatch and not heatmap_keys:
        hints.append('other layer widths')
    return hints


def check_checkpoint_matches(model: nn.Module, filename: str,
                             trust: bool = False) -> Dict:
    """Load ``filename`` safely (:func:`load_checkpoint_file`) and check
    that its state dict fits ``model`` exactly: same keys, same shapes.

    Args:
        model (nn.Module): The model the checkpoint is for.
        filename (str): Checkpoint path.
        trust (bool): Unpickle fully (can run code). Defaults to ``False``.

    Returns:
        dict: The loaded checkpoint (to load it without reading it twice).

    Raises:
        FileNotFoundError: No such file.
        CheckpointError: Unreadable / not a checkpoint / refused by the safe
            loader, or made for another model; the message lists the
            differences.
    """
    checkpoint = load_checkpoint_file(filename, 'cpu', trust)
    state_dict = _state_dict(checkpoint)
    model_sd = model.state_dict()
    missing = sorted(set(model_sd) - set(state_dict))
    unexpected = sorted(set(state_dict) - set(model_sd))
    shape_mismatch = sorted(
        k for k in set(model_sd) & set(state_dict)
        if tuple(model_sd[k].shape) != tuple(state_dict[k].shape))
    if not (missing or unexpected or shape_mismatch):
        return checkpoint
    lines = [f'{filename} was made for another model']
    hints = _hints(shape_mismatch, missing, unexpected)
    if hints:
        lines[0] += ' (' + ', '.join(hints) + ')'
    for key in shape_mismatch[:5]:
        lines.append(f'  {key}: checkpoint {tuple(state_dict[key].shape)}, '
                     f'model {tuple(model_sd[key].shape)}')
    for name, keys in (('missing from the checkpoint', missing),
                       ('not in the model', unexpected)):
        if keys:
            lines.append(f'  {len(keys)} keys {name}, e.g. ' +
                         ', '.join(keys[:3]))
    lines.append('  use the config the checkpoint was trained with')
    raise CheckpointError('\n'.join(lines))


def load_checkpoint_strictly(model: nn.Module, filename: str,
                             trust: bool = False) -> Dict:
    """Load a checkpoint into ``model``: safely, and only if it fits
    exactly (:func:`check_checkpoint_matches`).

    Returns:
        dict: The loaded checkpoint (its ``meta`` for the caller).
    """
    checkpoint = check_checkpoint_matches(model, filename, trust)
    model.load_state_dict(_state_dict(checkpoint), strict=True)
    return checkpoint
