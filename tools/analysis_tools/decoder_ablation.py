# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Decode one HIH checkpoint's test-set maps several ways: what does the
decimal heatmap add over mmpose's own decoders of the integer heatmap?

Rows (same last-stage maps, no flip test): the model's HIH decode (integer
argmax + decimal argmax), the integer argmax at the cell centre, mmpose's
``refine_keypoints`` (quarter offset) and ``refine_keypoints_dark`` (DARK),
and an oracle (integer argmax + the true decimal interval: the ceiling of
any decimal map on these integer heatmaps); then the decimal interval top-1
accuracy and the integer cell accuracy.

Example:
    .venv/bin/python tools/analysis_tools/decoder_ablation.py \\
        configs/hih_synthetic.py work_dirs/hih_synthetic/best_NME_epoch_*.pth
"""
import argparse
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.fileio import dump
from mmengine.runner import Runner


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Compare decoders on one HIH checkpoint')
    parser.add_argument('config', help='config file of the model')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--dark-kernels',
        type=int,
        nargs='+',
        default=[3],
        help='blur kernel size(s) of the DARK rows (default: 3)')
    parser.add_argument('--out', help='also write the results to this json')
    parser.add_argument(
        '--device', default='cpu', help='device, e.g. cpu or cuda:0')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, as in tools/test.py')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='unpickle the checkpoint fully (can run code; '
                        'trusted files only)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.out and osp.abspath(args.out) in (osp.abspath(args.checkpoint),
                                              osp.abspath(args.config)):
        raise ValueError(f'--out {args.out} would overwrite an input')
    if args.out:
        from hih_mmpose.utils.output_folder import refuse_link
        refuse_link(args.out, '--out')
    cfg = Config.fromfile(args.config)  # imports hih_mmpose
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    from research.decoder_ablation import (collect_maps, decoder_ablation,
                                           format_ablation)
    from research.model_loading import load_hih_checkpoint

    model, metric = load_hih_checkpoint(
        cfg, args.checkpoint, args.device, args.trust_checkpoint)
    codec = model.head.decoder
    data_loader = Runner.build_dataloader(cfg.test_dataloader)
    print(f'collecting the maps of {len(data_loader.dataset)} test faces')
    maps = collect_maps(model, data_loader)
    results = decoder_ablation(
        maps,
        metric,
        stride=codec.stride,
        mask_decimal=codec.mask_decimal,
        decimal_sigma=codec.decimal_sigma,
        dark_kernels=args.dark_kernels)
    print('\n' + format_ablation(results))
    if args.out:
        dump(dict(results), args.out, indent=2)
        print(f'results written to {args.out}')


if __name__ == '__main__':
    main()
