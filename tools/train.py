# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Train a model with mmengine's Runner (mmpose's tools/train.py, plus CPU
distributed training).

Examples:
    .venv/bin/python tools/train.py configs/hih_wflw.py
    .venv/bin/python tools/train.py configs/hih_wflw.py --resume --amp
    bash tools/dist_train.sh configs/hih_wflw.py 8
"""
import argparse

from mmengine.config import Config
from mmengine.runner import Runner

from launch_helpers.annotation_check import (check_run_datasets,
                                                  report_left_out_faces)
from launch_helpers.runner import (add_runner_arguments, end_distributed,
                                   merge_cfg_options, merge_runner_arguments,
                                   prepare_cpu_distributed,
                                   run_with_checkpoints)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a pose model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint, or without a path from the latest '
        'checkpoint in the work dir')
    parser.add_argument(
        '--amp', action='store_true',
        help='automatic mixed precision: fp16 on a GPU, bf16 on a CPU with '
        'native bf16 (AVX-512 BF16 or AMX; refused on others)')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the total batch size')
    add_runner_arguments(parser)
    return parser.parse_args()


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line arguments to the config."""
    merge_runner_arguments(cfg, args)
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.amp:
        import torch
        if torch.cuda.is_available():
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
        else:  # bf16 autocast on a CPU with native bf16 (else an error)
            from hih_mmpose.engine import use_cpu_bf16
            for change in use_cpu_bf16(cfg):
                print(f'--amp: {change}')
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
        cfg.default_hooks.checkpoint.save_best = None
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    merge_cfg_options(cfg, args.cfg_options)
    return cfg


def check_work_dir_links(work_dir: str) -> None:
    """Refuse a work dir that holds links: mmengine's Runner writes its
    checkpoints, ``last_checkpoint`` and logs there by name and would write
    through a link to a file elsewhere (or create one outside for a
    dangling link)."""
    import os
    import os.path as osp
    if not osp.isdir(work_dir):
        return
    links = [osp.join(work_dir, name) for name in sorted(os.listdir(work_dir))
             if osp.islink(osp.join(work_dir, name))]
    if links:
        raise SystemExit(
            f'error: --work-dir {work_dir} holds {len(links)} link(s) ('
            + ', '.join(f'{link} -> {os.readlink(link)}'
                        for link in links[:3]) +
            '); the Runner would write through them: remove them or choose '
            'another work dir')


def check_resume(cfg: Config, resume: str) -> str:
    """The checkpoint ``--resume`` continues from; nothing to resume is an
    error, not a training from scratch (mmengine's ``resume=True`` would log
    "Auto resumed from the latest checkpoint None" and start over)."""
    import os.path as osp

    from mmengine.runner import find_latest_checkpoint
    if resume == 'auto':
        latest = find_latest_checkpoint(cfg.work_dir)
        if latest is None or not osp.isfile(latest):
            raise SystemExit(
                f'error: --resume found no checkpoint to resume in '
                f'{cfg.work_dir} (no last_checkpoint file or none that '
                'exists); drop --resume to start a new training there, or '
                'give --resume PATH')
        print(f'--resume: continuing from {latest}', flush=True)
        return latest
    if not osp.isfile(resume):
        raise SystemExit(f'error: --resume {resume}: no such checkpoint')
    return resume


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)  # imports hih_mmpose (custom_imports)
    cfg = merge_args(cfg, args)
    check_work_dir_links(cfg.work_dir)
    checkpoint = cfg.get('load_from')
    if args.resume is not None:
        checkpoint = check_resume(cfg, args.resume)
    if not args.skip_data_check:
        check_run_datasets(cfg, args.check_images)
    else:
        report_left_out_faces(cfg)
    prepare_cpu_distributed(cfg, args.launcher)
    runner = Runner.from_cfg(cfg)
    # the checkpoint it loads (load_from, --resume with or without a path)
    # is scanned first, whatever torch's environment says, then loads with
    # weights_only and the allow-list of SAFE_GLOBALS, unless trusted
    run_with_checkpoints(runner.train, checkpoint, args.trust_checkpoint)
    end_distributed()


if __name__ == '__main__':
    main()
