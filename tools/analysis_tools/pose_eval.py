# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Landmarks of rolled and turned faces through ``FaceLandmarker`` as a
user runs it: its detector's boxes, not the ground-truth boxes.

Two measurements on a config's test set (``--compare-axis-aligned`` and
``--compare-refined`` add rows of ``upright=False`` and of
``refine_boxes``):

- ``--turn A [A ...]``: every test image turned about its centre by each
  angle (black border; 90, 180 and 270 degrees are exact turns of square
  images), its landmarks with it; per angle the faces found, the faces
  found with NME < 10 % and the NME of the found faces.
- ``--bins`` (sets with a pose file, the wild synthetic set's
  ``face_attributes_synthetic_test.json``): the faces as they are, NME and
  failures (missed, or NME >= 10 %) by |yaw| and by |roll| bin, and the
  share found of the faces whose two pupils are visible.

A face counts as found when a returned box has its centre inside the
face's landmark box. Optionally the same with ``upright=False`` (the crop
as the detector boxes it) beside.

Examples:
    .venv/bin/python tools/analysis_tools/pose_eval.py \\
        configs/hih_synthetic.py CHECKPOINT --turn 0 45 90 135 180
    .venv/bin/python tools/analysis_tools/pose_eval.py \\
        configs/hih_synthetic_wild.py CHECKPOINT --bins
