# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Pipeline section: a real photo to landmarks, per stage, against
MediaPipe's own face pipeline (BlazeFace + FaceMesh), in one run.

MediaPipe runs ``FaceMesh(static_image_mode=True)``: its detector on every
call, 468 points; in an environment of its own (:data:`MEDIAPIPE_ENV`),
timed before and after ours (the mean of the two is the reference). Ours
is the runtime's ``Landmarker`` on an export of the light HIH and of HIH-B
(random weights, BN calibrated on synthetic faces: the timing of a trained
model) with the default detector (BlazeFace with its calibration), through
each backend x precision and ``'auto'`` (the measured choice, made in this
run), the flip test off and on (the configs test with it). Stages: the
detector, cutting the crops, the network (both passes where the flip test
is on), the map back; ``total`` is one ``landmarker(image)`` call with one
pass, and the second pass from the landmarks (the default) adds one more
pass's crops, network and mapping. Also: the light HIH with the
face box given (no detector), a folder of photos (one call each), and video
with ``FaceTracker`` (the detector on the first frame, then each frame's
box from the last frame's landmarks; ``min_score=0``, as random weights'
scores say nothing). ``--exports FILE ...``: trained exports, each run
through ``'auto'`` and every way on one synthetic face with its box given
(:func:`bench_export`; random weights make bf16 disagree, so 'auto' is
judged on trained ones). Every figure is the median of calls (at least 15
rounds) that each follow a call of the same way (a stream of photos or
frames, as MediaPipe is timed), interleaved round by round with the other
ways; the landmarkers share one detector, as one process with one
landmarker has.
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


#: MediaPipe's face pipeline runs in a cached environment of its own:
#: mediapipe 0.10.21's legacy solutions set their graph options through
#: ``FieldDescriptor.label``, which the protobuf of the full stack (onnx
#: needs protobuf >= 5) no longer has; its own pin is protobuf < 5
MEDIAPIPE_ENV = ('mediapipe==0.10.21', 'protobuf>=4.25.3,<5', 'numpy<2',
                 'opencv-python-headless', 'matplotlib', 'absl-py', 'attrs',
                 'flatbuffers>=2.0')
MEDIAPIPE_TIMING = """
import json, statistics, sys, time
import cv2
from mediapipe.python.solutions import face_detection, face_mesh
image = cv2.imread(sys.argv[1])
repeats = int(sys.argv[2])
mesh = face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1)
detector = face_detection.FaceDetection(model_selection=1)
def timed(fn):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)
rgb = lambda: cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
found = mesh.process(rgb()).multi_face_landmarks
print(json.dumps(dict(
    points=len(found[0].landmark) if found else 0,
    mesh=timed(lambda: mesh.process(rgb())),
    blazeface=timed(lambda: detector.process(rgb())))))
"""


