# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Pipeline section: a real photo to landmarks, per stage, against
MediaPipe's own face pipeline (BlazeFace + FaceMesh), in one run.

MediaPipe runs ``FaceMesh(static_image_mode=True)``: its detector on every
call, 468 points. Ours is the runtime's ``Landmarker`` on an export of the
light HIH and of HIH-B (random weights, BN calibrated on synthetic faces:
the timing of a trained model) with the default detector (BlazeFace with
its calibration), through each backend x precision and ``'auto'`` (the
measured choice, made in this run), the flip test off and on (the configs
test with it). Stages: the detector, cutting the crops, the network (both
passes where the flip test is on), the map back; ``total`` is one
``landmarker(image)`` call. Also: the light HIH with the face box given
(no detector), a folder of photos (one call each), and video with
``FaceTracker`` (the detector on the first frame, then each frame's box
from the last frame's landmarks; ``min_score=0``, as random weights'
scores say nothing).
"""
import os
import os.path as osp
import tempfile
from typing import Dict, List

import numpy as np

from .common import (HIH_CONFIGS, MODEL_NAMES, REPO_ROOT, build_model, log,
                     median_times, print_table)


def photo_folder(photo_dir) -> Dict[str, np.ndarray]:
    """matplotlib's grace_hopper.jpg and the images of ``photo_dir``."""
    import cv2
    import matplotlib.cbook
    paths = [str(matplotlib.cbook._get_data_path('sample_data',
                                                 'grace_hopper.jpg'))]
    if photo_dir:
        paths += sorted(
            osp.join(photo_dir, name) for name in os.listdir(photo_dir)
            if name.lower().endswith(('.jpg', '.png', '.ppm', '.jpeg')))
    return {osp.basename(p): cv2.imread(p, cv2.IMREAD_COLOR) for p in paths}


def export_random(name: str, work_dir: str) -> str:
    """The model of ``HIH_CONFIGS[name]``, random weights, BN calibrated,
    exported with its metadata (flip test as its config says)."""
    import copy

    from hih_mmpose.deployment import export_onnx, model_info
    from hih_mmpose.deployment import write_model_info
    model = build_model(osp.join(REPO_ROOT, HIH_CONFIGS[name]), 'cpu')
    path = osp.join(work_dir, f'{name}.onnx')
    export_onnx(copy.deepcopy(model).eval(), path,
                tuple(model.head.decoder.input_size))
    info = model_info(model)
    info.flip_test = True  # (the configs test with it; build_model not)
    write_model_info(info, path)
    return path


def mediapipe_mesh():
    """MediaPipe's face pipeline, BGR image -> its landmarks."""
    import cv2
    from mediapipe.python.solutions import face_mesh
    mesh = face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1)

    def run(image: np.ndarray):
        return mesh.process(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))

    return run


def stages(landmarker, image: np.ndarray) -> Dict[str, callable]:
    """One call's stages as separate functions (the detector's boxes are
    found once for the later stages)."""
    from hih_mmpose.runtime.crops import (box_to_center_scale, crop_to_image,
                                          cut_crops)
    boxes, rotations = landmarker.detect(image)
    size = landmarker.info.input_size
    centers, scales = box_to_center_scale(boxes[:, :4],
                                          landmarker.info.bbox_padding, size)
    crops = cut_crops(image, centers, scales, rotations, size)
    check = rotations != 0
    keypoints = landmarker._run(crops, check)[0]
    return dict(
        detector=lambda: landmarker.detect(image),
        crops=lambda: cut_crops(image, centers, scales, rotations, size),
        network=lambda: landmarker._run(crops, check),
        mapping=lambda: crop_to_image(keypoints, centers, scales, size,
                                      rotations),
        total=lambda: landmarker(image))


