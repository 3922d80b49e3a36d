# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Batching section: faces per second of FaceLandmarker called once per
image against once per list of images (their crops share batches of
``batch_size``), for HIH-B and the light HIH, with the per-stage costs
that explain the ratio."""
import os.path as osp
import tempfile
from typing import Dict, List

import numpy as np
import torch

from .common import (
    HIH_CONFIGS,
    MODEL_NAMES,
    REPO_ROOT,
    build_model,
    log,
    median_times,
    print_table,
)
from .precision import calibration_crops_of

#: images of a folder (one call each, or one call for all)
FOLDER_IMAGES = 16


def face_images(faces_per_image: int, count: int, seed: int = 0
                ) -> List[tuple]:
    """``count`` 640x480 images with ``faces_per_image`` synthetic faces
    each (rendered at 256 px, scaled to fit a grid), and their boxes
    (faces_per_image, 4) xyxy."""
    import cv2

    from hih_mmpose.datasets.synthetic_faces import render_face
    rng = np.random.default_rng(seed)
    columns = int(np.ceil(np.sqrt(faces_per_image)))
    rows = int(np.ceil(faces_per_image / columns))
    side = int(min(640 / columns, 480 / rows))
    images = []
    for _ in range(count):
        image = np.full((480, 640, 3), 90, np.uint8)
        boxes = []
        for index in range(faces_per_image):
            face, _ = render_face(rng, 256)
            y, x = divmod(index, columns)
            image[y * side:(y + 1) * side, x * side:(x + 1) * side] = (
                cv2.resize(face, (side, side)))
            boxes.append([x * side, y * side, (x + 1) * side,
                          (y + 1) * side])
        images.append((image, np.asarray(boxes, np.float32)))
    return images


def landmarker_for(name: str, work_dir: str, precision: str):
    """A FaceLandmarker of ``HIH_CONFIGS[name]`` with random weights (BN
    calibrated on faces) saved as a checkpoint, BlazeFace, and for int8 an
    int8 model quantised on synthetic faces (no training set needed)."""
    from hih_mmpose.apis import FaceLandmarker
    from hih_mmpose.deployment import quantize_int8
    config = osp.join(REPO_ROOT, HIH_CONFIGS[name])
    model = build_model(config, 'cpu')
    checkpoint = osp.join(work_dir, f'{name}.pth')
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    int8_onnx = None
    if precision == 'int8':
        int8_onnx = osp.join(work_dir, f'{name}_int8.onnx')
        quantize_int8(model, int8_onnx, calibration_crops_of(model, 8),
                      tuple(model.head.decoder.input_size))
    return FaceLandmarker(
        config, checkpoint,
        runtime=dict(precision=precision, flip_test=False,
                     int8_onnx=int8_onnx, threads=torch.get_num_threads()))


def bench_batching(args) -> List[dict]:
    """Per model: faces/s with given boxes (1, 4, 16 faces an image) and
    for a folder of one-face images with BlazeFace, one call per image vs
    one call for all ``FOLDER_IMAGES`` images (timed in interleaved
    rounds), and the stages of a one-face image: the detector, the crop
    (mmpose's test pipeline) and the network per face at batch 1 and at
    batch ``FOLDER_IMAGES``."""
    from hih_mmpose.apis.landmark_predictors import CropPredictorPath
    models = [m for m in args.models if m in ('B', 'L')] or ['L']
    results = []
    with tempfile.TemporaryDirectory() as work_dir:
        for name in models:
            log(f'batching: {MODEL_NAMES[name]} ({args.batching_precision})')
            landmarker = landmarker_for(name, work_dir,
                                        args.batching_precision)
            row = dict(model=MODEL_NAMES[name],
                       backend=f'{landmarker.backend} '
                       f'{landmarker.precision}', settings=[])
            for faces in (1, 4, 16):
                images = face_images(faces, FOLDER_IMAGES)
                pictures = [image for image, _ in images]
                boxes = [box for _, box in images]
                timing = median_times(
                    dict(one=lambda: [landmarker(p, b) for p, b in
                                      zip(pictures, boxes)],
                         batched=lambda: landmarker(pictures, boxes)),
                    args.repeats)
                row['settings'].append(dict(
                    setting=f'{faces} face(s) an image, given boxes',
                    faces=faces * len(images),
                    seconds=timing))
                log(f'  {faces} face(s): ' + ', '.join(
                    f'{k} {faces * len(images) / v:.1f} faces/s'
                    for k, v in timing.items()))
            images = face_images(1, FOLDER_IMAGES, seed=1)
            pictures = [image for image, _ in images]
            found = sum(len(f) for f in landmarker(pictures))
            timing = median_times(
                dict(one=lambda: [landmarker(p) for p in pictures],
                     batched=lambda: landmarker(pictures)), args.repeats)
            row['settings'].append(dict(
                setting=f'folder of {FOLDER_IMAGES} one-face images, '
                'BlazeFace', faces=found, seconds=timing))
            # the stages of one one-face image
            predictor = landmarker.predictor
            image, box = images[0]
            crops = None
            if isinstance(predictor, CropPredictorPath):
                crops = calibration_crops_of(landmarker.model, 1)
            stage_fns = dict(
                detector=lambda: landmarker.detect(image),
                whole_call=lambda: landmarker(image, box))
            if crops is not None:
                batch = np.repeat(crops, FOLDER_IMAGES, 0)
                network = predictor.crop_predictor
                stage_fns.update(
                    network_batch_1=lambda: network(crops),
                    network_batch_n=lambda: network(batch))
            stage = median_times(stage_fns, max(args.repeats, 5))
            if 'network_batch_n' in stage:
                stage['network_batch_n'] /= FOLDER_IMAGES
            row['stages_ms'] = {k: 1e3 * v for k, v in stage.items()}
            results.append(row)
    return results


def print_batching(results: List[dict]) -> None:
    rows = []
    for r in results:
        for s in r['settings']:
            one, batched = s['seconds']['one'], s['seconds']['batched']
            rows.append([r['model'], r['backend'], s['setting'], s['faces'],
                         f'{s["faces"] / one:.1f}',
                         f'{s["faces"] / batched:.1f}',
                         f'{one / batched:.2f}x'])
    print_table(
        f'Batching across images: faces per second, one FaceLandmarker '
        f'call per image vs one call for all {FOLDER_IMAGES} images '
        '(crops in batches of batch_size=32 across images), 640x480 '
        'images of synthetic faces, random weights',
        ['model', 'backend', 'images', 'faces', 'one image a call',
         'all in one call', 'batched / one'], rows)
    stage_rows = []
    for r in results:
        t: Dict[str, float] = r['stages_ms']
        stage_rows.append([
            r['model'], r['backend'], f'{t["whole_call"]:.1f}',
            f'{t["detector"]:.1f}',
            f'{t.get("network_batch_1", float("nan")):.1f}',
            f'{t.get("network_batch_n", float("nan")):.1f}',
            f'{t["whole_call"] - t.get("network_batch_1", 0):.1f}'])
    print_table(
        'Where the time of a one-face image goes, ms: a call with the box '
        f'given; the detector alone; the network per face at batch 1 and '
        f'at batch {FOLDER_IMAGES}; the rest of the call (crop, mapping '
        'back, Python) = call - network at batch 1',
        ['model', 'backend', 'call (given box)', 'BlazeFace',
         'network, batch 1', f'network, batch {FOLDER_IMAGES} (per face)',
         'rest of the call'], stage_rows)
