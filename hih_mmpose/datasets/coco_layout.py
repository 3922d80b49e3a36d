# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Write face annotations in mmpose's COCO-style layout.

mmpose's ``WFLWDataset`` and ``Face300WDataset`` read the face box from
``center`` and ``scale`` (box side / 200); ``COFWDataset`` reads ``bbox``
(x, y, w, h). Every annotation written here carries all three, so any of the
three dataset classes loads it.
"""
import json
import os
import os.path as osp
from typing import List, Optional

import numpy as np

from ..utils.output_folder import refuse_link


def face_annotation(ann_id: int,
                    image_id: int,
                    keypoints: np.ndarray,
                    visible: Optional[np.ndarray] = None,
                    box: Optional[np.ndarray] = None) -> dict:
    """One COCO-style face annotation.

    Args:
        ann_id (int): Annotation id.
        image_id (int): Image id.
        keypoints (np.ndarray): Landmarks in shape (K, 2), image pixels.
        visible (np.ndarray, optional): Visibility flags (K, ) written as
            COCO ``v`` (2 visible, 1 labelled but occluded). Defaults to all
            visible.
        box (np.ndarray, optional): Face box (x1, y1, x2, y2). Defaults to
            the landmarks' bounding box.

    Returns:
        dict: ``keypoints`` ([x, y, v] * K), ``num_keypoints``, ``bbox``
        (xywh), ``area``, ``center`` and ``scale`` (longer box side / 200).
    """
    keypoints = np.asarray(keypoints, np.float64)
    if visible is None:
        visible = np.ones(len(keypoints), bool)
    if box is None:
        box = np.concatenate([keypoints.min(0), keypoints.max(0)])
    x1, y1, x2, y2 = (float(v) for v in box)
    flags = np.where(np.asarray(visible) > 0, 2, 1)
    return dict(
        id=int(ann_id),
        image_id=int(image_id),
        category_id=1,
        iscrowd=0,
        keypoints=np.column_stack([keypoints, flags]).ravel().tolist(),
        num_keypoints=int(len(keypoints)),
        bbox=[x1, y1, x2 - x1, y2 - y1],
        area=(x2 - x1) * (y2 - y1),
        center=[(x1 + x2) / 2, (y1 + y2) / 2],
        scale=max(x2 - x1, y2 - y1) / 200)


def write_coco(path: str, images: List[dict],
               annotations: List[dict]) -> None:
    """Write a COCO-style json with the single category ``face`` (never
    through a link standing at ``path``: that is an error).

    Raises:
        FileExistsError: ``path`` is a link (to a file elsewhere, or
            dangling): the converters never write outside their output
            folder.
    """
    refuse_link(path)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(
            dict(images=images, annotations=annotations,
                 categories=[dict(id=1, name='face', supercategory='face')]),
            f)
