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

from mmengine.config import Config
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from launch_helpers.annotation_check import (check_run_datasets,
                                                  report_left_out_faces)
from launch_helpers.runner import (add_runner_arguments, end_distributed,
                                   merge_cfg_options, merge_runner_arguments,
                                   prepare_cpu_distributed,
                                   run_with_checkpoints)
from hih_mmpose.utils.checkpoint_match import check_checkpoint_matches
from hih_mmpose.utils.checkpoint import check_checkpoint_safe
from hih_mmpose.utils.output_folder import check_output_file


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Evaluate a pose model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', help='save the metrics to this json file')
    parser.add_argument(
        '--dump', help='save the predictions to this pickle file (.pkl)')
    add_runner_arguments(parser)
    return parser.parse_args()


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line arguments to the config."""
    merge_runner_arguments(cfg, args)
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
            # mmengine's DumpResults takes these (lower-case) names only
            raise ValueError(f'--dump must be a .pkl or .pickle file (lower '
                             f'case), got {args.dump}')
        cfg.test_evaluator = [
            *evaluators,
            dict(type='DumpResults', out_file_path=args.dump)
        ]
    merge_cfg_options(cfg, args.cfg_options)
    return cfg


def check_ced_outputs(cfg: Config) -> None:
    """The CED files the face metric writes (``<work_dir>/ced/ced.json``,
    ``ced.png``) follow the rule of every output: checked before the run,
    never written through a link (a ``ced`` folder that is a link included).
    """
    evaluators = cfg.test_evaluator
    if not isinstance(evaluators, (list, tuple)):
        evaluators = [evaluators]
    for evaluator in evaluators:
        folder = evaluator.get('ced_dir')
        if not folder:
            continue
        if osp.islink(folder):
            raise FileExistsError(
                f'the CED folder {folder} is a link (to '
                f'{os.readlink(folder)}); outputs are never written through '
                'links: remove it or choose another --work-dir')
        for name in ('ced.json', 'ced.png'):
            check_output_file(osp.join(folder, name), 'the CED curve')


def main() -> None:
    args = parse_args()
    if not osp.isfile(args.checkpoint):
        hint = (' (the shell found no file for the pattern: has the '
                'training validated and saved a best checkpoint yet?)'
                if '*' in args.checkpoint else '')
        raise FileNotFoundError(
            f'checkpoint {args.checkpoint} not found{hint}')
    inputs = {osp.abspath(args.checkpoint), osp.abspath(args.config)}
    for option in ('out', 'dump'):
        path = getattr(args, option)
        if path and osp.abspath(path) in inputs:
            raise ValueError(f'--{option} {path} would overwrite an input '
                             'of the run (the checkpoint or the config)')
    if args.out and not args.out.lower().endswith('.json'):
        raise ValueError(f'--out must be a .json file, got {args.out}')
    for option in ('out', 'dump'):
        if getattr(args, option):  # (checked before the evaluation runs)
            check_output_file(getattr(args, option), f'--{option}')
    cfg = Config.fromfile(args.config)  # imports hih_mmpose (custom_imports)
    cfg = merge_args(cfg, args)
    check_ced_outputs(cfg)
    if not args.skip_data_check:
        # only what a test reads: no training set needed
        check_run_datasets(cfg, args.check_images,
                           loaders=('test_dataloader', ))
    else:
        report_left_out_faces(cfg, loaders=('test_dataloader', ))
    prepare_cpu_distributed(cfg, args.launcher)
    if not args.trust_checkpoint:
        # refuse a checkpoint that could run code before anything is built
        check_checkpoint_safe(args.checkpoint)
    runner = Runner.from_cfg(cfg)
    # refuse a checkpoint of another model (mmengine would skip what does
    # not fit and evaluate random weights)
    model = runner.model.module if is_model_wrapper(runner.model) \
        else runner.model
    check_checkpoint_matches(model, args.checkpoint, args.trust_checkpoint)
    # the Runner loads it again: safely, as above, unless trusted
    metrics = run_with_checkpoints(runner.test, args.checkpoint,
                                   args.trust_checkpoint)
    if args.out:
        from mmengine.fileio import dump
        dump(metrics, args.out, file_format='json', indent=2)
    end_distributed()


if __name__ == '__main__':
    main()
