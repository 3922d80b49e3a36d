# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Speed of HIH on this machine: inference, training, FLOPs, ONNX Runtime
and (with CUDA) GPU figures, printed as tables.

Every figure is the median of ``--repeats`` timed runs after a warm-up, and
every comparison is a ratio measured in the same run, so the conclusions
hold on a noisy shared machine. Models use random weights whose BatchNorm
statistics are calibrated on the benchmark input (activations of a trained
network's scale; random weights with untouched statistics overflow or turn
denormal, which distorts CPU timings). HIH-T / S / B are the published
networks (the published decimal branch, as in the paper and the published
checkpoint); the training section trains configs/hih_synthetic.py as
configured.

Example::

    # everything (~15 min)
    python tools/analysis_tools/benchmark.py
    python tools/analysis_tools/benchmark.py --sections inference --models B \
        --batch-sizes 1
"""
import argparse
import copy
import json
import os
import os.path as osp
import statistics
import sys
import tempfile
import time
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.hooks import Hook
from torch import Tensor, nn

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from plain_hih import PlainHIH  # noqa: E402

HIH_CONFIGS = {
    'T': 'configs/hih-t_hg1_1xb16-60e_wflw-256x256.py',
    'S': 'configs/hih-s_hg2_1xb16-60e_wflw-256x256.py',
    'B': 'configs/hih-b_hg4_1xb16-60e_wflw-256x256.py',
}
# Published (paper Table) params / GFLOPs of HIH-T / S / B.
PUBLISHED = {'T': (10.37, 6.99), 'S': (14.47, 10.38), 'B': (22.68, 17.15)}
HRNET_CONFIG = ('face_2d_keypoint/topdown_heatmap/wflw/'
                'td-hm_hrnetv2-w18_8xb64-60e_wflw-256x256.py')
SECTIONS = ('inference', 'train', 'flops', 'onnx', 'gpu')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sections', nargs='+', choices=SECTIONS,
                        default=list(SECTIONS))
    parser.add_argument('--models', nargs='+', choices=list(HIH_CONFIGS),
                        default=list(HIH_CONFIGS))
    parser.add_argument('--batch-sizes', nargs='+', type=int,
                        default=[1, 16])
    parser.add_argument('--repeats', type=int, default=5,
                        help='timed runs per figure (median)')
    parser.add_argument('--no-hrnet', action='store_true',
                        help="skip mmpose's HRNetV2-W18 comparison")
    parser.add_argument('--train-iters', type=int, default=37,
                        help='training iterations to time (after 3 warm-up;'
                        ' rounded up to whole epochs of 8)')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch CPU threads (default: all cores)')
    parser.add_argument('--json', help='also write the figures here')
    return parser.parse_args()


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
                 sync: Optional[Callable[[], None]] = None
                 ) -> Dict[str, float]:
    """Median wall time (s) of each function, timed in interleaved rounds
    (one run of each per round) so that a slow phase of a shared machine
    hits all of them alike; one untimed warm-up round first."""
    times = {name: [] for name in fns}
    for round_index in range(repeats + 1):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            if sync is not None:
                sync()
            if round_index:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def print_table(title: str, header: Sequence[str],
                rows: List[Sequence[str]]) -> None:
    widths = [
        max(len(str(cell)) for cell in column)
        for column in zip(header, *rows)
    ]
    line = ' | '.join(f'{h:<{w}}' for h, w in zip(header, widths))
    print(f'\n{title}\n{line}\n' + '-' * len(line))
    for row in rows:
        print(' | '.join(f'{str(c):<{w}}' for c, w in zip(row, widths)))
    sys.stdout.flush()


# ---------------------------------------------------------------- models
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

    from hih_mmpose.datasets.synthetic_faces import render_face
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
                published: bool = False):
    """mmpose ``init_model`` (random weights), BN calibrated on faces.
    ``published``: with the published decimal branch (the network of the
    paper and of the published checkpoint) instead of the config's."""
    from mmpose.apis import init_model
    cfg = load_config(config)
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