"""
import argparse
import json
import os.path as osp
import sys
import time
from typing import Dict, List, Tuple

import numpy as np

# the synthetic face world: tools/dataset_converters/synthetic_world
sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..',
                            'dataset_converters'))


def turn_image(image: np.ndarray, keypoints: np.ndarray,
               angle: float) -> Tuple[np.ndarray, np.ndarray]:
    """Turn an image (H, W, 3) and its keypoints (K, 2) by ``angle``
    degrees counter-clockwise as seen on screen about the image centre
    (the canvas keeps its size; corners leave it, black comes in)."""
    import cv2
    height, width = image.shape[:2]
    quarter = angle / 90
    if quarter == round(quarter) and height == width:
        points = keypoints.astype(np.float64)
        for _ in range(int(round(quarter)) % 4):
            # np.rot90 once: pixel (x, y) goes to (y, W - 1 - x)
            points = np.stack([points[:, 1], width - 1 - points[:, 0]], -1)
        return np.ascontiguousarray(np.rot90(image, int(round(quarter)))), \
            points
    matrix = cv2.getRotationMatrix2D(((width - 1) / 2, (height - 1) / 2),
                                     angle, 1.)
    turned = cv2.warpAffine(image, matrix, (width, height),
                            flags=cv2.INTER_LINEAR)
    return turned, keypoints @ matrix[:, :2].T + matrix[:, 2]


def load_test_faces(cfg, limit: int) -> List[dict]:
    """The first ``limit`` faces of the config's test annotation file (one
    face per image): image path, landmarks (K, 2), COCO visibility (K, )."""
    dataset = cfg.test_dataloader.dataset
    ann_file = osp.join(dataset.data_root, dataset.ann_file)
    with open(ann_file) as f:
        coco = json.load(f)
    images = {image['id']: image for image in coco['images']}
    prefix = osp.join(dataset.data_root, dataset.data_prefix['img'])
    faces = []
    for annotation in coco['annotations'][:limit]:
        points = np.reshape(annotation['keypoints'], (-1, 3))
        faces.append(dict(
            image_id=annotation['image_id'],
            img_path=osp.join(prefix,
                              images[annotation['image_id']]['file_name']),
            keypoints=points[:, :2].astype(np.float64),
            visibility=points[:, 2].astype(int)))
    return faces


def run_faces(landmarker, faces: List[dict], metric,
              angle: float = 0.) -> Tuple[np.ndarray, np.ndarray, float]:
    """NME per face (NaN where missed), found flags and seconds / image,
    each image turned by ``angle``."""
    import cv2

    from research.detected_faces import face_nme, match_face
    nmes, found = np.full(len(faces), np.nan), np.zeros(len(faces), bool)
    start = time.perf_counter()
    for index, face in enumerate(faces):
        image = cv2.imread(face['img_path'], cv2.IMREAD_COLOR)
        image, gt = turn_image(image, face['keypoints'], angle)
        results = landmarker(image)
        match = match_face(results, gt)
        if match is not None:
            found[index] = True
            nmes[index] = face_nme(results[match]['keypoints'], gt,
                                   face['visibility'] > 0, metric)
    return nmes, found, (time.perf_counter() - start) / len(faces)


def turn_table(landmarker, faces, metric, angles, name: str) -> None:
    for angle in angles:
        nmes, found, seconds = run_faces(landmarker, faces, metric, angle)
        good = int(np.sum(np.nan_to_num(nmes, nan=1.) < 0.1))
        median = 100 * np.nanmedian(nmes) if found.any() else float('nan')
        mean = 100 * np.nanmean(nmes) if found.any() else float('nan')
        print(f'{name:<20}{angle:>7.0f}{int(found.sum()):>6} / '
              f'{len(faces):<4}{good:>6} / {len(faces):<4}{median:>12.2f}'
              f'{mean:>11.2f}{seconds:>11.3f}')


def bin_tables(landmarker, faces, metric, poses: Dict[int, dict],
               name: str) -> None:
    from research.detected_faces import binned_nme
    nmes, found, _ = run_faces(landmarker, faces, metric)
    yaw = np.array([abs(poses[f['image_id']]['yaw']) for f in faces])
    roll = np.array([abs(poses[f['image_id']]['roll']) for f in faces])
    for label, values, edges in (('|yaw|', yaw, (0, 30, 60, 90)),
                                 ('|roll|', roll, (0, 30, 90, 180))):
        for row in binned_nme(values, nmes, found, edges):
            span = f'{label} {row["low"]}-{row["high"]}'
            print(f'{name:<20}{span:<14}{row["faces"]:>6}'
                  f'{row["found"]:>7}{100 * row["nme"]:>10.2f}'
                  f'{100 * row["failures"]:>11.1f}')
    if len(faces[0]['visibility']) != 98:
        return
    # WFLW's pupils are 96 and 97 (COCO visibility 2: visible)
    eyes = np.array([np.all(f['visibility'][[96, 97]] == 2) for f in faces])
    print(f'{name:<20}found {int(found[eyes].sum())} / {int(eyes.sum())} '
          f'faces with both pupils visible ({100 * found[eyes].mean():.1f} '
          f'%), {int(found.sum())} / {len(faces)} in all; mean NME of the '
          f'found {100 * np.nanmean(nmes):.2f} %')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--turn', type=float, nargs='+', metavar='ANGLE',
                        help='turn the test images by these angles')
    parser.add_argument('--bins', action='store_true',
                        help='NME by |yaw| and |roll| bin (wild set)')
    parser.add_argument('--num-faces', type=int, default=None,
                        help='the first N test faces (default: --turn 40, '
                        '--bins all)')
    parser.add_argument('--detector', default='blazeface',
                        help="FaceLandmarker's detector")
    parser.add_argument('--compare-axis-aligned', action='store_true',
                        help='also run with upright=False')
    parser.add_argument('--compare-refined', action='store_true',
                        help='also run with refine_boxes (a second pass '
                        "cropped from the first pass's landmarks)")
    args = parser.parse_args()
    if not args.turn and not args.bins:
        parser.error('give --turn ANGLES and / or --bins')

    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from hih_mmpose.apis import FaceLandmarker
    from synthetic_world.synthetic_dataset import WILD_ATTRIBUTE_FILE

    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    from mmpose.registry import DATASETS, METRICS
    cfg = Config.fromfile(args.config)
    init_default_scope('mmpose')
    evaluator = cfg.test_evaluator
    evaluator = evaluator[0] if isinstance(evaluator, list) else evaluator
    metric = METRICS.build(evaluator)
    metric.dataset_meta = parse_pose_metainfo(
        DATASETS.get(cfg.test_dataloader.dataset.type).METAINFO)
    poses = None
    if args.bins:
        pose_file = osp.join(cfg.test_dataloader.dataset.data_root,
                             WILD_ATTRIBUTE_FILE.format(split='test'))
        if not osp.isfile(pose_file):
            parser.error(f'--bins needs the pose file {pose_file} (made by '
                         'generate_synthetic_faces.py --profile wild)')
        with open(pose_file) as f:
            poses = {row['image_id']: row for row in json.load(f)}

    variants = [('upright crops', True, False)]
    if args.compare_axis_aligned:
        variants.append(('axis-aligned crops', False, False))
    if args.compare_refined:
        variants.append(('upright, refined', True, True))
    for name, upright, refine in variants:
        landmarker = FaceLandmarker(args.config, args.checkpoint,
                                    args.detector, upright=upright)
        landmarker.refine_boxes = refine
        if args.turn:
            faces = load_test_faces(cfg, args.num_faces or 40)
            print(f'{len(faces)} test faces of {args.config} turned, '
                  f'detector {args.detector}, flip test as '
                  'configured')
            print(f'{"crops":<20}{"angle":>7}{"found":>13}{"NME<10%":>13}'
                  f'{"median NME %":>13}{"mean NME %":>11}{"s / image":>11}')
            turn_table(landmarker, faces, metric, args.turn, name)
        if args.bins:
            faces = load_test_faces(cfg, args.num_faces or 10**9)
            print(f'{len(faces)} test faces of {args.config}, '
                  f'detector {args.detector}, flip test as configured')
            print(f'{"crops":<20}{"bin (deg)":<14}{"faces":>6}{"found":>7}'
                  f'{"NME %":>10}{"failed %":>11}')
            bin_tables(landmarker, faces, metric, poses, name)


if __name__ == '__main__':
    main()
