# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Landmarks on a synthetic face video with exact ground truth: per-frame
NME, jitter and frames per second for detection on every frame, tracking,
tracking + EMA and tracking + One Euro (in the face's frame, and plain).

The video (tools/dataset_converters/synthetic_world/synthetic_video.py: one
synthetic face moving and turning, 300 frames of 640x480 by default) is written
with OpenCV (mp4v) and read back, so decoding is part of the timed loop; so are
detection, cropping, the network and smoothing (drawing is not). NME is
normalised by the true inter-ocular distance of each frame (``--norm bbox``: by
the square root of the true landmark box's area, the large-pose convention, the
default for ``--motion wild``, where the inter-ocular distance shrinks to a
sixth at 80 degrees of yaw); jitter is the frame-to-frame landmark motion that
the true motion does not explain
(research/video_metrics.py).

``--motion wild`` turns the head to +-80 degrees of yaw twice and rolls it
through 180 degrees and back; the table then adds NME by |yaw| and by roll
bin, and every tracking mode reports how many track ids the face got (one
for the whole clip is right).

Example:
    .venv/bin/python tools/analysis_tools/video_eval.py \\
        configs/hih_synthetic.py \\
        work_dirs/hih_synthetic/best_NME_epoch_*.pth
"""
import argparse
import os.path as osp
import sys
import tempfile
import time
from typing import Dict

import numpy as np
from mmengine.config import Config, DictAction

# the synthetic face world: tools/dataset_converters/synthetic_world
sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..',
                            'dataset_converters'))

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
    parser.add_argument('--detector', default='blazeface')
    parser.add_argument('--model',
                        help='an export of the checkpoint (export_onnx.py; '
                        'its .json beside it) run by the runtime instead of '
                        'PyTorch')
    parser.add_argument('--backend', default='auto',
                        choices=['auto', 'onnxruntime', 'openvino'],
                        help='with --model')
    parser.add_argument('--precision', choices=['fp32', 'bf16', 'int8'],
                        help="with --model (default: the file's)")
    parser.add_argument('--frames', type=int, default=300)
    parser.add_argument('--size', type=int, nargs=2, default=[640, 480],
                        metavar=('W', 'H'))
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--motion', choices=['mild', 'wild'],
                        default='mild',
                        help='mild: +-35 deg yaw, +-20 roll; wild: +-80 '
                        'deg yaw and a roll through 180 deg')
    parser.add_argument('--norm', choices=['inter_ocular', 'bbox'],
                        help='NME normaliser (default: inter_ocular for '
                        'mild, bbox for wild)')
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
        help='override config settings')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    import cv2

    from hih_mmpose.apis import (AlignedFilter, EMAFilter, FaceLandmarker,
                                 FaceTracker, OneEuroFilter)
    from hih_mmpose.runtime import Landmarker
    from hih_mmpose.evaluation.functional import NORM_GROUPS, group_distance
    from research.video_metrics import video_landmark_metrics
    from synthetic_world.synthetic_video import (video_head_poses,
                                                 write_face_video)

    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.model:
        landmarker = Landmarker(args.model, args.detector, args.backend,
                                args.precision, flip_test=False)
    else:
        landmarker = FaceLandmarker(
            cfg, None if args.random_weights else args.checkpoint,
            detector=args.detector, flip_test=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep_video or osp.join(tmp, 'face.mp4')
        gt = write_face_video(path, args.frames, tuple(args.size), args.seed,
                              motion=args.motion)
        poses = video_head_poses(args.frames, tuple(args.size), args.seed,
                                 args.motion)
        norm_name = args.norm or ('bbox' if args.motion == 'wild' else
                                  'inter_ocular')
        print(f'video: {path}, {args.frames} frames of {args.size[0]}x'
              f'{args.size[1]}, {args.motion} motion; '
              f'{landmarker.describe()}, no flip test; NME / jitter '
              f'normalised by {norm_name}')
        if norm_name == 'bbox':
            extent = gt.max(1) - gt.min(1)
            norm = np.sqrt(extent[:, 0] * extent[:, 1])
        else:
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
            track_ids = set()
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
                    track_ids.add(face.get('track_id'))
                index += 1
            elapsed = time.perf_counter() - start
            capture.release()
            metrics = video_landmark_metrics(pred[:index], gt[:index],
                                             norm[:index])
            metrics['fps'] = index / elapsed
            metrics['detector_runs'] = (counter.detections if counter
                                        else index)
            metrics['track_ids'] = len(track_ids) if counter else None
            errors = np.linalg.norm(pred[:index] - gt[:index],
                                    axis=-1).mean(-1) / norm[:index]
            metrics['bins'] = pose_bins(errors, poses[:index])
            rows[mode] = metrics
            print(f'  {mode}: {metrics["fps"]:.1f} fps', flush=True)
    if args.random_weights:
        print('\nrandom weights: the landmarks (and the tracked boxes made '
              'from them) are meaningless; only the frame rates count')
    print(f'\n{"mode":<22}{"NME %":>8}{"jitter %":>10}{"jitter px":>11}'
          f'{"found %":>9}{"detector runs":>15}{"track ids":>11}{"fps":>8}')
    for mode, m in rows.items():
        ids = '-' if m['track_ids'] is None else m['track_ids']
        if args.random_weights:
            print(f'{mode:<22}{"-":>8}{"-":>10}{"-":>11}{"-":>9}'
                  f'{m["detector_runs"]:>15}{ids:>11}{m["fps"]:8.1f}')
            continue
        print(f'{mode:<22}{100 * m["nme"]:8.3f}{100 * m["jitter"]:10.3f}'
              f'{m["jitter_px"]:11.3f}{100 * m["found"]:9.1f}'
              f'{m["detector_runs"]:>15}{ids:>11}{m["fps"]:8.1f}')
    if args.motion == 'wild' and not args.random_weights:
        names = list(next(iter(rows.values()))['bins'])
        print('\nNME % (found frames) / share of frames found, by pose bin:')
        print(f'{"mode":<22}' + ''.join(f'{n:>18}' for n in names))
        for mode, m in rows.items():
            print(f'{mode:<22}' + ''.join(
                f'{100 * nme:>10.2f} / {100 * found:3.0f}%'
                for nme, found in m['bins'].values()))


def pose_bins(errors: np.ndarray, poses: np.ndarray) -> Dict[str, tuple]:
    """(mean NME over found frames, share found) of the frames in each
    |yaw| bin and roll bin (degrees); ``errors`` (T, ) are nan where the
    face was not found."""
    yaw, roll = np.abs(poses[:, 0]), np.abs(poses[:, 2])
    bins = {
        'yaw 0-30': yaw < 30, 'yaw 30-60': (yaw >= 30) & (yaw < 60),
        'yaw 60-80': yaw >= 60, 'roll 0-30': roll < 30,
        'roll 30-90': (roll >= 30) & (roll < 90), 'roll 90-180': roll >= 90
    }
    result = {}
    for name, chosen in bins.items():
        found = chosen & np.isfinite(errors)
        result[name] = (float(errors[found].mean()) if found.any() else
                        float('nan'), float(found.sum() / max(chosen.sum(),
                                                                1)))
    return result


if __name__ == '__main__':
    main()
