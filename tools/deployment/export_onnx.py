# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Export a HIH model to ONNX with the HIH decoder inside the graph.

Input ``crops``: BGR face crops, float32 (N, 3, h, w), values 0-255, the
config's input size (dynamic batch). Outputs ``keypoints`` (N, K, 2) in crop
pixels and ``scores`` (N, K). The export is checked against PyTorch with
onnxruntime on random crops (batch 1 and 4).

Example:
    .venv/bin/python tools/deployment/export_onnx.py configs/hih_wflw.py \
        work_dirs/hih_wflw/best.pth hih_wflw.onnx
"""
import argparse
import os
import os.path as osp
import time

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmpose.apis import init_model
from hih_mmpose.apis import export_onnx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?',
                        help='trained weights (omit for random weights)')
    parser.add_argument('out', help='output .onnx file')
    parser.add_argument('--opset', type=int, default=17)
    args = parser.parse_args()
    if not args.out.endswith('.onnx'):
        # `export_onnx.py CONFIG CHECKPOINT` with the output forgotten reads
        # the checkpoint as the output: never write over it
        parser.error(f'the output must be a .onnx file, got {args.out} '
                     '(did you forget the output path?)')
    if args.checkpoint and osp.abspath(args.out) == osp.abspath(
            args.checkpoint):
        parser.error(f'the output {args.out} is the checkpoint')
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model = init_model(cfg, args.checkpoint, device='cpu').eval()
    input_size = tuple(cfg.codec.input_size)
    start = time.perf_counter()
    deploy = export_onnx(model, args.out, input_size, args.opset)
    print(f'exported {args.out} in {time.perf_counter() - start:.1f} s')

    import onnxruntime
    session = onnxruntime.InferenceSession(
        args.out, providers=['CPUExecutionProvider'])
    generator = torch.Generator().manual_seed(0)
    for batch in (1, 4):
        crops = torch.rand(batch, 3, input_size[1], input_size[0],
                           generator=generator) * 255
        with torch.no_grad():
            keypoints, scores = deploy(crops)
        start = time.perf_counter()
        onnx_keypoints, onnx_scores = session.run(None,
                                                  {'crops': crops.numpy()})
        elapsed = (time.perf_counter() - start) / batch
        print(f'batch {batch}: max |keypoints onnxruntime - PyTorch| '
              f'{np.abs(onnx_keypoints - keypoints.numpy()).max():.2e} px, '
              f'scores {np.abs(onnx_scores - scores.numpy()).max():.2e}; '
              f'onnxruntime {elapsed * 1000:.0f} ms per face')


if __name__ == '__main__':
    main()
