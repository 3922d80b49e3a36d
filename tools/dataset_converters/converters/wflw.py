# Copyright (c) hih_mmpose contributors. All rights reserved.
"""WFLW release (``list_98pt_rect_attr_{train,test}.txt``) -> mmpose layout.

Each line of the release lists 196 landmark coordinates (x0 y0 ... x97
y97), the detection rectangle (x_min y_min x_max y_max), six 0/1 attributes
(pose, expression, illumination, make-up, occlusion, blur) and the image
path relative to ``WFLW_images/``: 207 fields.
"""
import os.path as osp
from typing import Dict, List

import numpy as np

from hih_mmpose.datasets.coco_layout import face_annotation, write_coco
from converters.crops import (PUBLISHED_LABEL_SHIFT, crop_center_scale,
                              landmark_box)
from hih_mmpose.runtime.image_io import check_image_pixels, image_size

#: attribute columns, in file order, and mmpose's subset file names
WFLW_ATTRIBUTES = ('largepose', 'expression', 'illumination', 'makeup',
                   'occlusion', 'blur')
NUM_FIELDS = 98 * 2 + 4 + 6 + 1


def read_wflw_list(path: str) -> List[dict]:
    """Parse a WFLW list file.

    Args:
        path (str): ``list_98pt_rect_attr_{train,test}.txt``.

    Returns:
        list[dict]: per face ``keypoints`` (98, 2), ``rect`` (4, ),
        ``attributes`` (6, ) bool and ``file_name``.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: For a line without 207 fields or with non-numeric or
            non-finite values, naming the file and line.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'WFLW list file {path} does not exist')
    faces = []
    with open(path) as f:
        for line_number, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != NUM_FIELDS:
                raise ValueError(
                    f'{path}:{line_number}: expected {NUM_FIELDS} fields '
                    '(196 coordinates, 4 rectangle, 6 attributes, image '
                    f'path), got {len(fields)}; is this a WFLW '
                    'list_98pt_rect_attr file?')
            try:
                values = np.array(fields[:-1], np.float64)
            except ValueError as error:
                raise ValueError(f'{path}:{line_number}: {error}') from None
            if not np.isfinite(values).all():
                raise ValueError(f'{path}:{line_number}: non-finite value')
            faces.append(
                dict(
                    keypoints=values[:196].reshape(98, 2),
                    rect=values[196:200],
                    attributes=values[200:206] > 0,
                    file_name=fields[-1]))
    if not faces:
        raise ValueError(f'{path} holds no face')
    return faces


def convert_wflw(list_file: str,
                 image_root: str,
                 out_file: str,
                 crop: str = 'mmpose',
                 subsets: bool = False,
                 published_labels: bool = False) -> Dict[str, str]:
    """Write one split of WFLW in mmpose's layout.

    Args:
        list_file (str): The release's list file of the split.
        image_root (str): Folder holding the images (``WFLW_images``); the
            image paths of the list are relative to it and are written as
            they are (so ``data_prefix=dict(img=<image_root>)``).
        out_file (str): Output json, e.g.
            ``annotations/face_landmarks_wflw_test.json``.
        crop (str): ``'mmpose'`` or ``'published'`` box (see
            :mod:`.crops`). Defaults to ``'mmpose'``.
        subsets (bool): Also write one file per attribute,
            ``<out_file stem>_<attribute>.json``. Defaults to ``False``.
        published_labels (bool): Write the landmarks where the published
            labels put them (``PUBLISHED_LABEL_SHIFT``), to evaluate the
            published checkpoint as its authors did. Defaults to ``False``.

    Returns:
        dict: name -> written file (``'all'`` and each subset).
    """
    faces = read_wflw_list(list_file)
    images, annotations, image_ids = [], [], {}
    for face in faces:
        name = face['file_name']
        if name not in image_ids:
            width, height = image_size(osp.join(image_root, name))
            check_image_pixels(width, height, osp.join(image_root, name))
            image_ids[name] = len(images)
            images.append(dict(id=len(images), file_name=name, width=width,
                               height=height))
        points = face['keypoints']
        box = landmark_box(points)
        center, scale = crop_center_scale(box, crop, points, face['rect'])
        if published_labels:
            points = points + PUBLISHED_LABEL_SHIFT
        annotation = face_annotation(len(annotations), image_ids[name],
                                     points, box=box)
        annotation.update(center=center.tolist(), scale=scale)
        annotations.append(annotation)
    write_coco(out_file, images, annotations)
    written = dict(all=out_file)
    if subsets:
        stem = osp.splitext(out_file)[0]
        for column, attribute in enumerate(WFLW_ATTRIBUTES):
            selected = [ann for ann, face in zip(annotations, faces)
                        if face['attributes'][column]]
            used = {ann['image_id'] for ann in selected}
            path = f'{stem}_{attribute}.json'
            write_coco(path, [im for im in images if im['id'] in used],
                       selected)
            written[attribute] = path
    return written

