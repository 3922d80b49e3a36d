# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Serving section: one FaceLandmarker shared by 1, 2 and 4 threads (calls
per second, results checked against the calls made alone), and the peak
memory of one call with many boxes at the configured batch size."""
import os.path as osp
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List

import numpy as np

from .common import REPO_ROOT, log, print_table

QUICK_START = 'configs/hih_synthetic.py'

# peak memory of one call in a fresh interpreter: FaceLandmarker(quick
# start, random weights, no flip test: the crop path) on a 512 x 512 image
# with BOXES boxes at BATCH faces a batch; prints MiB before and at peak
MEMORY_CHILD = r'''
import resource, sys, time
import numpy as np
from hih_mmpose.apis import FaceLandmarker
boxes, batch = int(sys.argv[1]), int(sys.argv[2])
landmarker = FaceLandmarker(sys.argv[3], random_weights=True,
                            detector='whole_image',
                            runtime=dict(batch_size=batch, threads=2,
                                         flip_test=False))
image = np.full((512, 512, 3), 128, np.uint8)
landmarker(image, [[100, 100, 300, 300]])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rng = np.random.default_rng(0)
corner = rng.uniform(0, 300, (boxes, 2))
start = time.perf_counter()
faces = landmarker(image, np.concatenate([corner, corner + 150], 1))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f'RESULT {len(faces)} {before:.0f} {peak:.0f} {seconds:.1f}')
'''


def threaded_throughput(landmarker, images: List[np.ndarray],
                        threads: int, calls: int) -> Dict[str, float]:
    """Calls per second of ``threads`` threads sharing ``landmarker``
    (``calls`` calls each, images in turn), and the largest keypoint
    difference from the same calls made alone."""
    alone = [landmarker(image) for image in images]

    def worker(index: int):
        results = []
        for call in range(calls):
            which = (index + call) % len(images)
            results.append((which, landmarker(images[which])))
        return results

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        done = [pool.submit(worker, index) for index in range(threads)]
        results = [item for future in done for item in future.result()]
    seconds = time.perf_counter() - start
    worst = 0.
    for which, faces in results:
        if len(faces) != len(alone[which]):
            worst = float('inf')
            continue
        for face, reference in zip(faces, alone[which]):
            worst = max(worst, float(np.abs(face['keypoints'] -
                                            reference['keypoints']).max()))
    return dict(calls_per_s=len(results) / seconds, worst_px=worst)


def bench_serving(args) -> Dict[str, list]:
    import cv2
    import matplotlib.cbook as cbook
    from hih_mmpose.apis import FaceLandmarker
    config = osp.join(REPO_ROOT, QUICK_START)
    photo = cv2.imread(cbook.get_sample_data('grace_hopper.jpg',
                                             asfileobj=False))
    images = [photo, np.ascontiguousarray(np.rot90(photo))]
    landmarker = FaceLandmarker(config, random_weights=True)
    threads_rows = []
    for threads in (1, 2, 4):
        log(f'serving: {threads} thread(s) x {args.serving_calls} calls')
        threads_rows.append(
            dict(threads=threads,
                 **threaded_throughput(landmarker, images, threads,
                                       args.serving_calls)))
    memory_rows = []
    for boxes, batch in ((1000, 32), (10000, 32), (1000, 1000)):
        log(f'serving: {boxes} boxes, batch {batch} (fresh interpreter)')
        output = subprocess.run(
            [sys.executable, '-c', MEMORY_CHILD, str(boxes), str(batch),
             config], capture_output=True, text=True, check=True).stdout
        faces, before, peak, seconds = output.split('RESULT ')[1].split()
        memory_rows.append(
            dict(boxes=boxes, batch=batch, faces=int(faces),
                 before_mib=float(before), peak_mib=float(peak),
                 seconds=float(seconds)))
    return dict(threads=threads_rows, memory=memory_rows)


def print_serving(figures: Dict[str, list]) -> None:
    print_table(
        'One FaceLandmarker shared by threads (quick-start config, random '
        'weights, BlazeFace, an upright and a turned photo in turn)',
        ['threads', 'calls / s', 'worst difference from alone (px)'],
        [[r['threads'], f'{r["calls_per_s"]:.2f}', f'{r["worst_px"]:.4f}']
         for r in figures['threads']])
    print_table(
        'Peak memory of one call with many boxes (quick-start config, '
        'random weights, no flip test, fresh interpreter)',
        ['boxes', 'batch_size', 'faces', 'RSS before (MiB)',
         'peak RSS (MiB)', 'growth (MiB)', 's'],
        [[r['boxes'], r['batch'], r['faces'], f'{r["before_mib"]:.0f}',
          f'{r["peak_mib"]:.0f}', f'{r["peak_mib"] - r["before_mib"]:.0f}',
          f'{r["seconds"]:.1f}'] for r in figures['memory']])