# ------------------------------------------------------------- inference
def bench_inference(args, device: str = 'cpu') -> List[dict]:
    from hih_mmpose.apis import optimize_for_inference
    sync = torch.cuda.synchronize if device.startswith('cuda') else None
    results = []
    for name in args.models:
        log(f'inference: HIH-{name}')
        model = build_model(osp.join(REPO_ROOT, HIH_CONFIGS[name]), device,
                            published=True)
        backbone, head = model.cfg.model.backbone, model.cfg.model.head
        plain = PlainHIH(head.out_channels, backbone.num_stacks,
                         backbone.depth, backbone.channels,
                         head.decimal_channels,
                         int(np.log2(head.heatmap_size[0] /
                                     head.decimal_size[0])) - 1)
        plain.load_state_dict(model.state_dict(), strict=True)
        plain = plain.to(device).eval()
        fast = optimize_for_inference(copy.deepcopy(model))
        eager_net, fast_net = TensorForward(model), TensorForward(fast)
        codec = model.head.decoder
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
    from hih_mmpose.apis import optimize_for_inference
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


# ---------------------------------------------------------------- train
class IterTimes(Hook):
    """Records the wall-clock time after every training iteration."""

    def __init__(self) -> None:
        self.times: List[float] = []

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        self.times.append(time.perf_counter())


def images_per_second(times: List[float], warmup: int,
                      batch_size: int) -> float:
    timed = times[warmup:]
    return batch_size * (len(timed) - 1) / (timed[-1] - timed[0])


def runner_images_per_second(cfg, channels_last: bool,
                             warmup: int) -> tuple:
    """images/s of ``Runner.train()`` with or without the config's
    ``ChannelsLastHook``, and the number of iterations it ran."""
    from mmengine.runner import Runner
    cfg = copy.deepcopy(cfg)
    if not channels_last:
        cfg.custom_hooks = [
            h for h in cfg.custom_hooks if h['type'] != 'ChannelsLastHook'
        ]
    cfg.experiment_name = f'benchmark_{int(channels_last)}'
    runner = Runner.from_cfg(cfg)
    timer = IterTimes()
    runner.register_hook(timer, priority='LOWEST')
    runner.train()
    return (images_per_second(timer.times, warmup,
                              cfg.train_dataloader.batch_size),
            len(timer.times))


def plain_images_per_second(cfg, loader, channels_last: bool, total: int,
                            warmup: int) -> float:
    """images/s of a minimal PyTorch loop (Adam, no Runner, hooks or
    optimizer wrapper) over the same model and data loader."""
    from mmpose.registry import MODELS
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    if channels_last:
        model.to(memory_format=torch.channels_last)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(),
                                 lr=cfg.optim_wrapper.optimizer.lr)
    times = []
    while len(times) < total:
        for batch in loader:
            data = model.data_preprocessor(batch, training=True)
            losses = model(**data, mode='loss')
            loss = sum(v for k, v in losses.items() if 'loss' in k)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            times.append(time.perf_counter())
            if len(times) == total:
                break
    return images_per_second(times, warmup, cfg.train_dataloader.batch_size)


def bench_train(args, work_dir: str) -> dict:
    from mmengine.runner import Runner

    from hih_mmpose.datasets import generate_synthetic_dataset
    warmup = 3
    cfg = load_config(osp.join(REPO_ROOT, 'configs', 'hih_synthetic.py'))
    batch_size = cfg.train_dataloader.batch_size
    num_train = batch_size * 8
    log(f'train: rendering {num_train} synthetic faces')
    data_root = osp.join(work_dir, 'synthetic')
    generate_synthetic_dataset(data_root, num_train=num_train, num_test=8,
                               seed=0, show_progress=False)
    cfg.train_dataloader.dataset.data_root = data_root
    # epoch-based like the config (mmengine's iteration-based loop sleeps
    # 2 s at every pass over the data); whole epochs of 8 iterations
    epochs = -(-(warmup + args.train_iters) // 8)
    cfg.train_cfg = dict(by_epoch=True, max_epochs=epochs)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        interval=10**9)
    cfg.default_hooks.logger.interval = 10**9
    cfg.log_level = 'WARNING'
    cfg.work_dir = osp.join(work_dir, 'runner')
    cfg.randomness = dict(seed=0)

    result = dict(config='configs/hih_synthetic.py', batch=batch_size,
                  num_workers=cfg.train_dataloader.num_workers)
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    for channels_last in (True, False):
        layout = 'nhwc' if channels_last else 'nchw'
        log(f'train: mmengine Runner (what tools/train.py runs), {layout}, '
            f'{epochs} epochs of 8 iterations of {batch_size} images')
        result[f'runner_{layout}'], total = runner_images_per_second(
            cfg, channels_last, warmup)
        log(f'train: plain PyTorch loop, {layout}, same model and loader')
        result[f'plain_{layout}'] = plain_images_per_second(
            cfg, loader, channels_last, total, warmup)

    log('train: the configured data loader alone')
    times = []
    while len(times) < total:
        for _ in loader:
            times.append(time.perf_counter())
            if len(times) == total:
                break
    result['loader'] = images_per_second(times, warmup, batch_size)
    return result


