# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Convert the WFLW release to mmpose's layout.

Writes <out-dir>/face_landmarks_wflw_{train,test}.json and the six test
subsets face_landmarks_wflw_test_{largepose,expression,illumination,makeup,
occlusion,blur}.json. Put (or link) WFLW_images as data/wflw/images.

Example:
    .venv/bin/python tools/dataset_converters/wflw2coco.py \
        --annotations WFLW_annotations/list_98pt_rect_attr_train_test \
        --images data/wflw/images --out-dir data/wflw/annotations
"""
import argparse
import os.path as osp

from converters.wflw import convert_wflw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--annotations', required=True,
                        help='folder with list_98pt_rect_attr_*.txt')
    parser.add_argument('--images', required=True,
                        help='WFLW_images folder')
    parser.add_argument('--out-dir', default='data/wflw/annotations')
    parser.add_argument('--crop', choices=['mmpose', 'published'],
                        default='mmpose',
                        help="face box: landmark box (mmpose) or the "
                        "published HIH square crop")
    parser.add_argument('--published-labels', action='store_true',
                        help='shift the landmarks by half a pixel as the '
                        'published labels do (with --crop published, to '
                        'evaluate the published checkpoint)')
    parser.add_argument('--splits', nargs='+', choices=['train', 'test'],
                        default=['train', 'test'],
                        help='the splits to convert (default both; the '
                        'published checkpoint is evaluated on the test '
                        'split alone)')
    args = parser.parse_args()
    for split in args.splits:
        written = convert_wflw(
            osp.join(args.annotations, f'list_98pt_rect_attr_{split}.txt'),
            args.images,
            osp.join(args.out_dir, f'face_landmarks_wflw_{split}.json'),
            crop=args.crop, subsets=split == 'test',
            published_labels=args.published_labels)
        for name, path in written.items():
            print(f'{split:5} {name:12} {path}')


if __name__ == '__main__':
    main()
