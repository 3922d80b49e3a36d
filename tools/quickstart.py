# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Show the registered HIH model working end to end on generated inputs.

Builds HIH-T / S / B from ``configs/hih_wflw.py`` through mmpose's
registries, prints their sizes, round-trips landmarks through the
``HIHLabel`` codec and runs one prediction on a random image, all on CPU.

Example:
    .venv/bin/python tools/quickstart.py
"""
import argparse
import os.path as osp
import time

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmpose.registry import KEYPOINT_CODECS, MODELS

CONFIG = osp.join(osp.dirname(osp.abspath(__file__)), '..', 'configs',
                  'hih_wflw.py')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=CONFIG, help='model config')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)  # imports hih_mmpose (custom_imports)
    init_default_scope(cfg.default_scope)
    from hih_mmpose.models import (count_parameters,
                                   count_published_parameters)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    print('== HIH models built from', osp.relpath(args.config))
    print(f'{"model":8}{"stacks":>8}{"params":>14}{"as published":>16}')
    for name, stacks in (('HIH-T', 1), ('HIH-S', 2), ('HIH-B', 4)):
        model_cfg = cfg.model.copy()
        model_cfg.backbone = dict(model_cfg.backbone, num_stacks=stacks)
        model_cfg.head = dict(model_cfg.head, num_stages=stacks)
        model = MODELS.build(model_cfg)
        print(f'{name:8}{stacks:>8}{count_parameters(model):>14,}'
              f'{count_published_parameters(model):>16,}')

    codec = KEYPOINT_CODECS.build(cfg.codec)
    keypoints = rng.uniform(2, 253, size=(1, 98, 2))
    encoded = codec.encode(keypoints)
    decoded, _ = codec.decode(encoded['heatmaps'],
                              encoded['decimal_heatmaps'])
    error = np.abs(decoded - keypoints).max()
    print(f'\n== HIHLabel round trip of 98 random landmarks: max error '
          f'{error:.4f} input px (bound: stride / 16 = '
          f'{codec.stride / 16:.4f})')

    model.eval()
    image = torch.rand(1, 3, 256, 256)
    with torch.no_grad():
        start = time.perf_counter()
        heatmaps, decimal = model(image, None, mode='tensor')
        elapsed = time.perf_counter() - start
        keypoints, scores = codec.decode_torch(heatmaps, decimal)
    print(f'\n== HIH-B forward on one 256x256 image: {elapsed * 1000:.0f} ms;'
          f' integer heatmaps {tuple(heatmaps.shape)}, decimal logits '
          f'{tuple(decimal.shape)} -> keypoints {tuple(keypoints.shape)}, '
          f'scores in [{scores.min():.2f}, {scores.max():.2f}] '
          '(untrained weights)')


if __name__ == '__main__':
    main()
