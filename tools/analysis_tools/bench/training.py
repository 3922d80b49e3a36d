# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Training section: Runner vs plain loop, NHWC vs NCHW, data loader."""
import copy
import os.path as osp
import time
from typing import List, Optional

import torch
from mmengine.hooks import Hook

from .common import REPO_ROOT, load_config, log, print_table


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


def runner_images_per_second(cfg, channels_last: bool, warmup: int,
                             bf16: bool = False,
                             num_workers: Optional[int] = None) -> tuple:
    """images/s of ``Runner.train()`` with or without the config's
    ``ChannelsLastHook``, and the number of iterations it ran. ``bf16``:
    as ``tools/train.py --amp`` on a CPU (:func:`use_cpu_bf16`);
    ``num_workers``: loader workers instead of the config's (after it)."""
    from mmengine.runner import Runner

    from hih_mmpose.engine import use_cpu_bf16
    cfg = copy.deepcopy(cfg)
    if bf16:
        use_cpu_bf16(cfg)
    if num_workers is not None:
        cfg.train_dataloader.num_workers = num_workers
        cfg.train_dataloader.persistent_workers = num_workers > 0
    if not channels_last:
        cfg.custom_hooks = [
            h for h in cfg.custom_hooks if h['type'] != 'ChannelsLastHook'
        ]
    cfg.experiment_name = (f'benchmark_{int(channels_last)}{int(bf16)}'
                           f'{num_workers}')
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

    from synthetic_world import generate_synthetic_dataset
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

    from hih_mmpose.engine import cpu_has_bf16
    if cpu_has_bf16():
        # --amp (bf16 autocast; 2 cores: no loader worker) against fp32,
        # each with and without the worker
        for bf16, workers, key in ((False, 0, 'runner_fp32_w0'),
                                   (True, None, 'runner_bf16'),
                                   (True, 1, 'runner_bf16_w1')):
            log(f'train: Runner nhwc, {"bf16" if bf16 else "fp32"}, '
                f'{"as --amp sets" if workers is None else workers} '
                'loader worker(s)')
            result[key] = runner_images_per_second(cfg, True, warmup, bf16,
                                                   workers)[0]
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
          f'{r["loader"] / r["runner_nhwc"]:.1f}x the Runner nhwc step']] +
        ([['Runner nhwc, fp32, no loader worker', f'{r["runner_fp32_w0"]:.1f}',
           f'{r["runner_fp32_w0"] / r["runner_nhwc"]:.2f}x Runner nhwc'],
          ['Runner nhwc, bf16 (tools/train.py --amp)',
           f'{r["runner_bf16"]:.1f}',
           f'{r["runner_bf16"] / r["runner_nhwc"]:.2f}x Runner nhwc'],
          ['Runner nhwc, bf16 with 1 loader worker',
           f'{r["runner_bf16_w1"]:.1f}',
           f'{r["runner_bf16_w1"] / r["runner_nhwc"]:.2f}x Runner nhwc']]
         if 'runner_bf16' in r else []))
