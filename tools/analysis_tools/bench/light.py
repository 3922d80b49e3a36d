# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Light section: HIH's head on light backbones that mmpose registers,
against HIH-S and HIH-B: params, multiply-adds and ms per face of every
backend x precision, all timed in the same interleaved rounds (so the
ratios to HIH-B hold on a machine whose speed drifts)."""
import os.path as osp
from typing import Dict, List, Tuple

import numpy as np

from .common import (
    HIH_CONFIGS,
    REPO_ROOT,
    build_model,
    log,
    median_times,
    print_table,
)
from .flops import count_macs
from .precision import calibration_crops_of

#: the kept light HIH: mmpose's ResNet-18 at half width + FPN
LIGHT_CONFIG = HIH_CONFIGS['L']
LITEHRNET_CONFIG = 'configs/hih_litehrnet-18_1xb16-60e_wflw-256x256.py'
#: the light backbones measured: (WFLW config, ``Config.merge_from_dict``
#: overrides of it). Each gives one feature map at 1/4 of the input, the
#: integer heatmap's grid.
LIGHT_CANDIDATES: Dict[str, Tuple[str, dict]] = {
    'ResNet-18/2 + FPN + HIH head': (LIGHT_CONFIG, {}),
    'LiteHRNet-18 + HIH head': (LITEHRNET_CONFIG, {}),
    'LiteHRNet-30 + HIH head': (LITEHRNET_CONFIG, {
        'model.backbone.extra.stages_spec.num_modules': (3, 8, 3)
    }),
    'HRNetV2-W18-small + HIH head': (LITEHRNET_CONFIG, {
        # HRNet-W18-small-v2's stages (1 / 1 / 3 / 2 modules of 2 blocks),
        # the four branches upsampled and concatenated as in mmpose's
        # HRNetV2 face configs (270 channels)
        'model.backbone': dict(
            _delete_=True,
            type='HRNet',
            in_channels=3,
            extra=dict(
                stage1=dict(num_modules=1, num_branches=1,
                            block='BOTTLENECK', num_blocks=(2, ),
                            num_channels=(64, )),
                stage2=dict(num_modules=1, num_branches=2, block='BASIC',
                            num_blocks=(2, 2), num_channels=(18, 36)),
                stage3=dict(num_modules=3, num_branches=3, block='BASIC',
                            num_blocks=(2, 2, 2),
                            num_channels=(18, 36, 72)),
                stage4=dict(num_modules=2, num_branches=4, block='BASIC',
                            num_blocks=(2, 2, 2, 2),
                            num_channels=(18, 36, 72, 144),
                            multiscale_output=True),
                upsample=dict(mode='bilinear', align_corners=False))),
        'model.neck': dict(type='FeatureMapProcessor', concat=True),
        'model.head.in_channels': 270,
    }),
}


def dark_overrides(in_channels: int) -> dict:
    """A light WFLW config's HIH head replaced by mmpose's heatmap head
    (the same final 1x1 conv, no HIH decimal heatmap), unbiased
    MSRAHeatmap + DARK: the twins of the table in docs/light_hih.md."""
    return {
        'model.head': dict(
            _delete_=True, type='HeatmapHead', in_channels=in_channels,
            out_channels=98, deconv_out_channels=None,
            decoder=dict(type='MSRAHeatmap', input_size=(256, 256),
                         heatmap_size=(64, 64), sigma=2., unbiased=True)),
        'model.test_cfg': dict(flip_test=False),
    }


#: the light backbones with mmpose's heatmap head; PyTorch only (the
#: exported graph decodes HIH's heatmaps)
DARK_TWINS: Dict[str, Tuple[str, dict]] = {
    'ResNet-18/2 + FPN + mmpose HeatmapHead (DARK)':
    (LIGHT_CONFIG, dark_overrides(64)),
    'LiteHRNet-18 + mmpose HeatmapHead (DARK)':
    (LITEHRNET_CONFIG, dark_overrides(40)),
}


def _param_count(model) -> int:
    return sum(p.numel() for p in model.parameters())


def bench_light(args) -> List[dict]:
    """Each candidate, HIH-S and HIH-B (the configs' networks: the cell
    decimal branch) through every backend x precision at batch 1, and the
    DARK twin through PyTorch's fp32 fast path (mmpose's test_step)."""
    import tempfile

    import torch

    from hih_mmpose.deployment import optimize_for_inference
    from research.crop_runners import crop_runners
    from .common import face_batch
    work_dirs = []
    models = dict(LIGHT_CANDIDATES)
    if not getattr(args, 'light_candidates_only', False):
        models.update({'HIH-S (2-stack hourglass)': 'S',
                       'HIH-B (4-stack hourglass)': 'B'})
    rows, timed = [], {}
    for name, spec in models.items():
        log(f'light: {name}')
        if isinstance(spec, str):
            model = build_model(osp.join(REPO_ROOT, HIH_CONFIGS[spec]),
                                'cpu')
        else:
            config, overrides = spec
            model = build_model(osp.join(REPO_ROOT, config), 'cpu',
                                overrides=overrides)
        calib = calibration_crops_of(model)
        work_dirs.append(tempfile.TemporaryDirectory())
        for key, predictor in crop_runners(model, work_dirs[-1].name,
                                           calib).items():
            timed[(name, key)] = (lambda p=predictor, c=calib[:1]: p(c))
        rows.append(dict(model=name, params=_param_count(model),
                         gmacs=count_macs(model) / 1e9))
    for name, (config, overrides) in DARK_TWINS.items():
        log(f'light: {name}')
        twin = build_model(osp.join(REPO_ROOT, config), 'cpu',
                           overrides=overrides)
        rows.append(dict(model=name, params=_param_count(twin),
                         gmacs=count_macs(twin) / 1e9))
        fast_twin = optimize_for_inference(twin)
        batch = face_batch(twin, 1, 'cpu')

        def twin_predict(model=fast_twin, batch=batch):
            with torch.inference_mode():
                model.test_step(batch)

        timed[(name, 'torch fp32')] = twin_predict
    log(f'light: timing {len(timed)} model x backend x precision runs in '
        f'{args.repeats} interleaved rounds')
    timing = median_times(timed, args.repeats)
    for row in rows:
        row['ms_per_face'] = {
            key: 1e3 * seconds
            for (name, key), seconds in timing.items() if name == row['model']
        }
    return rows


def print_light(rows: List[dict]) -> None:
    keys = sorted({k for r in rows for k in r['ms_per_face']})
    base = next((r for r in rows if r['model'].startswith('HIH-B')), None)
    base_best = min(base['ms_per_face'].values()) if base else np.nan
    table = []
    for r in rows:
        t = r['ms_per_face']
        best = min(t, key=t.get)
        table.append([
            r['model'], f'{r["params"] / 1e6:.2f}', f'{r["gmacs"]:.2f}',
            *[f'{t[k]:.1f}' if k in t else '-' for k in keys],
            f'{t[best]:.1f} ({best})', f'{base_best / t[best]:.1f}x'
        ])
    print_table(
        'Light HIH: params, G multiply-adds and ms per face at 256x256, '
        'batch 1, crops -> keypoints, no flip test (random weights, BN '
        'calibrated on faces; int8 = one QDQ model per network); best = '
        'the fastest backend x precision; x HIH-B = HIH-B\'s best / this '
        'best, timed in the same rounds',
        ['model', 'params (M)', 'GMac', *keys, 'best ms', 'x HIH-B'], table)
