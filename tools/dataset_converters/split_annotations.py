# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Hold out a validation split of a COCO-style face annotation file.

mmpose's WFLW, 300W and COFW configs (and ours that inherit them) validate
on the test set, so ``best_NME_epoch_*.pth`` is the epoch that did best on
the test faces. To choose the epoch on faces the test never sees, split the
training file by image and validate on the held-out part:

    .venv/bin/python tools/dataset_converters/split_annotations.py \
        data/wflw/annotations/face_landmarks_wflw_train.json --fraction 0.1
    # writes ..._train_fit.json and ..._train_val.json beside the input
    A=annotations/face_landmarks_wflw_train
    .venv/bin/python tools/train.py configs/hih_wflw.py --cfg-options \
        train_dataloader.dataset.ann_file=${A}_fit.json \
        val_dataloader.dataset.ann_file=${A}_val.json

then test the best checkpoint on the test set with ``tools/test.py``
(whose ``test_dataloader`` still names the test file). Every face of an
image goes to the same split; the input file is never changed.
"""
import argparse
import json
import os.path as osp
from typing import Dict, Tuple

import numpy as np

from hih_mmpose.utils.output_folder import check_output_file


def split_by_image(coco: Dict, fraction: float,
                   seed: int = 0) -> Tuple[Dict, Dict]:
    """Split a COCO-style dict into (fit, held-out) by image.

    Args:
        coco (dict): With ``images`` and ``annotations`` (each annotation's
            ``image_id`` names its image); other keys are copied to both.
        fraction (float): Share of the images held out, in (0, 1); at least
            one image goes to each side.
        seed (int): Seed of the random choice. Defaults to 0.

    Returns:
        tuple[dict, dict]: The fit and the held-out dicts.
    """
    if not 0 < fraction < 1:
        raise ValueError(f'--fraction must be in (0, 1), got {fraction}')
    images = coco['images']
    if len(images) < 2:
        raise ValueError('need at least two images to split, the file has '
                         f'{len(images)}')
    count = min(max(int(round(fraction * len(images))), 1), len(images) - 1)
    order = np.random.default_rng(seed).permutation(len(images))
    held = {images[i]['id'] for i in order[:count]}
    parts = []
    for keep in (lambda i: i not in held, lambda i: i in held):
        part = {k: v for k, v in coco.items()
                if k not in ('images', 'annotations')}
        part['images'] = [im for im in images if keep(im['id'])]
        part['annotations'] = [a for a in coco['annotations']
                               if keep(a['image_id'])]
        parts.append(part)
    return parts[0], parts[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file', help='COCO-style annotation file')
    parser.add_argument('--fraction', type=float, default=0.1,
                        help='share of the images held out (default 0.1)')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    stem = osp.splitext(args.ann_file)[0]
    outputs = (f'{stem}_fit.json', f'{stem}_val.json')
    for path in outputs:
        check_output_file(path, 'the split')
    with open(args.ann_file) as f:
        coco = json.load(f)
    for part, path in zip(split_by_image(coco, args.fraction, args.seed),
                          outputs):
        with open(path, 'w') as f:
            json.dump(part, f)
        print(f"{path}: {len(part['images'])} images, "
              f"{len(part['annotations'])} faces")


if __name__ == '__main__':
    main()
