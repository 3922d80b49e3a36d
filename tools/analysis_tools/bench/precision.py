# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Precision section: ms per face of the fp32 fast path, bf16 and int8."""
import os.path as osp
from typing import List

from .common import (
    HIH_CONFIGS,
    REPO_ROOT,
    build_model,
    face_batch,
    log,
    median_times,
    print_table,
)


def bench_precision(args) -> List[dict]:
    from hih_mmpose.deployment import CropPredictor
    results = []
    for name in args.models:
        log(f'precision: HIH-{name} (fp32 fast, bf16, int8)')
        model = build_model(osp.join(REPO_ROOT, HIH_CONFIGS[name]), 'cpu')
        # calibrate int8 on synthetic faces through the test pipeline
        calib = model.data_preprocessor(face_batch(model, 8, 'cpu'),
                                        False)['inputs']
        # (the preprocessor normalised them; undo it to 0-255 BGR crops)
        preprocessor = model.data_preprocessor
        calib = calib * preprocessor.std + preprocessor.mean
        if preprocessor._channel_conversion:
            calib = calib[:, [2, 1, 0]]
        predictors = dict(
            fp32=CropPredictor(model, 'fp32'),
            bf16=CropPredictor(model, 'bf16'),
            int8=CropPredictor(model, 'int8',
                               calib_crops=calib.numpy()))
        for batch_size in args.batch_sizes:
            crops = calib[:1].repeat(batch_size, 1, 1, 1).numpy()
            timing = median_times(
                {key: (lambda p=p: p(crops))
                 for key, p in predictors.items()}, args.repeats)
            results.append(dict(model=f'HIH-{name}', batch=batch_size,
                                ms_per_face={k: 1e3 * v / batch_size
                                             for k, v in timing.items()}))
            log(f'  batch {batch_size}: ' + ', '.join(
                f'{k} {v:.1f}' for k, v in
                results[-1]['ms_per_face'].items()) + ' ms/face')
    return results


def print_precision(results: List[dict]) -> None:
    rows = []
    for r in results:
        t = r['ms_per_face']
        rows.append([
            r['model'], r['batch'], f'{t["fp32"]:.1f}',
            f'{t["bf16"]:.1f} ({t["fp32"] / t["bf16"]:.2f}x)',
            f'{t["int8"]:.1f} ({t["fp32"] / t["int8"]:.2f}x)'
        ])
    print_table(
        'Precision, ms per face (256x256 crops -> keypoints, no flip test; '
        'the configs\' networks): fp32 fast path (PyTorch, BN folded, '
        'channels-last), bf16 (PyTorch autocast, oneDNN), int8 (ONNX '
        'Runtime QDQ); speed-up over fp32 fast in brackets',
        ['model', 'batch', 'fp32 fast', 'bf16', 'int8'], rows)
