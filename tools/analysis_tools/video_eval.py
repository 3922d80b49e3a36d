# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Landmarks on a synthetic face video with exact ground truth: per-frame
NME, jitter and frames per second for detection on every frame, tracking,
tracking + EMA and tracking + One Euro (in the face's frame, and plain).

The video (``hih_mmpose.datasets.synthetic_video``: one synthetic face
moving and turning, 300 frames of 640x480 by default) is written with
OpenCV (mp4v) and read back, so decoding is part of the timed loop; so are
detection, cropping, the network and smoothing (drawing is not). NME is
normalised by the true inter-ocular distance of each frame; jitter is the
frame-to-frame landmark motion that the true motion does not explain
(``hih_mmpose.evaluation.functional.video_landmark_metrics``).

Example:
    .venv/bin/python tools/analysis_tools/video_eval.py \\
        configs/hih_synthetic.py \\
        work_dirs/hih_synthetic/best_NME_epoch_12.pth --precision int8
"""
import argparse
import os.path as osp
import tempfile
import time
from typing import Dict

import numpy as np
from mmengine.config import Config, DictAction

# '+ema' / '+one_euro': the filter in the face's frame (AlignedFilter, what
# the demo runs); '_plain': the same filter on each coordinate
MODES = ('detect', 'track', 'track+ema', 'track+one_euro',
         'track+ema_plain', 'track+one_euro_plain')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='HIH config')
    parser.add_argument('checkpoint', nargs='?',
                        help='its weights (omit with --random-weights)')
    parser.add_argument('--random-weights', action='store_true',
                        help='untrained weights: speed only (tracking then '
                        'never re-detects, see --min-score)')
    parser.add_argument('--precision', default='fp32',
                        choices=['fp32', 'bf16', 'int8'])
    parser.add_argument('--calib-images', type=int, default=64)
    parser.add_argument('--detector', default='blazeface')
    parser.add_argument('--frames', type=int, default=300)
    parser.add_argument('--size', type=int, nargs=2, default=[640, 480],
                        metavar=('W', 'H'))
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--min-score', type=float, default=0.3,
                        help='tracking: re-detect when a face\'s mean '
                        'keypoint score falls below this')
    parser.add_argument('--ema', type=float, default=0.5,
                        help='EMA weight of the previous frame')
    parser.add_argument('--one-euro', type=float, nargs=2,
                        default=[1.0, 0.1], metavar=('MIN_CUTOFF', 'BETA'))
    parser.add_argument('--modes', nargs='+', choices=MODES,
                        default=list(MODES))
    parser.add_argument('--keep-video', help='also keep the video here')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. int8 calibration data of a '
        'config whose dataset is not here: train_dataloader.dataset.'
        'data_root=data/synthetic/ train_dataloader.dataset.ann_file='
        'annotations/face_landmarks_synthetic_train.json')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='unpickle the checkpoint fully (can run code; '
                        'trusted files only)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    import cv2

    from hih_mmpose.apis import (AlignedFilter, EMAFilter, FaceLandmarker,
                                 FaceTracker, OneEuroFilter)
    from hih_mmpose.datasets.synthetic_video import write_face_video
    from hih_mmpose.evaluation.functional import (NORM_GROUPS,
                                                  group_distance,
                                                  video_landmark_metrics)

    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    landmarker = FaceLandmarker(cfg, args.checkpoint,
                                detector=args.detector,
                                precision=args.precision, flip_test=False,
                                calib_images=args.calib_images,
                                random_weights=args.random_weights,
                                trust_checkpoint=args.trust_checkpoint)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep_video or osp.join(tmp, 'face.mp4')
        gt = write_face_video(path, args.frames, tuple(args.size), args.seed)
        print(f'video: {path}, {args.frames} frames of {args.size[0]}x'
              f'{args.size[1]}; precision {args.precision}, no flip test')
        norm = group_distance(gt, *NORM_GROUPS['wflw']['inter_ocular'])
        smoothing = {
            'track': None,
            'track+ema': lambda: AlignedFilter(EMAFilter(args.ema)),
            'track+one_euro':
            lambda: AlignedFilter(OneEuroFilter(*args.one_euro)),
            'track+ema_plain': lambda: EMAFilter(args.ema),
            'track+one_euro_plain': lambda: OneEuroFilter(*args.one_euro),
        }
        rows: Dict[str, dict] = {}
        for mode in args.modes:
            if mode == 'detect':
                def run(frame, _landmarker=landmarker):
                    return _landmarker(frame)
                counter = None
            else:
                tracker = FaceTracker(landmarker, min_score=args.min_score,
                                      smoothing=smoothing[mode])
                run, counter = tracker, tracker
            capture = cv2.VideoCapture(path)
            pred = np.full(gt.shape, np.nan)
            start = time.perf_counter()
            index = 0
            while True:
                ok, frame = capture.read()
                if not ok:
                    break
                faces = run(frame)
                if faces:  # the face of the video: the best-scored one
                    face = max(faces, key=lambda f: f['bbox_score'])
                    pred[index] = face['keypoints']
                index += 1
            elapsed = time.perf_counter() - start
            capture.release()
            metrics = video_landmark_metrics(pred[:index], gt[:index],
                                             norm[:index])
            metrics['fps'] = index / elapsed
            metrics['detector_runs'] = (counter.detections if counter
                                        else index)
            rows[mode] = metrics
            print(f'  {mode}: {metrics["fps"]:.1f} fps', flush=True)
    if args.random_weights:
        print('\nrandom weights: the landmarks (and the tracked boxes made '
              'from them) are meaningless; only the frame rates count')
    print(f'\n{"mode":<22}{"NME %":>8}{"jitter %":>10}{"jitter px":>11}'
          f'{"found %":>9}{"detector runs":>15}{"fps":>8}')
    for mode, m in rows.items():
        if args.random_weights:
            print(f'{mode:<22}{"-":>8}{"-":>10}{"-":>11}{"-":>9}'
                  f'{m["detector_runs"]:>15}{m["fps"]:8.1f}')
            continue
        print(f'{mode:<22}{100 * m["nme"]:8.3f}{100 * m["jitter"]:10.3f}'
              f'{m["jitter_px"]:11.3f}{100 * m["found"]:9.1f}'
              f'{m["detector_runs"]:>15}{m["fps"]:8.1f}')


if __name__ == '__main__':
    main()
