# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Convert COFW (COFW_{train,test}_color.mat) to mmpose's layout.

Writes <data-root>/images/{train,test}/*.png and
<data-root>/annotations/cofw_{train,test}.json.

Example:
    .venv/bin/python tools/dataset_converters/cofw2coco.py \
        --mat-dir data/cofw --data-root data/cofw
"""
import argparse
import os.path as osp

from converters.cofw import convert_cofw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--mat-dir', required=True,
                        help='folder with COFW_{train,test}_color.mat')
    parser.add_argument('--data-root', default='data/cofw')
    parser.add_argument('--crop', choices=['mmpose', 'published'],
                        default='mmpose')
    args = parser.parse_args()
    for split in ('train', 'test'):
        written = convert_cofw(
            osp.join(args.mat_dir, f'COFW_{split}_color.mat'), split,
            args.data_root, args.crop)
        print(f'{split:5} {written[split]}')


if __name__ == '__main__':
    main()