def ways() -> List[tuple]:
    """(label, backend, precision) of every way to run an fp32 export
    here."""
    from hih_mmpose.runtime.sessions import installed_backends
    from hih_mmpose.utils.cpu_info import cpu_has_bf16
    found = [('auto', 'auto', 'auto')]
    for backend in installed_backends():
        found.append((f'{backend} fp32', backend, 'fp32'))
        if backend == 'openvino' and cpu_has_bf16():
            found.append(('openvino bf16', 'openvino', 'bf16'))
    return found


def bench_pipeline(args) -> dict:
    from hih_mmpose.runtime import FaceTracker, Landmarker
    from hih_mmpose.synthetic.synthetic_video import face_video
    work_dir = tempfile.TemporaryDirectory()
    # 'auto' measures in this run, not from an earlier run's cache
    os.environ['HIH_MMPOSE_CHOICES'] = osp.join(work_dir.name,
                                                'choices.json')
    photos = photo_folder(getattr(args, 'photo_dir', None))
    photo = photos['grace_hopper.jpg']
    rows, fns = [], {}
    fns[('MediaPipe FaceMesh (468 points)', '', 'total')] = (
        lambda run=mediapipe_mesh(): run(photo))
    landmarkers = {}
    for name in [n for n in ('L', 'B') if n in args.models] or ['L']:
        log(f'pipeline: exporting {MODEL_NAMES[name]} (random weights)')
        path = export_random(name, work_dir.name)
        for label, backend, precision in ways():
            for flip in (False, True):
                landmarker = Landmarker(path, 'blazeface', backend,
                                        precision, flip_test=flip)
                landmarker(photo)  # ('auto' measures here)
                way = landmarker.session.description
                key = (MODEL_NAMES[name], f'{label}, flip '
                       f'{"on" if flip else "off"} ({way})')
                landmarkers[key] = landmarker
                for stage, fn in stages(landmarker, photo).items():
                    fns[key + (stage, )] = fn
    light = [k for k in landmarkers if k[0] == MODEL_NAMES['L']
             and k[1].startswith('auto, flip off')]
    box = np.array([[160, 130, 375, 340]], np.float32)
    for key in light:
        fns[(key[0], key[1], 'given box (no detector)')] = (
            lambda lm=landmarkers[key]: lm(photo, bboxes=box))
        fns[(key[0], key[1], f'folder ({len(photos)} photos), per photo')] = (
            lambda lm=landmarkers[key]: [lm(p) for p in photos.values()])
        frames = [frame for frame, _ in face_video(60, (640, 480))]

        def video(lm=landmarkers[key]):
            tracker = FaceTracker(lm, min_score=0.)
            for frame in frames:
                tracker(frame)
            return tracker

        fns[(key[0], key[1], f'video ({len(frames)} frames, tracked), '
             'per frame')] = video
    log(f'pipeline: timing {len(fns)} figures, interleaved')
    timing = median_times(fns, args.repeats)
    for (model, way, stage), seconds in timing.items():
        if stage.startswith('folder'):
            seconds /= len(photos)
        elif stage.startswith('video'):
            seconds /= len(frames)
        rows.append(dict(model=model, way=way, stage=stage,
                         ms=1e3 * seconds))
    return dict(rows=rows, photos=sorted(photos))


def print_pipeline(result: dict) -> None:
    rows = result['rows']
    mediapipe = next(r['ms'] for r in rows if r['model'].startswith(
        'MediaPipe'))
    table = [[r['model'], r['way'], r['stage'], f'{r["ms"]:.1f}',
              f'{r["ms"] / mediapipe:.2f}x' if r['stage'] in (
                  'total', 'given box (no detector)') else '']
             for r in rows]
    print_table(
        "Photo to landmarks (grace_hopper.jpg, 512 x 600, one face), ms; "
        "x: against MediaPipe's face pipeline in this run; folder: "
        f"{', '.join(result['photos'])}", ['model', 'way', 'stage', 'ms',
                                           'vs MediaPipe'], table)
