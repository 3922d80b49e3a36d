# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Inference section: ms per face, plain PyTorch vs mmpose vs fast path."""
import copy
import os.path as osp
from typing import List

import numpy as np
import torch

from .common import (
    hourglass_models,
    HIH_CONFIGS,
    REPO_ROOT,
    PlainHIH,
    TensorForward,
    build_model,
    face_batch,
    hrnet_config_path,
    log,
    max_relative_diff,
    median_time,
    median_times,
    print_table,
)


def bench_inference(args, device: str = 'cpu') -> List[dict]:
    from hih_mmpose.deployment import optimize_for_inference
    sync = torch.cuda.synchronize if device.startswith('cuda') else None
    results = []
    for name in hourglass_models(args):
        log(f'inference: HIH-{name}')
        model = build_model(osp.join(REPO_ROOT, HIH_CONFIGS[name]), device,
                            published=True)
        backbone, head = model.cfg.model.backbone, model.cfg.model.head
        codec = model.head.decoder
        plain = PlainHIH(head.out_channels, backbone.num_stacks,
                         backbone.depth, backbone.channels,
                         head.decimal_channels,
                         int(np.log2(codec.heatmap_size[0] /
                                     codec.decimal_size[0])) - 1)
        plain.load_state_dict(model.state_dict(), strict=True)
        plain = plain.to(device).eval()
        fast = optimize_for_inference(copy.deepcopy(model))
        eager_net, fast_net = TensorForward(model), TensorForward(fast)
        for batch_size in args.batch_sizes:
            batch = face_batch(model, batch_size, device)
            x = model.data_preprocessor(batch)['inputs']
            with torch.inference_mode():
                outputs = eager_net(x)
                fast_outputs = fast_net(x)
                plain_outputs = plain(x)
                pred = model.test_step(batch)
                fast_pred = fast.test_step(batch)
                timing = median_times(
                    dict(plain=lambda: plain(x),
                         eager=lambda: eager_net(x),
                         predict=lambda: model.test_step(batch),
                         fast=lambda: fast_net(x),
                         fast_predict=lambda: fast.test_step(batch)),
                    args.repeats, sync)
                timing['decode'] = median_time(
                    lambda: codec.decode_torch(*outputs),
                    max(args.repeats, 20), sync=sync)
            keypoint_diff = np.concatenate([
                np.abs(a.pred_instances.keypoints -
                       b.pred_instances.keypoints).max(-1).ravel()
                for a, b in zip(pred, fast_pred)
            ])
            results.append(
                dict(model=f'HIH-{name}', batch=batch_size,
                     ms_per_face={k: 1e3 * v / batch_size
                                  for k, v in timing.items()},
                     plain_vs_ours=max_relative_diff(outputs, plain_outputs),
                     fast_vs_eager=max_relative_diff(outputs, fast_outputs),
                     fast_keypoints_moved=int((keypoint_diff > 1e-3).sum()),
                     num_keypoints=keypoint_diff.size,
                     fast_keypoint_diff_px=float(keypoint_diff.max())))
            log(f'  batch {batch_size}: ' + ', '.join(
                f'{k} {v:.1f}' for k, v in
                results[-1]['ms_per_face'].items()) + ' ms/face')
    return results


def bench_hrnet(args, device: str = 'cpu') -> List[dict]:
    from hih_mmpose.deployment import optimize_for_inference
    sync = torch.cuda.synchronize if device.startswith('cuda') else None
    log("inference: mmpose's HRNetV2-W18 (WFLW)")
    model = build_model(hrnet_config_path(), device)
    fast = optimize_for_inference(copy.deepcopy(model))
    results = []
    for batch_size in args.batch_sizes:
        batch = face_batch(model, batch_size, device)
        with torch.inference_mode():
            timing = median_times(
                dict(predict=lambda: model.test_step(batch),
                     fast_predict=lambda: fast.test_step(batch)),
                args.repeats, sync)
        results.append(dict(model='HRNetV2-W18', batch=batch_size,
                            ms_per_face={k: 1e3 * v / batch_size
                                         for k, v in timing.items()}))
    return results


def print_inference(results: List[dict]) -> None:
    rows = []
    for r in results:
        t = r['ms_per_face']
        if 'plain' not in t:
            rows.append([r['model'], r['batch'], '-', '-', '-',
                         f'{t["predict"]:.1f}', '-',
                         f'{t["fast_predict"]:.1f}', '-', '-'])
            continue
        rows.append([
            r['model'], r['batch'], f'{t["plain"]:.1f}', f'{t["eager"]:.1f}',
            f'{t["decode"]:.2f} ({100 * t["decode"] / t["eager"]:.1f} %)',
            f'{t["predict"]:.1f} ({t["predict"] / t["plain"]:.2f}x)',
            f'{t["fast"]:.1f} ({t["eager"] / t["fast"]:.2f}x)',
            f'{t["fast_predict"]:.1f} ({t["fast_predict"] / t["plain"]:.2f}x)',
            f'{r["plain_vs_ours"]:.0e}',
            f'{r["fast_vs_eager"]:.0e} / {r["fast_keypoints_moved"]} of '
            f'{r["num_keypoints"]}'
        ])
    print_table(
        'Inference, ms per face (256x256, no flip test). decode: share of '
        'the eager forward; predict: TopdownPoseEstimator.test_step (÷ '
        'plain forward); fast: optimize_for_inference (eager ÷ fast); '
        'differences: max relative on the maps, keypoints that moved by '
        '> 1e-3 px',
        ['model', 'batch', 'plain fwd', 'eager fwd', 'decode',
         'predict', 'fast fwd', 'fast predict', 'plain vs eager',
         'fast vs eager: maps / kpts'], rows)
