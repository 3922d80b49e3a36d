# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Load section: FaceLandmarker latency quiet and beside a quick-start
training run on the same cores."""
import os
import os.path as osp
import signal
import subprocess
import sys
import tempfile
import time
from typing import Dict, List

import numpy as np

from .common import REPO_ROOT, log, print_table

QUICK_START = 'configs/hih_synthetic.py'


def upright_test_image(landmarker, data_root: str) -> np.ndarray:
    """The first quick-start test image whose face the detector finds
    upright (one landmark pass, as for most faces)."""
    import cv2
    folder = osp.join(data_root, 'images', 'test')
    for name in sorted(os.listdir(folder)):
        image = cv2.imread(osp.join(folder, name))
        boxes, angles = landmarker.detect_faces(image)
        if len(boxes) == 1 and angles[0] == 0:
            return image
    raise RuntimeError(f'no upright face found in {folder}')


def latencies(landmarkers: Dict[str, object], image: np.ndarray,
              calls: int, seconds: float) -> Dict[str, np.ndarray]:
    """ms per call of each landmarker, called in turn (one round each) for
    ``calls`` rounds or ``seconds``, after one warm-up round."""
    times = {name: [] for name in landmarkers}
    end = time.monotonic() + seconds
    for round_index in range(calls + 1):
        for name, landmarker in landmarkers.items():
            start = time.perf_counter()
            landmarker(image)
            if round_index:
                times[name].append(1e3 * (time.perf_counter() - start))
        if time.monotonic() > end:
            break
    return {name: np.array(t) for name, t in times.items()}


def start_training(work_dir: str) -> subprocess.Popen:
    """The neighbour: ``tools/train.py configs/hih_synthetic.py`` (its data
    worker included), returned once it logs training iterations."""
    log_file = osp.join(work_dir, 'neighbour.log')

    def log_text() -> str:
        with open(log_file) as f:
            return f.read()

    with open(log_file, 'w') as log_out:  # (the child keeps its own copy)
        process = subprocess.Popen(
            [sys.executable, 'tools/train.py', QUICK_START, '--work-dir',
             osp.join(work_dir, 'train')], cwd=REPO_ROOT, stdout=log_out,
            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        time.sleep(2)
        if process.poll() is not None:
            raise RuntimeError('the neighbour training stopped: ' +
                               log_text()[-2000:])
        if 'Epoch(train)' in log_text():
            return process
    stop(process)
    raise RuntimeError('the neighbour training logged no iteration in 5 min')


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def bench_load(args) -> List[dict]:
    import torch

    from hih_mmpose.apis import FaceLandmarker
    data_root = osp.join(REPO_ROOT, 'data', 'synthetic')
    if not osp.isdir(osp.join(data_root, 'images', 'test')):
        raise FileNotFoundError(
            f'the load section trains the quick start beside the landmarker '
            f'and needs its data ({data_root}): run tools/quickstart.py or '
            'tools/dataset_converters/generate_synthetic_faces.py first')
    weights = dict(checkpoint=args.load_checkpoint) if (
        args.load_checkpoint) else dict(random_weights=True)
    all_threads = torch.get_num_threads()
    config = osp.join(REPO_ROOT, QUICK_START)
    landmarkers = {
        f'threads={all_threads} (fixed)':
        FaceLandmarker(config, runtime=dict(threads=all_threads), **weights),
        "threads='auto' (default)": FaceLandmarker(config, **weights),
        "precision='auto', threads='auto'":
        FaceLandmarker(config, runtime=dict(precision='auto'), **weights),
    }
    image = upright_test_image(landmarkers["threads='auto' (default)"],
                               data_root)
    log(f'load: quiet ({args.load_calls} calls each)')
    quiet = latencies(landmarkers, image, args.load_calls, 120)
    with tempfile.TemporaryDirectory() as work_dir:
        log('load: starting the neighbour (tools/train.py '
            f'{QUICK_START})')
        neighbour = start_training(work_dir)
        try:
            log(f'load: beside the training ({args.load_calls} calls each)')
            loaded = latencies(landmarkers, image, args.load_calls, 300)
        finally:
            stop(neighbour)
    return [
        dict(setting=name, backend=landmarkers[name].backend,
             precision=landmarkers[name].precision,
             quiet_median=float(np.median(quiet[name])),
             quiet_p90=float(np.percentile(quiet[name], 90)),
             loaded_median=float(np.median(loaded[name])),
             loaded_p90=float(np.percentile(loaded[name], 90)),
             calls=len(loaded[name])) for name in landmarkers
    ]


def print_load(results: List[dict]) -> None:
    rows = [[
        r['setting'], f'{r["backend"]} {r["precision"]}',
        f'{r["quiet_median"]:.0f} / {r["quiet_p90"]:.0f}',
        f'{r["loaded_median"]:.0f} / {r["loaded_p90"]:.0f}',
        f'{r["loaded_median"] / r["quiet_median"]:.1f}x / '
        f'{r["loaded_p90"] / r["quiet_median"]:.1f}x'
    ] for r in results]
    print_table(
        'Latency under load: FaceLandmarker (quick-start config, '
        'BlazeFace, one upright synthetic face), ms per image median / '
        '90th percentile, quiet and beside tools/train.py '
        f'{QUICK_START} on the same cores; last column: loaded median and '
        'p90 over the quiet median', [
            'setting', 'backend', 'quiet', 'beside training',
            'loaded / quiet median'
        ], rows)
