# Copyright (c) hih_mmpose contributors. All rights reserved.
"""300W release (images with iBUG ``.pts`` files) -> mmpose layout.

The standard splits, as folders of the release (one ``.pts`` beside each
image):

- ``train``: afw, helen/trainset, lfpw/trainset (3148 faces);
- ``valid_common``: helen/testset, lfpw/testset (554);
- ``valid_challenge``: ibug (135);
- ``valid``: the full set, common + challenge (689);
- ``test``: the private 300W test set, 300W/01_Indoor, 300W/02_Outdoor
  (600).

``.pts`` coordinates are 1-based (MATLAB); 1 is subtracted.
"""
import glob
import os
import os.path as osp
from typing import Dict, List

import numpy as np

from hih_mmpose.runtime.image_io import check_image_pixels, image_size
from hih_mmpose.datasets.coco_layout import face_annotation, write_coco
from converters.crops import crop_center_scale, landmark_box

SPLITS = {
    'train': ['afw', 'helen/trainset', 'lfpw/trainset'],
    'valid_common': ['helen/testset', 'lfpw/testset'],
    'valid_challenge': ['ibug'],
    'valid': ['helen/testset', 'lfpw/testset', 'ibug'],
    'test': ['300W/01_Indoor', '300W/02_Outdoor'],
}
IMAGE_SUFFIXES = ('.jpg', '.png', '.jpeg')


def read_pts(path: str) -> np.ndarray:
    """Read an iBUG ``.pts`` file into (68, 2) 0-based pixels.

    Raises:
        ValueError: For a malformed file or a point count other than 68,
            naming the file.
    """
    with open(path) as f:
        lines = [line.strip() for line in f if line.strip()]
    try:
        start, end = lines.index('{'), lines.index('}')
        header = dict(
            line.split(':', 1) for line in lines[:start] if ':' in line)
        count = int(header['n_points'])
        points = np.array([line.split() for line in lines[start + 1:end]],
                          np.float64)
    except (ValueError, KeyError) as error:
        raise ValueError(f'{path} is not an iBUG .pts file ({error})') \
            from None
    if points.shape != (count, 2) or count != 68:
        raise ValueError(f'{path}: expected 68 points of 2 coordinates, got '
                         f'n_points {count} and {points.shape}')
    if not np.isfinite(points).all():
        raise ValueError(f'{path}: non-finite coordinate')
    return points - 1


def find_faces(root: str, folders: List[str]) -> List[str]:
    """Sorted ``.pts`` files of the given release folders."""
    files = []
    for folder in folders:
        if not osp.isdir(osp.join(root, folder)):
            raise FileNotFoundError(
                f'300W folder {osp.join(root, folder)} does not exist')
        # .pts or .PTS: extensions are matched in any case
        files += sorted(
            path for path in glob.glob(
                osp.join(root, folder, '**', '*'), recursive=True)
            if path.lower().endswith('.pts') and osp.isfile(path))
    return files


def image_beside(pts_file: str) -> str:
    """The image file with the stem of ``pts_file`` (extension in any
    case: ``.jpg``, ``.JPG``, ``.png`` ...)."""
    folder, name = osp.split(pts_file)
    stem = osp.splitext(name)[0]
    candidates = sorted(
        entry for entry in os.listdir(folder or '.')
        if osp.splitext(entry)[0] == stem
        and osp.splitext(entry)[1].lower() in IMAGE_SUFFIXES)
    if not candidates:
        raise FileNotFoundError(
            f'no image beside {pts_file} (looked for {stem} with the '
            f'extensions {", ".join(IMAGE_SUFFIXES)} in any case)')
    return osp.join(folder, candidates[0])


def convert_300w(root: str,
                 out_dir: str,
                 splits: List[str] = tuple(SPLITS),
                 crop: str = 'mmpose') -> Dict[str, str]:
    """Write the 300W splits as ``face_landmarks_300w_<split>.json``.

    Args:
        root (str): The release folder (holding afw/, helen/, ibug/, lfpw/,
            300W/); image file names are written relative to it.
        out_dir (str): Output folder of the annotation files.
        splits (list[str]): Splits to write. Defaults to all.
        crop (str): ``'mmpose'`` or ``'published'`` box. Defaults to
            ``'mmpose'``.

    Returns:
        dict: split -> written file.
    """
    written = {}
    for split in splits:
        if split not in SPLITS:
            raise ValueError(f'unknown 300W split {split!r}; known: '
                             f'{", ".join(SPLITS)}')
        files = find_faces(root, SPLITS[split])
        if not files:
            raise ValueError(f'no .pts file in the {split} folders '
                             f'{SPLITS[split]} of {root}')
        images, annotations = [], []
        for index, pts_file in enumerate(files):
            image_file = image_beside(pts_file)
            width, height = image_size(image_file)
            check_image_pixels(width, height, image_file)
            images.append(
                dict(id=index, file_name=osp.relpath(image_file, root),
                     width=width, height=height))
            points = read_pts(pts_file)
            box = landmark_box(points)
            annotation = face_annotation(index, index, points, box=box)
            center, scale = crop_center_scale(box, crop, points)
            annotation.update(center=center.tolist(), scale=scale)
            annotations.append(annotation)
        path = osp.join(out_dir, f'face_landmarks_300w_{split}.json')
        write_coco(path, images, annotations)
        written[split] = path
    return written
