# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Convert a checkpoint of the published HIH code to hih_mmpose.

The published file is a dict with ``state_dict`` (1552 keys for HIH-B);
the output loads into the config's model with strict key checking, e.g. for
tools/test.py or MMPoseInferencer.

Example:
    .venv/bin/python tools/model_converters/convert_official_checkpoint.py \
        Best/WFLW/WFLW.pth checkpoints/hih_wflw_published.pth \
        --config configs/hih_wflw_published.py
"""
import argparse
import os
import os.path as osp
import sys

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from hih_mmpose.utils.checkpoint import CheckpointError, load_checkpoint_file
from published_checkpoint import convert_published_state_dict
from hih_mmpose.utils.output_folder import resolve_repo_path
from hih_mmpose.utils.output_folder import refuse_link
from mmpose.registry import MODELS


REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def fail(message: str) -> None:
    print(f'error: {message}', file=sys.stderr)
    sys.exit(1)


def load(path: str, trust: bool) -> dict:
    try:
        checkpoint = load_checkpoint_file(path, 'cpu', trust)
    except (FileNotFoundError, CheckpointError) as error:
        fail(str(error).replace('trust_checkpoint=True (tools: '
                                '--trust-checkpoint)', '--trust'))
    if isinstance(checkpoint, dict) and 'state_dict' in checkpoint:
        checkpoint = checkpoint['state_dict']
    if not isinstance(checkpoint, dict) or not all(
            isinstance(v, torch.Tensor) for v in checkpoint.values()):
        fail(f'{path} has no state_dict of tensors')
    return checkpoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='published checkpoint (.pth)')
    parser.add_argument('dst', help='converted checkpoint to write')
    parser.add_argument('--config', default='configs/hih_wflw_published.py',
                        help='hih_mmpose config the weights are for; a '
                        'relative path not found from the working folder '
                        'is looked up in the repository (default: '
                        '%(default)s)')
    parser.add_argument('--trust', action='store_true',
                        help='unpickle the source fully (trusted files only)')
    args = parser.parse_args()
    if osp.abspath(args.dst) == osp.abspath(args.src):
        fail(f'the output {args.dst} is the published checkpoint itself: '
             'choose another path (nothing was written)')
    try:
        refuse_link(args.dst)
    except FileExistsError as error:
        fail(str(error))

    published = load(args.src, args.trust)
    converted, dropped, unknown = convert_published_state_dict(published)
    print(f'{len(published)} published keys: {len(converted)} converted, '
          f'{len(dropped)} unused shortcut keys dropped, {len(unknown)} '
          'unknown')
    try:
        args.config = resolve_repo_path(args.config, REPO_ROOT, '--config')
    except FileNotFoundError as error:
        fail(str(error))
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model = MODELS.build(cfg.model)
    expected = model.state_dict()
    missing = sorted(set(expected) - set(converted))
    unexpected = sorted(set(converted) - set(expected))
    mismatched = [
        f'{key}: checkpoint {tuple(converted[key].shape)}, model '
        f'{tuple(expected[key].shape)}' for key in expected
        if key in converted and converted[key].shape != expected[key].shape
    ]
    problems = []
    for title, keys in (('unknown published keys', unknown),
                        ('missing in the checkpoint', missing),
                        ('not in the model', unexpected),
                        ('of another shape', mismatched)):
        if keys:
            shown = '\n  '.join(keys[:20])
            more = f'\n  ... {len(keys) - 20} more' if len(keys) > 20 else ''
            problems.append(f'{len(keys)} keys {title}:\n  {shown}{more}')
    if problems:
        fail(f'the checkpoint does not fit {args.config} (stacks, keypoints '
             'or decimal size differ, or the config has another decimal '
             'branch than the published one: use '
             'configs/hih_wflw_published.py or a config derived from it)\n'
             + '\n'.join(problems))
    model.load_state_dict(converted, strict=True)
    os.makedirs(osp.dirname(osp.abspath(args.dst)), exist_ok=True)
    torch.save(
        dict(state_dict=model.state_dict(),
             meta=dict(converted_from=osp.basename(args.src))), args.dst)
    print(f'strict load into {args.config}: ok; written {args.dst}')


if __name__ == '__main__':
    main()
