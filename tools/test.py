# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Evaluate a checkpoint with mmengine's Runner (mmpose's tools/test.py, plus
CPU distributed testing and the CED curve of FaceAlignmentMetric in the work
dir).

Examples:
    .venv/bin/python tools/test.py configs/hih_wflw.py work_dirs/x/best.pth
    bash tools/dist_test.sh configs/hih_wflw.py work_dirs/x/best.pth 8
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Evaluate a pose model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir', help='the dir to save logs, metrics and the CED curve')
    parser.add_argument(
        '--out', help='save the metrics to this json file')
    parser.add_argument(
        '--dump', help='save the predictions to this pickle file (.pkl)')
    parser.add_argument(
        '--show-dir',
        help='save visualisations into work_dir/timestamp/show_dir')
    parser.add_argument('--show', action='store_true', help='show results')
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
    cfg.load_from = args.checkpoint
    cfg.resume = False
    evaluators = cfg.test_evaluator
    if not isinstance(evaluators, (list, tuple)):
        evaluators = [evaluators]
    for evaluator in evaluators:
        if evaluator.get('type') == 'FaceAlignmentMetric' and \
                evaluator.get('ced_dir') is None:
            evaluator.ced_dir = osp.join(cfg.work_dir, 'ced')
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--dump must be a .pkl file, got {args.dump}')
        cfg.test_evaluator = [
            *evaluators,
            dict(type='DumpResults', out_file_path=args.dump)
        ]
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
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint {args.checkpoint} not found')
    cfg = Config.fromfile(args.config)  # imports hih_mmpose (custom_imports)
    cfg = merge_args(cfg, args)
    from hih_mmpose.utils import prepare_cpu_distributed
    prepare_cpu_distributed(cfg, args.launcher)
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    if args.out:
        from mmengine.fileio import dump
        dump(metrics, args.out, indent=2)


if __name__ == '__main__':
    main()
