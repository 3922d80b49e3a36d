# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Precision section: ms per face of each backend x precision against the
PyTorch fp32 fast path."""
import os.path as osp
import tempfile
from typing import List

from .common import (
    HIH_CONFIGS,
    MODEL_NAMES,
    REPO_ROOT,
    build_model,
    face_batch,
    log,
    median_times,
    print_table,
)


def calibration_crops_of(model, count: int = 8):
    """``count`` synthetic faces through the model's test pipeline as the
    0-255 BGR crops an exported model takes (N, 3, h, w)."""
    calib = model.data_preprocessor(face_batch(model, count, 'cpu'),
                                    False)['inputs']
    # (the preprocessor normalised them; undo it to 0-255 BGR crops)
    preprocessor = model.data_preprocessor
    calib = calib * preprocessor.std + preprocessor.mean
    if preprocessor._channel_conversion:
        calib = calib[:, [2, 1, 0]]
    return calib.numpy()


def bench_precision(args) -> List[dict]:
    from research.crop_runners import crop_runners
    results = []
    for name in args.models:
        log(f'precision: {MODEL_NAMES[name]}')
        model = build_model(osp.join(REPO_ROOT, HIH_CONFIGS[name]), 'cpu')
        calib = calibration_crops_of(model)
        work_dir = tempfile.TemporaryDirectory()
        predictors = crop_runners(model, work_dir.name, calib)
        for batch_size in args.batch_sizes:
            crops = calib[:1].repeat(batch_size, 0)
            timing = median_times(
                {key: (lambda p=p: p(crops))
                 for key, p in predictors.items()}, args.repeats)
            results.append(dict(model=MODEL_NAMES[name], batch=batch_size,
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
        for key, ms in t.items():
            rows.append([r['model'], r['batch'], *key.split(), f'{ms:.1f}',
                         f'{t["torch fp32"] / ms:.2f}x'])
    print_table(
        'Backends and precisions, ms per face (crops -> '
        'keypoints, no flip test; the configs\' networks, random weights): '
        'PyTorch fp32 = the fast path (BN folded, channels-last), PyTorch '
        'bf16 = autocast on oneDNN, int8 = one QDQ model (ONNX Runtime\'s '
        'static quantiser) run by the runtime\'s ONNX Runtime and OpenVINO '
        'sessions; speed-up over '
        'PyTorch fp32',
        ['model', 'batch', 'backend', 'precision', 'ms/face', 'speed-up'],
        rows)
