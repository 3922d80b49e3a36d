# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Key mapping from the published HIH code's state_dict to hih_mmpose.

Published names (``lib/model/get_hourglass.py`` of the authors' code):
``pre_conv.{0..4}``, per stack ``hg{i}.res{n}_{1,2,3}`` / ``hg{i}.res_center``
(the hourglass, n = depth .. 1), ``hg{i}_res1``, ``hg{i}_lin1``,
``hg{i}_conv_pred``, ``hg{i}_conv1``, ``hg{i}_conv2``, and ``offset_head.``
``{conv1, down_ops.{j}.{conv1, conv2, downsample.0}, head.{0, 1}}``.
Their conv-BN blocks store ``.conv.*`` and ``.bn.*`` like mmcv's
``ConvModule``. The ``skip_layer`` of every residual block whose input and
output widths agree is never run by the published network and has no
counterpart here; it is dropped.
"""
import re
from typing import Dict, List, Tuple

from torch import Tensor

_CBR_KEY = re.compile(
    r'^(?P<block>.+?)\.(?P<leaf>(conv|bn)\.\w+|weight|bias)$')


def _hourglass_path(level: str, depth: int) -> str:
    """Published ``res{n}_{k}`` / ``res_center`` -> our module path."""
    if level == 'res_center':
        return '.'.join(['inner'] * depth)
    match = re.fullmatch(r'res(\d+)_([123])', level)
    if match is None:
        raise KeyError(level)
    n, k = int(match.group(1)), match.group(2)
    if not 1 <= n <= depth:
        raise KeyError(level)
    return 'inner.' * (depth - n) + {'1': 'skip', '2': 'pre', '3': 'post'}[k]


def _map_block(block: str, depth: int, num_down: int) -> str:
    """Our module path for a published block name (without the leaf)."""
    parts = block.split('.')
    if parts[0] == 'pre_conv':
        return 'backbone.stem.' + '.'.join(parts[1:])
    match = re.fullmatch(r'hg(\d+)', parts[0])
    if match:
        return (f'backbone.hourglasses.{match.group(1)}.' +
                _hourglass_path(parts[1], depth) + ''.join(
                    '.' + p for p in parts[2:]))
    match = re.fullmatch(r'hg(\d+)_(res1|lin1|conv_pred|conv1|conv2)',
                         parts[0])
    if match:
        stack, name = match.groups()
        target = dict(res1=f'out_blocks.{stack}.0',
                      lin1=f'out_blocks.{stack}.1',
                      conv_pred=f'heatmap_layers.{stack}',
                      conv1=f'feature_merges.{stack}',
                      conv2=f'heatmap_merges.{stack}')[name]
        return 'backbone.' + target + ''.join('.' + p for p in parts[1:])
    if parts[0] == 'offset_head':
        if parts[1] == 'conv1':
            return 'head.decimal_layers.0'
        if parts[1] == 'down_ops':
            index = 2 + int(parts[2])
            inner = 'shortcut' if parts[3] == 'downsample' else parts[3]
            return f'head.decimal_layers.{index}.{inner}'
        if parts[1] == 'head':
            return f'head.decimal_layers.{2 + num_down + int(parts[2])}'
    raise KeyError(block)


def convert_published_state_dict(
        state_dict: Dict[str, Tensor],
        depth: int = 4) -> Tuple[Dict[str, Tensor], List[str], List[str]]:
    """Rename a published HIH state_dict for a hih_mmpose HIH model.

    Args:
        state_dict (dict): The published ``checkpoint['state_dict']``.
        depth (int): Hourglass depth (``num_layer``). Defaults to ``4``.

    Returns:
        tuple:
        - converted (dict): State dict for ``TopdownPoseEstimator`` with
          ``HIHHourglassNet`` + ``HIHHead``.
        - dropped (list[str]): Published keys of the never-run
          equal-width shortcuts.
        - unknown (list[str]): Published keys with no counterpart.
    """
    num_down = len({
        key.split('.')[2]
        for key in state_dict if key.startswith('offset_head.down_ops.')
    })
    converted, dropped, unknown = {}, [], []
    for key, value in state_dict.items():
        key = key[len('module.'):] if key.startswith('module.') else key
        if '.skip_layer.' in key:
            block = key.split('.skip_layer.')[0]
            conv = state_dict.get(f'{block}.skip_layer.conv.weight')
            if conv is not None and conv.shape[0] == conv.shape[1]:
                dropped.append(key)
                continue
            key = key.replace('.skip_layer.', '.shortcut.')
        match = _CBR_KEY.match(key)
        try:
            if match is None:
                raise KeyError(key)
            target = _map_block(match.group('block'), depth, num_down)
        except (KeyError, ValueError, IndexError):
            unknown.append(key)
            continue
        converted[f'{target}.{match.group("leaf")}'] = value
    return converted, dropped, unknown
