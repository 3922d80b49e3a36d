# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Draw a grid of synthetic faces with their landmarks: visible ones
filled, occluded ones (turned away or under an occluder) hollow.

Example (the picture in docs/wild_faces.md):
    .venv/bin/python tools/misc/draw_synthetic_samples.py --profile wild \
        --out docs/images/wild_samples.jpg
"""
import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np

# the synthetic face world: tools/dataset_converters/synthetic_world
sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..',
                            'dataset_converters'))

from synthetic_world.synthetic_faces import render_face
from synthetic_world.synthetic_wild import render_wild_face


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--profile', choices=['easy', 'wild'],
                        default='wild')
    parser.add_argument('--out', required=True, help='image to write')
    parser.add_argument('--rows', type=int, default=3)
    parser.add_argument('--cols', type=int, default=6)
    parser.add_argument('--size', type=int, default=192)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    if not args.out.lower().endswith(('.jpg', '.jpeg', '.png')):
        parser.error(f'--out must be a .jpg or .png file, got {args.out}')
    rng = np.random.default_rng(args.seed)
    tiles = []
    for _ in range(args.rows * args.cols):
        if args.profile == 'wild':
            image, landmarks, occluded, _ = render_wild_face(rng, args.size)
        else:
            image, landmarks = render_face(rng, args.size)
            occluded = np.zeros(len(landmarks), bool)
        canvas = cv2.resize(image, None, fx=2, fy=2,
                            interpolation=cv2.INTER_NEAREST)
        for (x, y), hidden in zip(landmarks * 2 + 0.5, occluded):
            centre = (int(round(x)), int(round(y)))
            if hidden:
                cv2.circle(canvas, centre, 3, (0, 0, 255), 1, cv2.LINE_AA)
            else:
                cv2.circle(canvas, centre, 2, (0, 255, 0), -1, cv2.LINE_AA)
        tiles.append(canvas)
    rows = [np.concatenate(tiles[r * args.cols:(r + 1) * args.cols], 1)
            for r in range(args.rows)]
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    from hih_mmpose.utils.output_folder import refuse_link
    refuse_link(args.out, '--out')
    cv2.imwrite(args.out, np.concatenate(rows, 0),
                [cv2.IMWRITE_JPEG_QUALITY, 85])
    print(f'written {args.out}')


if __name__ == '__main__':
    main()
