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
(median / p99 / max, crop pixels). With ``--ablate-float`` also bf16 and
int8 with the last integer heatmap convolution (and in bf16 the decimal
output layer) kept in float32 (``-float`` rows).
Speed: ``tools/analysis_tools/benchmark.py --sections precision``.

Example:
    .venv/bin/python tools/analysis_tools/precision_eval.py \\
        configs/hih_synthetic.py work_dirs/hih_synthetic/best_NME_epoch_12.pth
"""
import argparse
import os.path as osp
import time

from mmengine.config import Config, DictAction
from mmengine.fileio import dump


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Accuracy of a HIH checkpoint in fp32 / bf16 / int8')
    parser.add_argument('config', help='config file of the model')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--calib-images', type=int, default=64,
                        help='training faces that calibrate int8 '
                        '(default: 64)')
    parser.add_argument('--int8-onnx',
                        help='use this quantised model instead of '
                        'quantising here')
    parser.add_argument('--ablate-float', action='store_true',
                        help='also run bf16 / int8 with the layers that '
                        'make the argmaxes kept in float32')
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

    from hih_mmpose.deployment import (Bf16Network, CropPredictor,
                                       calibration_crops, dataset_crops,
                                       quantize_int8)
    from hih_mmpose.analysis import (format_precision_report,
                                                load_hih_checkpoint,
                                                precision_report,
                                                sample_truth)

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
    predictors = dict(fp32=CropPredictor(model, 'fp32'),
                      bf16=CropPredictor(model, 'bf16'))
    if args.int8_onnx:
        predictors['int8'] = CropPredictor(model, 'int8', args.int8_onnx)
    else:
        print(f'\ncalibration crops ({args.calib_images} training faces):')
        calib = calibration_crops(cfg, args.calib_images)
        start = time.perf_counter()
        predictors['int8'] = CropPredictor(model, 'int8', calib_crops=calib)
        print(f'\nquantised in {time.perf_counter() - start:.1f} s')
        if args.ablate_float:
            import tempfile
            tmp_dir = tempfile.TemporaryDirectory()
            tmp = tmp_dir.name
            predictors['int8-float'] = CropPredictor(
                model, 'int8',
                quantize_int8(model, osp.join(tmp, 'float.onnx'), calib,
                              tuple(cfg.codec.input_size),
                              keep_float=True))
    from hih_mmpose.deployment import installed_backends
    if 'openvino' in installed_backends():
        int8_file = predictors['int8'].onnx_file
        for precision in ('fp32', 'bf16', 'int8'):
            predictors[f'ov-{precision}'] = CropPredictor(
                model, precision, int8_file if precision == 'int8' else None,
                backend='openvino')
    if args.ablate_float:
        bf16_float = CropPredictor(model, 'fp32')
        bf16_float.network = Bf16Network(bf16_float.network,
                                         keep_float=True)
        predictors['bf16-float'] = bf16_float

    keypoints = {}
    for name, predictor in predictors.items():
        keypoints[name] = np.concatenate([
            predictor(crops[i:i + 16])[0] for i in range(0, len(crops), 16)
        ])
    report = precision_report(keypoints, sample_truth(samples, codec.stride),
                              metric, codec.stride, codec.decimal_size,
                              codec.decimal_sigma)
    print(f'\n{len(crops)} test faces, no flip test; int8 calibrated on '
          f'{args.calib_images} training faces; "-float": the last integer '
          'heatmap convolution (and bf16\'s decimal output layer) kept in '
          'float32\n')
    print(format_precision_report(report))
    if args.out:
        dump(dict(report), args.out, indent=2)
        print(f'results written to {args.out}')


if __name__ == '__main__':
    main()