def mediapipe_timing(photo_path: str, repeats: int) -> dict:
    """ms of MediaPipe's FaceMesh (static images: its detector every call)
    and of its BlazeFace (full range) alone on a photo, timed in its own
    environment (made once in the cache, like the test suite's
    runtime-only one)."""
    import json
    import subprocess
    import sys
    from hashlib import sha256
    cache = os.environ.get('HIH_MMPOSE_CACHE') or osp.join(
        osp.expanduser('~'), '.cache', 'hih_mmpose')
    key = sha256(' '.join(MEDIAPIPE_ENV).encode()).hexdigest()[:12]
    venv = osp.join(cache, f'mediapipe_bench-{key}')
    python = osp.join(venv, 'bin', 'python')
    if not osp.isfile(osp.join(venv, '.complete')):
        log(f'pipeline: making MediaPipe\'s environment {venv}')
        base = getattr(sys, '_base_executable', None) or sys.executable
        subprocess.run([base, '-m', 'venv', '--clear', venv], check=True)
        pip = [python, '-m', 'pip', 'install', '-q',
               '--disable-pip-version-check']
        subprocess.run(pip + ['--no-deps', MEDIAPIPE_ENV[0]], check=True)
        subprocess.run(pip + list(MEDIAPIPE_ENV[1:]), check=True)
        open(osp.join(venv, '.complete'), 'w').close()
    result = subprocess.run([python, '-c', MEDIAPIPE_TIMING, photo_path,
                             str(repeats)], check=True, capture_output=True,
                            text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


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
    from hih_mmpose.runtime.detectors import build_detector
    from synthetic_world.synthetic_video import face_video
    work_dir = tempfile.TemporaryDirectory()
    # 'auto' measures in this run, not from an earlier run's cache
    os.environ['HIH_MMPOSE_CHOICES'] = osp.join(work_dir.name,
                                                'choices.json')
    photos = photo_folder(getattr(args, 'photo_dir', None))
    photo = photos['grace_hopper.jpg']
    import matplotlib.cbook
    photo_path = str(matplotlib.cbook._get_data_path('sample_data',
                                                     'grace_hopper.jpg'))
    repeats = max(args.repeats, 5) * 4
    log('pipeline: MediaPipe, before')
    mediapipe = [mediapipe_timing(photo_path, repeats)]
    rows, fns, choices = [], {}, {}
    landmarkers = {}
    # (one detector for every way, as a process with one landmarker has)
    detector = build_detector('blazeface')
    for name in [n for n in ('L', 'B') if n in args.models] or ['L']:
        log(f'pipeline: exporting {MODEL_NAMES[name]} (random weights)')
        path = export_random(name, work_dir.name)
        for label, backend, precision in ways():
            for flip in (False, True):
                landmarker = Landmarker(path, detector, backend, precision,
                                        flip_test=flip)
                # (one pass: random weights' landmarks pass or fail the
                # second pass's guards by chance; its cost is a pass's
                # crops + network + mapping, added up below)
                landmarker.refine_boxes = False
                landmarker(photo)  # ('auto' measures here)
                way = landmarker.session.description
                if label == 'auto':
                    choices[MODEL_NAMES[name]] = landmarker.session.report
                key = (MODEL_NAMES[name], f'{label}, flip '
                       f'{"on" if flip else "off"} ({way})')
                landmarkers[key] = landmarker
                for stage, fn in stages(landmarker, photo).items():
                    fns[key + (stage, )] = fn
    light = [k for k in landmarkers if k[0] == MODEL_NAMES['L']
             and k[1].startswith(('auto, flip off',
                                  'openvino bf16, flip off'))]
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
    # (each call right after one of the same way: a stream of photos, as
    # MediaPipe's loop is timed)
    # (at least 15 rounds: the figures are a few ms, and their medians
    # decide a ratio)
    timing = median_times(fns, max(args.repeats, 15), warm=True)
    log('pipeline: MediaPipe, after')
    mediapipe.append(mediapipe_timing(photo_path, repeats))
    for name, label in (('mesh', f'FaceMesh ({mediapipe[0]["points"]} '
                         'points, static images)'),
                        ('blazeface', 'its BlazeFace alone (full range)')):
        rows.append(dict(model='MediaPipe', way=label, stage='total',
                         ms=float(np.mean([m[name] for m in mediapipe])),
                         before_after=[m[name] for m in mediapipe]))
    for (model, way, stage), seconds in timing.items():
        if stage.startswith('folder'):
            seconds /= len(photos)
        elif stage.startswith('video'):
            seconds /= len(frames)
        rows.append(dict(model=model, way=way, stage=stage,
                         ms=1e3 * seconds))
        if stage == 'total':
            second = sum(timing[(model, way, s)]
                         for s in ('crops', 'network', 'mapping'))
            rows.append(dict(model=model, way=way,
                             stage='total + second pass (the default; sum)',
                             ms=1e3 * (seconds + second)))
    exports = [bench_export(path, args.repeats)
               for path in getattr(args, 'exports', None) or []]
    return dict(rows=rows, photos=sorted(photos), auto=choices,
                exports=exports)


def bench_export(path: str, repeats: int) -> dict:
    """``'auto'`` against each way to run a (trained) export: one
    synthetic face (192 px) with its landmark box given, flip test as the
    export's metadata says, each call right after one of the same way,
    interleaved; ``'auto'`` measures in this run."""
    from hih_mmpose.runtime import Landmarker
    from synthetic_world.synthetic_faces import render_face
    log(f'pipeline: auto against each way on {path}')
    image, points = render_face(np.random.default_rng(0))
    box = np.concatenate([points.min(0), points.max(0)])[None]
    landmarkers, fns = {}, {}
    for label, backend, precision in ways():
        landmarker = Landmarker(path, 'whole_image', backend, precision)
        landmarker.refine_boxes = False
        landmarker(image, bboxes=box)  # ('auto' measures here)
        landmarkers[label] = landmarker
        fns[label] = lambda lm=landmarker: lm(image, bboxes=box)
    timing = median_times(fns, max(repeats, 5) * 4, warm=True)
    fastest = min(t for label, t in timing.items() if label != 'auto')
    return dict(file=osp.basename(path),
                chose=landmarkers['auto'].session.description,
                report=getattr(landmarkers['auto'].session, 'report', {}),
                ms={label: 1e3 * t for label, t in timing.items()},
                auto_vs_fastest=timing['auto'] / fastest)


def print_pipeline(result: dict) -> None:
    rows = result['rows']
    mediapipe = rows[0]['ms']  # FaceMesh: the mean of before and after
    table = [[r['model'], r['way'], r['stage'], f'{r["ms"]:.1f}',
              f'{r["ms"] / mediapipe:.2f}x' if r['stage'].startswith(
                  ('total', 'given box')) else '']
             for r in rows]
    print_table(
        "Photo to landmarks (grace_hopper.jpg, 512 x 600, one face), ms; "
        "x: against MediaPipe's face pipeline in this run; folder: "
        f"{', '.join(result['photos'])}", ['model', 'way', 'stage', 'ms',
                                           'vs MediaPipe'], table)
    for export in result.get('exports', []):
        print_table(
            f"'auto' on {export['file']} (one synthetic face, its box "
            f"given), ms; it chose {export['chose']}: "
            f"{export['auto_vs_fastest']:.2f}x the fastest way",
            ['way', 'ms'], [[way, f'{ms:.2f}']
                            for way, ms in export['ms'].items()])
    for model, report in result['auto'].items():
        print(f"'auto' measured for {model}: " + ', '.join(
            f'{way} {r["ms"]:.1f} ms' + (
                f' (mean {r["mean_px"]:.2f} px from fp32'
                f'{"" if r["agrees"] else ", disagrees"})'
                if 'mean_px' in r else '') for way, r in report.items()))
