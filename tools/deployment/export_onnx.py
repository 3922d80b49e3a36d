# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Export a HIH model for the standalone runtime: the ONNX graph with the HIH
decoder inside, and ``<model>.json`` beside it (crop size, box padding,
landmark names and scheme maps, flip pairs, precision, the weights'
fingerprint), which is all ``hih_mmpose.runtime`` needs.

Input ``crops``: BGR face crops, float32 (N, 3, h, w), values 0-255, the
config's input size (dynamic batch). Outputs ``keypoints`` (N, K, 2) in crop
pixels and ``scores`` (N, K). The export is checked against PyTorch through
the runtime's own session on random crops (batch 1 and 4).

With ``--int8`` the model is quantised (ONNX Runtime static quantisation,
QDQ: int8 weights, uint8 activations of every convolution), calibrated on
``--calib-images`` faces of the config's training set through its test
pipeline; same inputs and outputs. It is then checked against PyTorch on
test-set crops (keypoint displacement), not random ones.

An output ending in ``.xml`` writes an OpenVINO IR (``.xml`` + ``.bin``,
float32 weights) of the same graph, checked with OpenVINO. OpenVINO also
runs the ``.onnx`` itself (``Landmarker(model, backend='openvino')``).

Examples:
    .venv/bin/python tools/deployment/export_onnx.py configs/hih_wflw.py \
        work_dirs/hih_wflw/epoch_60.pth hih_wflw.onnx
    .venv/bin/python tools/deployment/export_onnx.py configs/hih_synthetic.py \
        work_dirs/hih_synthetic/epoch_12.pth hih_int8.onnx --int8
"""
import argparse
import os
import os.path as osp
import tempfile
import time

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from hih_mmpose.deployment import (export_onnx, export_openvino, model_info,
                                   write_model_info)
from hih_mmpose.runtime import open_session
from hih_mmpose.runtime.sessions import metadata_file
from hih_mmpose.utils.checkpoint_match import load_checkpoint_strictly
from hih_mmpose.utils.output_folder import refuse_link
from mmpose.apis import init_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?',
                        help='trained weights (omit for random weights)')
    parser.add_argument('out', help='output .onnx file, or .xml for an '
                        'OpenVINO IR')
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument('--int8', action='store_true',
                        help='quantise to int8 (static, calibrated)')
    parser.add_argument('--calib-images', type=int, default=64,
                        help='training faces that calibrate --int8 '
                        '(default: 64)')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='unpickle the checkpoint fully (can run code; '
                        'trusted files only)')
    args = parser.parse_args()
    if not args.out.lower().endswith(('.onnx', '.xml')):
        # `export_onnx.py CONFIG CHECKPOINT` with the output forgotten reads
        # the checkpoint as the output: never write over it
        parser.error(f'the output must be a .onnx (or OpenVINO .xml) file, '
                     f'got {args.out} (did you forget the output path?)')
    if args.checkpoint and osp.abspath(args.out) == osp.abspath(
            args.checkpoint):
        parser.error(f'the output {args.out} is the checkpoint')
    if args.int8 and args.calib_images < 1:
        parser.error(f'--calib-images must be at least 1 (int8 calibration '
                     f'faces), got {args.calib_images}')
    outputs = [args.out, metadata_file(args.out)]
    if args.out.lower().endswith('.xml'):
        outputs.append(osp.splitext(args.out)[0] + '.bin')
    try:
        for path in outputs:  # (the .json and .bin beside it too)
            refuse_link(path)
    except FileExistsError as error:
        parser.error(str(error))
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model = init_model(cfg, None, device='cpu').eval()
    if args.checkpoint:
        # strict and safe: weights of another model (keypoints, stacks,
        # widths) or a file that would run code are refused
        load_checkpoint_strictly(model, args.checkpoint,
                                 args.trust_checkpoint)
    else:
        print('warning: no checkpoint given: exporting random weights '
              '(for speed tests; their keypoints are meaningless)')
    input_size = tuple(cfg.codec.input_size)
    openvino = args.out.lower().endswith('.xml')
    with tempfile.TemporaryDirectory() as tmp:
        # the ONNX graph (a temporary file for an OpenVINO IR)
        onnx_file = osp.join(tmp, 'model.onnx') if openvino else args.out
        start = time.perf_counter()
        info = model_info(model, 'int8' if args.int8 else 'fp32')
        if args.int8:
            check_int8(model, cfg, args, onnx_file, openvino, info)
            return
        deploy = export_onnx(model, onnx_file, input_size, args.opset)
        if openvino:
            export_openvino(onnx_file, args.out)
        write_model_info(info, args.out)
        print(f'exported {args.out} and {metadata_file(args.out)} in '
              f'{time.perf_counter() - start:.1f} s')
        check_fp32(deploy, args.out, input_size, openvino)


def check_fp32(deploy, out: str, input_size, openvino: bool) -> None:
    """Compare the exported file, through the runtime's session, with
    PyTorch on random crops."""
    backend = 'openvino' if openvino else 'onnxruntime'
    run = open_session(out, backend, 'fp32')
    generator = torch.Generator().manual_seed(0)
    for batch in (1, 4):
        crops = torch.rand(batch, 3, input_size[1], input_size[0],
                           generator=generator) * 255
        with torch.no_grad():
            expected = deploy(crops)
        start = time.perf_counter()
        outputs = run(crops.numpy())
        elapsed = (time.perf_counter() - start) / batch
        differences = ', '.join(
            f'{name} {np.abs(got - want.numpy()).max():.2e}'
            for name, got, want in zip(deploy.output_names[1:], outputs[1:],
                                       expected[1:]))
        print(f'batch {batch}: max |keypoints {backend} - PyTorch| '
              f'{np.abs(outputs[0] - expected[0].numpy()).max():.2e} px, '
              f'{differences}; {backend} {elapsed * 1000:.0f} ms per face')


def check_int8(model, cfg: Config, args: argparse.Namespace, onnx_file: str,
               openvino: bool, info) -> None:
    """Quantise, then compare with PyTorch fp32 on up to 64 test crops."""
    from int8_quantization import (calibration_crops, dataset_crops,
                                   quantize_int8)

    from hih_mmpose.deployment import HIHDeployModel
    print(f'calibrating on {args.calib_images} training faces')
    calib = calibration_crops(cfg, args.calib_images)
    start = time.perf_counter()
    quantize_int8(model, onnx_file, calib, tuple(cfg.codec.input_size),
                  opset=args.opset)
    if openvino:
        export_openvino(onnx_file, args.out)
    write_model_info(info, args.out)
    print(f'\nexported the int8 model {args.out} and '
          f'{metadata_file(args.out)} in {time.perf_counter() - start:.1f} s')
    try:
        crops, _ = dataset_crops(cfg.test_dataloader.dataset,
                                 cfg.test_dataloader.dataset.pipeline, 64)
    except FileNotFoundError:
        crops = calib
    int8 = open_session(args.out, 'openvino' if openvino else
                        'onnxruntime', 'int8')(crops)[0]
    with torch.no_grad():
        fp32 = HIHDeployModel(model).eval()(torch.from_numpy(crops))[0]
    moved = np.linalg.norm(int8 - fp32.numpy(), axis=-1)
    print(f'{len(crops)} crops: keypoint displacement int8 vs PyTorch fp32 '
          f'median {np.median(moved):.2f} px, p99 '
          f'{np.percentile(moved, 99):.2f} px, max {moved.max():.2f} px '
          f'(accuracy on the test set: '
          'tools/analysis_tools/precision_eval.py)')


if __name__ == '__main__':
    main()
