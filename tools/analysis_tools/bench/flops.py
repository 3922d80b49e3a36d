# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Params and FLOPs section, and the achieved share of the matmul rate."""
import copy
import os.path as osp
import time

import torch
from torch import nn

from .common import (
    hourglass_models,
    HIH_CONFIGS,
    PUBLISHED,
    REPO_ROOT,
    TensorForward,
    build_model,
    face_batch,
    log,
    median_times,
    print_table,
)


def matmul_gflops(repeats: int, device: str = 'cpu',
                  dtype: torch.dtype = torch.float32,
                  size: int = 2048) -> float:
    """Peak GFLOP/s of a ``size`` x ``size`` matrix product: the fastest of
    ``max(repeats, 20)`` runs (a peak is what the hardware can reach)."""
    a = torch.randn(size, size, device=device, dtype=dtype)
    b = torch.randn(size, size, device=device, dtype=dtype)
    times = []
    for index in range(max(repeats, 20) + 2):
        start = time.perf_counter()
        torch.mm(a, b)
        if device.startswith('cuda'):
            torch.cuda.synchronize()
        if index >= 2:
            times.append(time.perf_counter() - start)
    return 2 * size**3 / min(times) / 1e9


def count_macs(model: nn.Module, size: int = 256) -> int:
    """Multiply-accumulates of one 256x256 face (mmengine's counter, which
    counts one multiply-add as one FLOP, like the papers)."""
    from mmengine.analysis import FlopAnalyzer
    analyzer = FlopAnalyzer(TensorForward(model).eval(),
                            (torch.zeros(1, 3, size, size), ))
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    return analyzer.total()


def bench_flops(args) -> dict:
    """Params, MACs and achieved GFLOP/s of HIH-T/S/B. The batch-1 forward
    passes and the 2048x2048 fp32 matmul are timed in the same interleaved
    rounds, so their ratio holds when the machine's speed drifts."""
    from hih_mmpose.deployment import optimize_for_inference
    from hih_mmpose.models.utils.param_count import (
        count_parameters,
        count_published_parameters,
    )
    size = 2048
    a, b = torch.randn(size, size), torch.randn(size, size)
    rows = []
    for name in hourglass_models(args):
        log(f'flops: HIH-{name}')
        model = build_model(osp.join(REPO_ROOT, HIH_CONFIGS[name]), 'cpu',
                            published=True)
        macs = count_macs(model)
        eager = TensorForward(model)
        fast = TensorForward(optimize_for_inference(copy.deepcopy(model)))
        x = model.data_preprocessor(face_batch(model, 1, 'cpu'))['inputs']
        with torch.inference_mode():
            timing = median_times(
                dict(eager=lambda: eager(x), fast=lambda: fast(x),
                     matmul=lambda: torch.mm(a, b)),
                max(args.repeats, 5))
        rows.append(dict(
            model=f'HIH-{name}',
            params=count_parameters(model.backbone) +
            count_parameters(model.head),
            published_count=count_published_parameters(model.backbone) +
            count_parameters(model.head),
            gmacs=macs / 1e9, published=PUBLISHED[name],
            matmul_gflops=2 * size**3 / timing['matmul'] / 1e9,
            achieved_gflops={
                k: 2 * macs / timing[k] / 1e9
                for k in ('eager', 'fast')
            }))
    return dict(models=rows)


def print_flops(r: dict) -> None:
    rows = []
    for m in r['models']:
        params, gflops = m['published']
        achieved, peak = m['achieved_gflops'], m['matmul_gflops']
        rows.append([
            m['model'], f'{m["params"] / 1e6:.2f}',
            f'{m["published_count"] / 1e6:.2f} ({params:.2f})',
            f'{m["gmacs"]:.2f} ({gflops:.2f})', f'{peak:.0f}', ' / '.join(
                f'{achieved[k]:.0f} ({achieved[k] / peak:.0%})'
                for k in ('eager', 'fast'))
        ])
    print_table(
        'Params and FLOPs at 256x256 (mmengine FlopAnalyzer; GFLOPs = G '
        'multiply-adds as in the paper); batch-1 forward GFLOP/s (2 x MACs '
        '/ time) and their share of a 2048x2048 fp32 matmul timed in the '
        'same rounds',
        ['model', 'params built (M)', 'params as published (paper)',
         'GFLOPs (paper)', 'matmul GFLOP/s', 'forward GFLOP/s eager / fast'],
        rows)
