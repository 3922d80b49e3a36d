# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The whole HIH pipeline on the embedded synthetic faces, on CPU.

1. renders the synthetic face set into ``data/synthetic`` (if absent);
2. trains ``configs/hih_synthetic.py`` with ``tools/train.py`` (with
   ``--amp``, bf16 autocast, on a CPU with native bf16 and no GPU: measured
   1.5x faster at +1.2 % NME, docs/data_and_training.md; ``--fp32`` turns
   it off);
3. evaluates the best checkpoint with ``tools/test.py`` (NME / FR / AUC table,
   CED curve in ``<work-dir>/ced``);
4. decodes the same checkpoint's maps several ways with
   ``tools/analysis_tools/decoder_ablation.py``: what the decimal heatmap
   adds over the integer heatmap and mmpose's DARK;
5. draws ground truth and predictions of a few test faces into
   ``<work-dir>/predictions.png``.

Example:
    .venv/bin/python tools/quickstart.py
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time

import cv2
import numpy as np

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..'))
CONFIG = osp.join(REPO, 'configs', 'hih_synthetic.py')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default='data/synthetic')
    parser.add_argument('--work-dir', default='work_dirs/hih_synthetic')
    parser.add_argument('--num-train', type=int, default=2000)
    parser.add_argument('--num-test', type=int, default=200)
    parser.add_argument(
        '--epochs', type=int, help='override the config\'s max_epochs')
    parser.add_argument(
        '--fp32', action='store_true',
        help='train in float32 even where the CPU has native bf16')
    return parser.parse_args()


def run(step: str, command: list) -> None:
    print(f'\n== {step}\n$ {" ".join(command)}', flush=True)
    subprocess.run(command, cwd=REPO, check=True)


def draw_predictions(checkpoint: str, data_root: str, out_file: str,
                     count: int = 8) -> None:
    """Ground truth (green) and prediction (red) on the first test faces."""
    from hih_mmpose.utils.checkpoint import checkpoint_loading
    from mmpose.apis import inference_topdown, init_model

    with checkpoint_loading():  # a Runner checkpoint, loaded safely
        model = init_model(CONFIG, checkpoint, device='cpu')
    with open(osp.join(data_root, 'annotations',
                       'face_landmarks_synthetic_test.json')) as f:
        coco = json.load(f)
    tiles = []
    for image, ann in zip(coco['images'][:count], coco['annotations']):
        path = osp.join(data_root, 'images', image['file_name'])
        x, y, w, h = ann['bbox']
        sample = inference_topdown(
            model, path, bboxes=np.array([[x, y, x + w, y + h]]))[0]
        predicted = sample.pred_instances.keypoints[0]
        truth = np.reshape(ann['keypoints'], (-1, 3))[:, :2]
        canvas = cv2.resize(cv2.imread(path), None, fx=2, fy=2)
        for points, colour in ((truth, (0, 255, 0)), (predicted,
                                                       (0, 0, 255))):
            for px, py in points * 2:
                cv2.circle(canvas, (int(round(px)), int(round(py))), 2,
                           colour, -1, cv2.LINE_AA)
        tiles.append(canvas)
    rows = [np.concatenate(tiles[i:i + 4], 1) for i in range(0, count, 4)]
    cv2.imwrite(out_file, np.concatenate(rows, 0))


def main() -> None:
    args = parse_args()
    start = time.time()
    python = sys.executable
    ann_file = osp.join(args.data_root, 'annotations',
                        'face_landmarks_synthetic_train.json')
    if not osp.isfile(osp.join(REPO, ann_file)):
        run('1/5 render the synthetic faces', [
            python, 'tools/dataset_converters/generate_synthetic_faces.py',
            '--out-dir', args.data_root, '--num-train',
            str(args.num_train), '--num-test',
            str(args.num_test)
        ])
    else:
        print(f'== 1/5 synthetic faces already in {args.data_root}')
    options = [f'{loader}_dataloader.dataset.data_root={args.data_root}'
               for loader in ('train', 'val', 'test')]
    if args.epochs:
        options.append(f'train_cfg.max_epochs={args.epochs}')
    import torch

    from hih_mmpose.utils.cpu_info import cpu_has_bf16, describe_cpu
    amp = (not args.fp32 and not torch.cuda.is_available()
           and cpu_has_bf16())
    print(f'\nCPU: {describe_cpu()}: training in '
          f'{"bf16 (--amp; --fp32 turns it off)" if amp else "float32"}',
          flush=True)
    train_start = time.time()
    run('2/5 train HIH on CPU', [
        python, 'tools/train.py', CONFIG, '--work-dir', args.work_dir,
        *(['--amp'] if amp else []), '--cfg-options', *options
    ])
    train_time = time.time() - train_start
    best = sorted(glob.glob(osp.join(REPO, args.work_dir, 'best_NME_*.pth')),
                  key=osp.getmtime)[-1]
    metrics_file = osp.join(args.work_dir, 'test_metrics.json')
    run('3/5 evaluate the best checkpoint', [
        python, 'tools/test.py', CONFIG, best, '--work-dir', args.work_dir,
        '--out', metrics_file, '--cfg-options', *options
    ])
    ablation_file = osp.join(args.work_dir, 'decoder_ablation.json')
    run('4/5 compare decoders on the same checkpoint', [
        python, 'tools/analysis_tools/decoder_ablation.py', CONFIG, best,
        '--dark-kernels', '3', '11', '--out', ablation_file,
        '--cfg-options', *options
    ])
    print('\n== 5/5 draw predictions', flush=True)
    figure = osp.join(REPO, args.work_dir, 'predictions.png')
    draw_predictions(best, osp.join(REPO, args.data_root), figure)
    with open(osp.join(REPO, metrics_file)) as f:
        metrics = json.load(f)
    with open(osp.join(REPO, ablation_file)) as f:
        ablation = json.load(f)
    print(f'\nDone in {(time.time() - start) / 60:.1f} min (training '
          f'{train_time / 60:.1f} min) on {os.cpu_count()} CPU cores.\n'
          f'Synthetic test set: NME {100 * metrics["NME"]:.2f} %, '
          f'FR@0.1 {100 * metrics["FR@0.1"]:.2f} %, '
          f'AUC@0.1 {metrics["AUC@0.1"]:.4f} (flip test)\n'
          f'Decimal heatmap: interval top-1 accuracy '
          f'{100 * ablation["acc_decimal"]:.1f} % (chance '
          f'{100 * ablation["chance_decimal"]:.1f} %); without flip test, '
          f'NME of the config\'s decode (mean of the expected interval and '
          f'DARK, blur 11) '
          f'{100 * ablation["NME/hih_expectation_dark_k11"]:.2f} %, the '
          f'published argmax decode {100 * ablation["NME/hih"]:.2f} %, '
          f'mmpose DARK on the same integer heatmaps '
          f'{100 * ablation["NME/dark_k11"]:.2f} % (blur 11), '
          f'{100 * ablation["NME/dark_k3"]:.2f} % (blur 3)\n'
          f'checkpoint:  {osp.relpath(best, REPO)}\n'
          f'CED curve:   {osp.join(args.work_dir, "ced", "ced.png")}\n'
          f'predictions: {osp.relpath(figure, REPO)} '
          '(green: ground truth, red: HIH)')


if __name__ == '__main__':
    main()
