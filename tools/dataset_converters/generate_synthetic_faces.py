# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Render the embedded synthetic face data set (no download needed).

Writes mmpose's face layout under --out-dir: images/{train,test}/*.png and
annotations/face_landmarks_synthetic{,68,29}_{train,test}.json with 98 WFLW,
68 300W and 29 COFW landmarks (loadable by WFLWDataset, Face300WDataset and
COFWDataset).

Examples:
    .venv/bin/python tools/dataset_converters/generate_synthetic_faces.py \
        --out-dir data/synthetic --num-train 2000 --num-test 200
    # the wild profile, training labels with annotation noise
    .venv/bin/python tools/dataset_converters/generate_synthetic_faces.py \
        --out-dir data/synthetic_wild --profile wild --label-noise 1
"""
import argparse

from synthetic_world import generate_synthetic_dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out-dir', default='data/synthetic')
    parser.add_argument('--num-train', type=int, default=2000)
    parser.add_argument('--num-test', type=int, default=200)
    parser.add_argument('--image-size', type=int, default=192)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--profile', choices=['easy', 'wild'], default='easy',
        help="'easy' (the quick start's faces) or 'wild' (any pose, "
        'occluders with occlusion flags, small and degraded faces, WFLW\'s '
        'attribute subsets)')
    parser.add_argument(
        '--label-noise', type=float, default=0., metavar='SCALE',
        help='annotation noise on the training labels only (1 = the model '
        'of synthetic_world/label_noise.py; test labels stay exact)')
    args = parser.parse_args()
    written = generate_synthetic_dataset(args.out_dir, args.num_train,
                                         args.num_test, args.image_size,
                                         args.seed,
                                         label_noise=args.label_noise,
                                         profile=args.profile)
    for name, path in written.items():
        print(f'{name:12} {path}')


if __name__ == '__main__':
    main()
