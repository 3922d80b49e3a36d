# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Make a trained checkpoint ready to share (mmpose's publish_model.py, made
safe to load): state_dict and meta only, nothing that torch's default
weights-only loader refuses, so mmpose's init_model, MMPoseInferencer and
demo/topdown_demo_with_mmdet.py load it with nothing set. The training
config's text (meta.cfg) is dropped too: mmengine's inferencers given weights
without a config execute it.

Example:
    .venv/bin/python tools/misc/publish_model.py \
        work_dirs/hih_wflw/best_NME_epoch_*.pth hih_wflw_release.pth
"""
import argparse
import hashlib
import os
import os.path as osp
import sys

import torch

from hih_mmpose.utils.checkpoint import (CheckpointError, load_checkpoint_file,
                                         release_checkpoint)
from hih_mmpose.utils.output_folder import refuse_link


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('in_file', help='trained checkpoint')
    parser.add_argument('out_file', help='release checkpoint to write (.pth)')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='unpickle the input fully (can run code; '
                        'trusted files only)')
    args = parser.parse_args()
    if osp.abspath(args.out_file) == osp.abspath(args.in_file):
        sys.exit(f'error: the output {args.out_file} is the input: choose '
                 'another path (nothing was written)')
    try:
        refuse_link(args.out_file)
        checkpoint = load_checkpoint_file(args.in_file, 'cpu',
                                          args.trust_checkpoint)
        released = release_checkpoint(checkpoint)
    except (FileNotFoundError, FileExistsError, CheckpointError) as error:
        sys.exit(f'error: {error}')
    os.makedirs(osp.dirname(osp.abspath(args.out_file)), exist_ok=True)
    torch.save(released, args.out_file)
    unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(
        args.out_file)
    if unsafe:  # nothing of the above should leave any
        os.remove(args.out_file)
        sys.exit(f'error: the release still holds {unsafe}; not written')
    with open(args.out_file, 'rb') as f:
        sha256 = hashlib.sha256(f.read()).hexdigest()
    dropped = sorted(set(checkpoint) - set(released)) + [
        f'meta.{key}' for key in sorted(
            set(checkpoint.get('meta', {})) - set(released['meta']))
    ]
    print(f'written {args.out_file} (sha256 {sha256[:16]}...), loadable with '
          f'torch defaults; dropped {", ".join(dropped) or "nothing"} '
          '(meta.dataset_meta is rebuilt from the config; the release '
          'carries no config text, so give the config with the weights)')


if __name__ == '__main__':
    main()
