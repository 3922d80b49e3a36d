# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Speed of HIH on this machine: inference, training, FLOPs, ONNX Runtime
and (with CUDA) GPU figures, printed as tables. Each section is one module
of ``tools/analysis_tools/bench/``; this script runs the chosen ones.

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

    # everything (~20 min)
    python tools/analysis_tools/benchmark.py
    python tools/analysis_tools/benchmark.py --sections inference --models B \
        --batch-sizes 1
"""
import argparse
import json
import os
import os.path as osp
import sys
import tempfile
from typing import Dict

import torch

# the bench package sits beside this script, whose folder Python puts first
# on the module search path when the script runs
from bench.common import HIH_CONFIGS, MACHINE
from bench.flops import bench_flops, print_flops
from bench.gpu import bench_gpu, print_gpu
from bench.inference import bench_hrnet, bench_inference, print_inference
from bench.light import bench_light, print_light
from bench.onnx_runtime import bench_onnx, print_onnx
from bench.pipeline import bench_pipeline, print_pipeline
from bench.precision import bench_precision, print_precision
from bench.training import bench_train, print_train

# tools/dataset_converters/synthetic_world and
# tools/deployment/int8_quantization.py
# (which the bench modules import where they use them)
for _folder in ('dataset_converters', 'deployment'):
    sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..',
                                _folder))

SECTIONS = ('inference', 'precision', 'light', 'pipeline', 'train', 'flops',
            'onnx', 'gpu')


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
    parser.add_argument('--photo-dir', help='pipeline: more photos for the '
                        'folder row (e.g. astronaut.png and t1.jpg, see '
                        'tools/analysis_tools/detector_eval.py)')
    parser.add_argument('--exports', nargs='+', metavar='FILE',
                        help="pipeline: trained exports (export_onnx.py) "
                        "whose 'auto' is timed against every way")
    parser.add_argument('--json', help='also write the figures here')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    from mmengine.logging import MMLogger
    from mmpose.utils import register_all_modules

    import hih_mmpose  # noqa: F401
    register_all_modules()
    MMLogger.get_instance('hih_benchmark', log_level='WARNING')
    from hih_mmpose.utils.cpu_info import describe_cpu
    cpu = MACHINE['cpu'] = describe_cpu()
    print(f'machine: {cpu}, {os.cpu_count()} CPU cores, torch '
          f'{torch.__version__} with {torch.get_num_threads()} threads, '
          f'CUDA: {torch.cuda.is_available()}', flush=True)
    figures: Dict[str, object] = dict(cpu=cpu)
    with tempfile.TemporaryDirectory() as work_dir:
        if 'inference' in args.sections:
            figures['inference'] = bench_inference(args)
            if not args.no_hrnet:
                figures['inference'] += bench_hrnet(args)
            print_inference(figures['inference'])
        if 'precision' in args.sections:
            figures['precision'] = bench_precision(args)
            print_precision(figures['precision'])
        if 'light' in args.sections:
            figures['light'] = bench_light(args)
            print_light(figures['light'])
        if 'pipeline' in args.sections:
            figures['pipeline'] = bench_pipeline(args)
            print_pipeline(figures['pipeline'])
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
        from hih_mmpose.utils.output_folder import refuse_link
        refuse_link(args.json, '--json')
        with open(args.json, 'w') as f:
            json.dump(figures, f, indent=1)
        print(f'\nfigures written to {args.json}')


if __name__ == '__main__':
    main()
