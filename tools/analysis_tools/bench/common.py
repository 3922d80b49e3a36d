# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Shared parts of the benchmark: timing, tables, model building."""
import os.path as osp
import statistics
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import torch
from torch import Tensor, nn

from .plain_hih import PlainHIH  # noqa: F401

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))

HIH_CONFIGS = {
    'T': 'configs/hih-t_hg1_1xb16-60e_wflw-256x256.py',
    'S': 'configs/hih-s_hg2_1xb16-60e_wflw-256x256.py',
    'B': 'configs/hih_wflw.py',
    'L': 'configs/hih_res18-w32-fpn_1xb16-60e_wflw-256x256.py',
}
#: the hourglass models (the published networks); the inference, FLOPs,
#: ONNX and GPU sections compare them with their paper and plain-PyTorch
#: twins, so they skip the light HIH ('L'), which the light and precision
#: sections cover
HOURGLASS = ('T', 'S', 'B')
MODEL_NAMES = {'T': 'HIH-T', 'S': 'HIH-S', 'B': 'HIH-B',
               'L': 'light HIH (ResNet-18/2 + FPN)'}
# Published (paper Table) params / GFLOPs of HIH-T / S / B.
PUBLISHED = {'T': (10.37, 6.99), 'S': (14.47, 10.38), 'B': (22.68, 17.15)}
HRNET_CONFIG = ('face_2d_keypoint/topdown_heatmap/wflw/'
                'td-hm_hrnetv2-w18_8xb64-60e_wflw-256x256.py')


def log(message: str) -> None:
    print(f'[benchmark {time.strftime("%H:%M:%S")}] {message}', flush=True)


def median_time(fn: Callable[[], object], repeats: int, warmup: int = 1,
                sync: Optional[Callable[[], None]] = None) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` runs."""
    sync = sync or (lambda: None)
    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_times(fns: Dict[str, Callable[[], object]], repeats: int,
                 sync: Optional[Callable[[], None]] = None,
                 warm: bool = False) -> Dict[str, float]:
    """Median wall time (s) of each function, timed in interleaved rounds
    (one run of each per round) so that a slow phase of a shared machine
    hits all of them alike; one untimed warm-up round first. ``warm``: each
    timed run right after an untimed run of the same function, as in a
    stream of photos or frames through one model (otherwise the runs of
    the others in between leave its caches and threads cold)."""
    times = {name: [] for name in fns}
    for round_index in range(repeats + 1):
        for name, fn in fns.items():
            if warm:
                fn()
                if sync is not None:
                    sync()
            start = time.perf_counter()
            fn()
            if sync is not None:
                sync()
            if round_index:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


#: the machine line every table is printed with (set by benchmark.py)
MACHINE = {'cpu': None}


def print_table(title: str, header: Sequence[str],
                rows: List[Sequence[str]]) -> None:
    if MACHINE['cpu']:
        title = f'{title}\nCPU: {MACHINE["cpu"]}'
    widths = [
        max(len(str(cell)) for cell in column)
        for column in zip(header, *rows)
    ]
    line = ' | '.join(f'{h:<{w}}' for h, w in zip(header, widths))
    print(f'\n{title}\n{line}\n' + '-' * len(line))
    for row in rows:
        print(' | '.join(f'{str(c):<{w}}' for c, w in zip(row, widths)))
    sys.stdout.flush()


def load_config(path: str):
    from mmengine.config import Config
    cfg = Config.fromfile(path)
    cfg.model.test_cfg = dict(flip_test=False)
    return cfg


def hrnet_config_path() -> str:
    import mmpose
    return osp.join(osp.dirname(mmpose.__file__), '.mim', 'configs',
                    HRNET_CONFIG)


def calibrate_bn(model: nn.Module, inputs: Tensor) -> None:
    """Set every BN's running statistics to those of ``inputs`` (a forward
    in train mode with cumulative averaging), then ``eval()``."""
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None
    model.train()
    with torch.no_grad():
        model(inputs)
    model.eval()


class TensorForward(nn.Module):
    """``TopdownPoseEstimator`` as tensor in, tensors out (backbone, neck,
    head): the network without the mmpose data structures."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: Tensor):
        feats = self.model.backbone(x)
        if self.model.with_neck:
            feats = self.model.neck(feats)
        return self.model.head(feats)


def face_batch(model: nn.Module, batch_size: int, device: str) -> dict:
    """A collated test batch of ``batch_size`` synthetic 256 px faces run
    through the model's own test pipeline (what ``inference_topdown``
    feeds ``test_step``)."""
    from mmengine.dataset import Compose, pseudo_collate

    from synthetic_world.synthetic_faces import render_face
    rng = np.random.default_rng(0)
    pipeline = Compose(model.cfg.test_dataloader.dataset.pipeline)
    samples = []
    for _ in range(batch_size):
        image, _ = render_face(rng, 256)
        info = dict(img=image, bbox=np.array([[0, 0, 256, 256]], np.float32),
                    bbox_score=np.ones(1, np.float32))
        info.update(model.dataset_meta)
        samples.append(pipeline(info))
    batch = pseudo_collate(samples)
    batch['inputs'] = [x.to(device) for x in batch['inputs']]
    return batch


def build_model(config: str,
                device: str,
                calibration_batch: int = 4,
                published: bool = False,
                overrides: Optional[dict] = None):
    """mmpose ``init_model`` (random weights), BN calibrated on faces.
    ``published``: with the published decimal branch (the network of the
    paper and of the published checkpoint) instead of the config's.
    ``overrides``: ``Config.merge_from_dict`` keys (``'model.neck'``, ...)
    applied first."""
    from mmpose.apis import init_model
    cfg = load_config(config)
    if overrides:
        cfg.merge_from_dict(overrides)
    if published:
        cfg.model.head.decimal_branch = None
        cfg.model.head.setdefault('decimal_channels', 384)
        cfg.model.head.decoder.mask_decimal = True
    model = init_model(cfg, device=device)
    data = model.data_preprocessor(
        face_batch(model, calibration_batch, device))
    calibrate_bn(TensorForward(model), data['inputs'])
    return model


def max_relative_diff(reference, other) -> float:
    """max |a - b| / max |a| over matching tensors."""
    return max(
        float((a - b).abs().max() / a.abs().max().clamp_min(1e-12))
        for a, b in zip(reference, other))


def hourglass_models(args) -> List[str]:
    """The hourglass models among ``--models`` (see :data:`HOURGLASS`)."""
    return [name for name in args.models if name in HOURGLASS]
