# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Face detectors on real photos that Python packages ship: faces found
(IoU >= 0.5 with a hand-marked box), other boxes, and ms per image.

The marked photos: matplotlib's ``sample_data/grace_hopper.jpg`` (found in
the installed matplotlib), scikit-image's ``data/astronaut.png`` and the
group photo ``insightface/data/images/t1.jpg`` of the insightface wheel.
The last two are read from ``--photo-dir`` when there; to get them::

    pip download --no-deps scikit-image==0.26.0 insightface==2.1 -d wheels
    unzip -j wheels/scikit_image-*.whl skimage/data/astronaut.png -d photos
    unzip -j wheels/insightface-*.whl insightface/data/images/t1.jpg -d photos

Example:
    .venv/bin/python tools/analysis_tools/detector_eval.py --photo-dir photos
"""
import argparse
import os.path as osp
import statistics
import time
from typing import Dict, List

import numpy as np

# Faces a person marks (x1, y1, x2, y2: hairline or brows to chin, ear to
# ear), by hand, in each photo: every face, three-quarter views included.
MARKED_FACES: Dict[str, List[List[int]]] = {
    'grace_hopper.jpg': [[160, 130, 375, 340]],
    'astronaut.png': [[172, 62, 282, 185]],
    't1.jpg': [
        [62, 272, 170, 392],  # left, looking down
        [262, 150, 372, 280],  # three-quarter, tilted
        [455, 270, 590, 415],
        [728, 345, 850, 478],
        [885, 68, 1010, 210],  # three-quarter, looking aside
        [1118, 280, 1232, 402],
    ],
}
DETECTORS = ('configs/detectors/blazeface.py',
             'configs/detectors/haar_face.py')


def match_faces(marked: np.ndarray, found: np.ndarray,
                iou_thr: float = 0.5) -> int:
    """Marked faces matched one-to-one by a found box with IoU >=
    ``iou_thr`` (greedy, highest IoU first)."""
    from hih_mmpose.runtime.boxes import box_iou
    if not len(marked) or not len(found):
        return 0
    iou = box_iou(marked, found)
    matched = 0
    while iou.size and iou.max() >= iou_thr:
        i, j = np.unravel_index(iou.argmax(), iou.shape)
        iou[i, :] = iou[:, j] = -1
        matched += 1
    return matched


def photo_paths(photo_dir: str) -> Dict[str, str]:
    import matplotlib.cbook
    paths = {'grace_hopper.jpg': matplotlib.cbook._get_data_path(
        'sample_data', 'grace_hopper.jpg')}
    for name in MARKED_FACES:
        if photo_dir and osp.isfile(osp.join(photo_dir, name)):
            paths[name] = osp.join(photo_dir, name)
    return {name: str(path) for name, path in paths.items()
            if osp.isfile(path)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--photo-dir', help='folder with astronaut.png and '
                        't1.jpg (see the module docstring)')
    parser.add_argument('--detectors', nargs='+', default=list(DETECTORS),
                        help='detector configs (registered detectors with '
                        'a detect_oriented(image) method)')
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()

    import cv2
    from mmdet.registry import MODELS
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    init_default_scope('mmdet')
    detectors = {}
    for config in args.detectors:
        cfg = Config.fromfile(config)  # imports hih_mmpose
        detectors[osp.basename(config)] = MODELS.build(cfg.model)
    paths = photo_paths(args.photo_dir)
    missing = sorted(set(MARKED_FACES) - set(paths))
    if missing:
        print(f'not found (see --photo-dir): {", ".join(missing)}')
    print(f'{"photo":<18}{"detector":<18}{"faces found":>12}'
          f'{"other boxes":>13}{"ms / image":>12}')
    totals = {name: [0, 0, 0, 0.] for name in detectors}
    for photo, path in paths.items():
        image = cv2.imread(path, cv2.IMREAD_COLOR)
        marked = np.asarray(MARKED_FACES[photo], np.float32)
        times = {name: [] for name in detectors}
        boxes = {}
        for round_index in range(args.repeats + 1):  # interleaved rounds
            for name, detector in detectors.items():
                start = time.perf_counter()
                boxes[name] = detector.detect_oriented(image)[0]
                if round_index:  # the first round warms up
                    times[name].append(time.perf_counter() - start)
        for name in detectors:
            found = match_faces(marked, boxes[name])
            ms = 1e3 * statistics.median(times[name])
            other = len(boxes[name]) - found
            print(f'{photo:<18}{name:<18}{f"{found} / {len(marked)}":>12}'
                  f'{other:>13}{ms:>12.1f}')
            totals[name] = [totals[name][0] + found,
                            totals[name][1] + len(marked),
                            totals[name][2] + other, totals[name][3] + ms]
    for name, (found, marked, other, ms) in totals.items():
        print(f'{"all":<18}{name:<18}{f"{found} / {marked}":>12}'
              f'{other:>13}{ms:>12.1f}')


if __name__ == '__main__':
    main()
