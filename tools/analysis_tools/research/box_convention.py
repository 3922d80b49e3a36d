# Copyright (c) hih_mmpose contributors. All rights reserved.
"""How a detector's face boxes sit against the landmarks' extent, and the
calibration that maps them onto it (``box_calibration`` of the detectors,
fitted by ``tools/analysis_tools/box_calibration.py``)."""
from typing import Dict, Sequence

import numpy as np


def extent_box(points: np.ndarray) -> np.ndarray:
    """The landmarks' bounding box (4, ) x1, y1, x2, y2 of (K, 2) points:
    the annotation box of mmpose's face datasets."""
    points = np.asarray(points, np.float64)
    return np.concatenate([points.min(0), points.max(0)])


def box_agreement(box: np.ndarray, reference: np.ndarray) -> Dict[str, float]:
    """A box against the reference box (the landmarks' extent).

    Returns:
        dict: ``size_ratio``, sqrt(w h) of the box over that of the
        reference; ``dx`` / ``dy``, the centre offset (box minus reference)
        in units of the reference's size sqrt(w h); ``offset``, its length.
    """
    box, reference = (np.asarray(b, np.float64) for b in (box, reference))
    size = np.sqrt(np.prod(box[2:] - box[:2]))
    ref_size = np.sqrt(np.prod(reference[2:] - reference[:2]))
    shift = ((box[:2] + box[2:]) - (reference[:2] + reference[2:])) / 2
    dx, dy = shift / ref_size
    return dict(size_ratio=float(size / ref_size), dx=float(dx),
                dy=float(dy), offset=float(np.hypot(dx, dy)))


def fit_box_calibration(boxes: Sequence[np.ndarray],
                        references: Sequence[np.ndarray]) -> dict:
    """The ``box_calibration`` that maps upright detector boxes onto the
    reference boxes: per axis, the median centre offset in units of the
    detector box's width / height and the median size ratio (medians: a
    few odd faces do not pull the fit).

    Args:
        boxes (Sequence[np.ndarray]): Detector boxes (4, ) x1, y1, x2, y2.
        references (Sequence[np.ndarray]): The matching reference boxes.

    Returns:
        dict: ``center_offset=(dx, dy)``, ``scale=(sx, sy)``, rounded to
        three decimals, for :func:`~hih_mmpose.models.detectors.
        box_calibration.calibrate_boxes`.
    """
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    references = np.asarray(references, np.float64).reshape(-1, 4)
    if not len(boxes) or len(boxes) != len(references):
        raise ValueError('fit_box_calibration needs as many boxes as '
                         f'references (at least one), got {len(boxes)} and '
                         f'{len(references)}')
    size = boxes[:, 2:] - boxes[:, :2]
    shift = ((references[:, :2] + references[:, 2:]) -
             (boxes[:, :2] + boxes[:, 2:])) / 2 / size
    scale = (references[:, 2:] - references[:, :2]) / size
    return dict(
        center_offset=tuple(round(float(v), 3)
                            for v in np.median(shift, 0)),
        scale=tuple(round(float(v), 3) for v in np.median(scale, 0)))
