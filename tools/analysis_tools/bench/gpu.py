# Copyright (c) hih_mmpose contributors. All rights reserved.
"""GPU section (CUDA only): training fp32 vs bf16 AMP, faces per second."""
import copy
import os.path as osp
from typing import Dict

import torch

from .common import (
    hourglass_models,
    HIH_CONFIGS,
    REPO_ROOT,
    TensorForward,
    build_model,
    log,
    median_time,
    print_table,
)
from .flops import count_macs, matmul_gflops


def bench_gpu(args) -> Dict[str, object]:
    """GPU figures, or why they were not measured."""
    if not torch.cuda.is_available():
        return dict(measured=False,
                    reason='no CUDA device on this machine')
    from hih_mmpose.deployment import optimize_for_inference
    device = 'cuda'
    sync = torch.cuda.synchronize
    rows = []
    bf16_peak = matmul_gflops(args.repeats, device, torch.bfloat16, 8192)
    for name in hourglass_models(args):
        log(f'gpu: HIH-{name}')
        model = build_model(osp.join(REPO_ROOT, HIH_CONFIGS[name]), device,
                            published=True)
        macs = count_macs(copy.deepcopy(model).cpu())
        row = dict(model=f'HIH-{name}')
        fast = TensorForward(optimize_for_inference(copy.deepcopy(model)))
        for batch_size in (1, 64):
            x = torch.randn(batch_size, 3, 256, 256, device=device)
            with torch.inference_mode():
                seconds = median_time(lambda: fast(x), args.repeats,
                                      sync=sync)
                row[f'fp32_faces_per_s_b{batch_size}'] = batch_size / seconds
                with torch.autocast('cuda', dtype=torch.bfloat16):
                    seconds = median_time(lambda: fast(x), args.repeats,
                                          sync=sync)
                row[f'bf16_faces_per_s_b{batch_size}'] = batch_size / seconds
        row['bf16_roofline_fraction'] = (
            2 * macs * row['bf16_faces_per_s_b64'] / 1e9 / bf16_peak)
        net = TensorForward(model).train()
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-4)
        x = torch.randn(16, 3, 256, 256, device=device)

        def step(amp: bool) -> None:
            with torch.autocast('cuda', dtype=torch.bfloat16, enabled=amp):
                heatmaps, decimal = net(x)
                loss = heatmaps.float().square().mean() + \
                    decimal.float().square().mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        row['train_fp32_imgs_per_s'] = 16 / median_time(
            lambda: step(False), args.repeats, sync=sync)
        net.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
        row['train_amp_cl_imgs_per_s'] = 16 / median_time(
            lambda: step(True), args.repeats, sync=sync)
        rows.append(row)
    return dict(measured=True, device=torch.cuda.get_device_name(),
                bf16_matmul_peak_gflops=bf16_peak, models=rows)


def print_gpu(r: dict) -> None:
    if not r['measured']:
        print(f'\nGPU: not measured ({r["reason"]}).')
        return
    rows = [[
        m['model'], f'{m["train_fp32_imgs_per_s"]:.0f}',
        f'{m["train_amp_cl_imgs_per_s"]:.0f}',
        f'{m["fp32_faces_per_s_b1"]:.0f} / {m["fp32_faces_per_s_b64"]:.0f}',
        f'{m["bf16_faces_per_s_b1"]:.0f} / {m["bf16_faces_per_s_b64"]:.0f}',
        f'{m["bf16_roofline_fraction"]:.0%}'
    ] for m in r['models']]
    print_table(
        f'GPU {r["device"]}: training (batch 16, 256 px) images/s, inference '
        f'faces/s at batch 1 / 64; bf16 matmul peak '
        f'{r["bf16_matmul_peak_gflops"] / 1e3:.0f} TFLOP/s',
        ['model', 'train fp32', 'train bf16 AMP + channels_last',
         'infer fp32 b1 / b64', 'infer bf16 b1 / b64',
         'bf16 roofline (b64)'], rows)
