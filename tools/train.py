# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Train a model with mmengine's Runner (mmpose's tools/train.py, plus CPU
distributed training).

Examples:
    .venv/bin/python tools/train.py configs/hih_wflw.py
    .venv/bin/python tools/train.py configs/hih_wflw.py --resume --amp
    bash tools/dist_train.sh configs/hih_wflw.py 8
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a pose model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint, or without a path from the latest '
        'checkpoint in the work dir')
    parser.add_argument(
        '--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the total batch size')
    parser.add_argument(
        '--show-dir',
        help='save validation visualisations into work_dir/timestamp/'
        'show_dir')
    parser.add_argument(
        '--show', action='store_true', help='show validation results')
    parser.add_argument(
        '--interval', type=int, default=1, help='visualisation interval')
    parser.add_argument(
        '--wait-time', type=float, default=1, help='display time (s)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line arguments to the config."""
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.launcher = args.launcher
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
        cfg.default_hooks.checkpoint.save_best = None
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.show or args.show_dir:
        hook = cfg.default_hooks.visualization
        hook.update(enable=True, show=args.show, interval=args.interval,
                    wait_time=args.wait_time)
        if args.show_dir:
            hook.out_dir = args.show_dir
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)  # imports hih_mmpose (custom_imports)
    cfg = merge_args(cfg, args)
    from hih_mmpose.utils import prepare_cpu_distributed
    prepare_cpu_distributed(cfg, args.launcher)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
