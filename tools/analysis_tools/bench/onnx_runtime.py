# Copyright (c) hih_mmpose contributors. All rights reserved.
"""ONNX Runtime section: the exported graph against PyTorch."""
import copy
import os.path as osp
from typing import List

import numpy as np
import torch

from .common import (
    hourglass_models,
    HIH_CONFIGS,
    REPO_ROOT,
    build_model,
    log,
    median_times,
    print_table,
)


def bench_onnx(args, work_dir: str) -> List[dict]:
    import onnxruntime as ort

    from hih_mmpose.deployment import HIHDeployModel, export_onnx
    results = []
    for name in hourglass_models(args):
        log(f'onnx: exporting HIH-{name}')
        model = build_model(osp.join(REPO_ROOT, HIH_CONFIGS[name]), 'cpu',
                            published=True)
        out_file = osp.join(work_dir, f'hih_{name}.onnx')
        export_onnx(model, out_file)
        options = ort.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads()
        # no busy-waiting threads after a run (they would slow down the
        # PyTorch runs timed in between)
        options.add_session_config_entry('session.intra_op.allow_spinning',
                                         '0')
        session = ort.InferenceSession(out_file, options,
                                       providers=['CPUExecutionProvider'])
        deploy = HIHDeployModel(model).eval()
        from hih_mmpose.deployment import optimize_for_inference
        fast = HIHDeployModel(optimize_for_inference(copy.deepcopy(model)))
        for batch_size in args.batch_sizes:
            crops = torch.rand(batch_size, 3, 256, 256) * 255
            feed = dict(crops=crops.numpy())
            with torch.inference_mode():
                timing = median_times(
                    dict(ort=lambda: session.run(None, feed),
                         torch_eager=lambda: deploy(crops),
                         torch_fast=lambda: fast(crops)), args.repeats)
                keypoints = deploy(crops)[0].numpy()
            diff = float(np.abs(session.run(None, feed)[0] - keypoints).max())
            results.append(dict(model=f'HIH-{name}', batch=batch_size,
                                ms_per_face={k: 1e3 * v / batch_size
                                             for k, v in timing.items()},
                                keypoint_diff_px=diff))
    return results


def print_onnx(results: List[dict]) -> None:
    rows = []
    for r in results:
        t = r['ms_per_face']
        rows.append([
            r['model'], r['batch'], f'{t["ort"]:.1f}',
            f'{t["torch_eager"]:.1f} ({t["torch_eager"] / t["ort"]:.2f}x)',
            f'{t["torch_fast"]:.1f} ({t["torch_fast"] / t["ort"]:.2f}x)',
            f'{r["keypoint_diff_px"]:.1e}'
        ])
    print_table(
        'ONNX Runtime (CPUExecutionProvider) vs PyTorch, ms per face, '
        'crops -> keypoints (÷ ORT); max keypoint difference in px',
        ['model', 'batch', 'ORT', 'PyTorch eager', 'PyTorch fast', 'diff'],
        rows)
