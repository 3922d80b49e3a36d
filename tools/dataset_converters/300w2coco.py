# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Convert the 300W release (.pts beside each image) to mmpose's layout.

Writes <out-dir>/face_landmarks_300w_{train,valid,valid_common,
valid_challenge,test}.json with image paths relative to --root (use it as
data_prefix, e.g. data/300w/images).

Example:
    .venv/bin/python tools/dataset_converters/300w2coco.py \
        --root data/300w/images --out-dir data/300w/annotations
"""
import argparse

from converters.face300w import SPLITS as FACE300W_SPLITS
from converters.face300w import convert_300w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--root', required=True,
                        help='folder with afw/ helen/ ibug/ lfpw/ 300W/')
    parser.add_argument('--out-dir', default='data/300w/annotations')
    parser.add_argument('--splits', nargs='+', default=list(FACE300W_SPLITS),
                        choices=list(FACE300W_SPLITS))
    parser.add_argument('--crop', choices=['mmpose', 'published'],
                        default='mmpose')
    args = parser.parse_args()
    written = convert_300w(args.root, args.out_dir, args.splits, args.crop)
    for split, path in written.items():
        print(f'{split:16} {path}')


if __name__ == '__main__':
    main()