def print_train(r: dict) -> None:
    print_table(
        f'Training, {r["config"]} (128 px, 2 stacks), batch {r["batch"]}, '
        f'{r["num_workers"]} loader worker(s); nhwc: ChannelsLastHook (in '
        'every config), nchw: without it',
        ['loop', 'images/s', 'ratio'],
        [['Runner (tools/train.py), nhwc', f'{r["runner_nhwc"]:.1f}',
          f'{r["runner_nhwc"] / r["plain_nhwc"]:.2f}x plain nhwc, '
          f'{r["runner_nhwc"] / r["runner_nchw"]:.2f}x Runner nchw'],
         ['Runner, nchw', f'{r["runner_nchw"]:.1f}',
          f'{r["runner_nchw"] / r["plain_nchw"]:.2f}x plain nchw'],
         ['plain PyTorch loop, nhwc', f'{r["plain_nhwc"]:.1f}', ''],
         ['plain PyTorch loop, nchw', f'{r["plain_nchw"]:.1f}', ''],
         ['data loader alone', f'{r["loader"]:.1f}',
          f'{r["loader"] / r["runner_nhwc"]:.1f}x the Runner nhwc step']])


# ---------------------------------------------------------------- flops
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
    from hih_mmpose.apis import optimize_for_inference
    from hih_mmpose.models.utils import (count_parameters,
                                         count_published_parameters)
    size = 2048
    a, b = torch.randn(size, size), torch.randn(size, size)
    rows = []
    for name in args.models:
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


# ----------------------------------------------------------------- onnx
def bench_onnx(args, work_dir: str) -> List[dict]:
    import onnxruntime as ort

    from hih_mmpose.apis import HIHDeployModel, export_onnx
    results = []
    for name in args.models:
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
        from hih_mmpose.apis import optimize_for_inference
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


# ------------------------------------------------------------------ gpu
def bench_gpu(args) -> Dict[str, object]:
    """GPU figures, or why they were not measured."""
    if not torch.cuda.is_available():
        return dict(measured=False,
                    reason='no CUDA device on this machine')
    from hih_mmpose.apis import optimize_for_inference
    device = 'cuda'
    sync = torch.cuda.synchronize
    rows = []
    bf16_peak = matmul_gflops(args.repeats, device, torch.bfloat16, 8192)
    for name in args.models:
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


# ----------------------------------------------------------------- main
def main() -> None:
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    from mmengine.logging import MMLogger
    from mmpose.utils import register_all_modules

    import hih_mmpose  # noqa: F401
    register_all_modules()
    MMLogger.get_instance('hih_benchmark', log_level='WARNING')
    print(f'machine: {os.cpu_count()} CPU cores, torch '
          f'{torch.__version__} with {torch.get_num_threads()} threads, '
          f'CUDA: {torch.cuda.is_available()}', flush=True)
    figures: Dict[str, object] = {}
    with tempfile.TemporaryDirectory() as work_dir:
        if 'inference' in args.sections:
            figures['inference'] = bench_inference(args)
            if not args.no_hrnet:
                figures['inference'] += bench_hrnet(args)
            print_inference(figures['inference'])
        if 'train' in args.sections:
            figures['train'] = bench_train(args, work_dir)
            print_train(figures['train'])
        if 'flops' in args.sections:
            figures['flops'] = bench_flops(args)
            print_flops(figures['flops'])
        if 'onnx' in args.sections:
            figures['onnx'] = bench_onnx(args, work_dir)
            print_onnx(figures['onnx'])
        if 'gpu' in args.sections:
            figures['gpu'] = bench_gpu(args)
            print_gpu(figures['gpu'])
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(figures, f, indent=1)
        print(f'\nfigures written to {args.json}')


if __name__ == '__main__':
    main()
