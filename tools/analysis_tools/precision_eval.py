# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Accuracy of one HIH checkpoint in fp32, bf16 and int8 on its test set,
on each installed backend.

The same test crops (the config's test pipeline, no flip test) go through
the PyTorch float32 fast path, bf16 autocast and an int8 ONNX Runtime model
quantised here on ``--calib-images`` crops of the config's training set;
with OpenVINO installed also OpenVINO fp32, bf16 and int8 (the same
quantised model; ``ov-`` rows).
Printed per precision: NME, the decimal interval top-1 accuracy, the
integer cell accuracy and the displacement of each keypoint from fp32
(median / p99 / max, crop pixels).
Speed: ``tools/analysis_tools/benchmark.py --sections precision``.

Example:
    .venv/bin/python tools/analysis_tools/precision_eval.py \\
        configs/hih_synthetic.py work_dirs/hih_synthetic/best_NME_epoch_*.pth
"""
import argparse
import os.path as osp
import sys
import time

from mmengine.config import Config, DictAction
from mmengine.fileio import dump

# tools/deployment/int8_quantization.py
sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..',
                            'deployment'))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Accuracy of a HIH checkpoint in fp32 / bf16 / int8')
    parser.add_argument('config', help='config file of the model')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--calib-images', type=int, default=64,
                        help='training faces that calibrate int8 '
                        '(default: 64)')
    parser.add_argument('--int8-onnx',
                        help='use this quantised model (export_onnx.py '
                        '--int8, its .json beside it) instead of '
                        'quantising here')
    parser.add_argument('--out', help='also write the results to this json')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
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
    import numpy as np

    import tempfile

    from int8_quantization import calibration_crops, dataset_crops
    from research.crop_runners import crop_runners
    from research.model_loading import load_hih_checkpoint
    from research.precision_eval import (format_precision_report,
                                         precision_report, sample_truth)

    model, metric = load_hih_checkpoint(
        cfg, args.checkpoint, trust=args.trust_checkpoint)
    codec = model.head.decoder
    if codec.decimal_decode != 'argmax':
        print(f'note: the config decodes with {codec.decimal_decode!r}; the '
              'interval accuracies are read off the keypoints, which lie on '
              'the interval grid only for the argmax decode (add '
              '--cfg-options model.head.decoder.decimal_decode=argmax for '
              'them)')

    print('test crops:')
    crops, samples = dataset_crops(cfg.test_dataloader.dataset,
                                   cfg.test_dataloader.dataset.pipeline,
                                   progress=True)
    calib = None
    if not args.int8_onnx:
        print(f'\ncalibration crops ({args.calib_images} training faces):')
        calib = calibration_crops(cfg, args.calib_images)
    work_dir = tempfile.TemporaryDirectory()
    start = time.perf_counter()
    runners = crop_runners(model, work_dir.name, calib, args.int8_onnx)
    print(f'\nexported (and quantised) in {time.perf_counter() - start:.1f} '
          's')
    # report names: PyTorch fp32 / bf16, ONNX Runtime int8, OpenVINO ov-*
    names = {'torch fp32': 'fp32', 'torch bf16': 'bf16',
             'onnxruntime int8': 'int8', 'openvino fp32': 'ov-fp32',
             'openvino bf16': 'ov-bf16', 'openvino int8': 'ov-int8'}
    predictors = {names[key]: run for key, run in runners.items()
                  if key in names}
    keypoints = {}
    for name, predictor in predictors.items():
        keypoints[name] = np.concatenate([
            predictor(crops[i:i + 16])[0] for i in range(0, len(crops), 16)
        ])
    report = precision_report(keypoints, sample_truth(samples, codec.stride),
                              metric, codec.stride, codec.decimal_size,
                              codec.decimal_sigma)
    print(f'\n{len(crops)} test faces, no flip test; int8 calibrated on '
          f'{args.calib_images} training faces\n')
    print(format_precision_report(report))
    if args.out:
        dump(dict(report), args.out, indent=2)
        print(f'results written to {args.out}')


if __name__ == '__main__':
    main()
