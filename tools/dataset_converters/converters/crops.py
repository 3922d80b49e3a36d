# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Face boxes written by the converters, as ``(center, scale)`` for mmpose.

mmpose's ``GetBBoxCenterScale`` multiplies the written box by ``padding``
(1.25 in every config here) and ``TopdownAffine`` maps ``center`` to the
middle of the input (``input_size / 2``, pixel centres at integers).

- ``'mmpose'``: the landmarks' bounding box; the crop is 1.25 x its longer
  side (mmpose's and HRNet's face protocol).
- ``'published'``: the square crop of the published HIH data ("PFLD
  practice"): integer min/max over the landmarks (plus, for WFLW, the two
  corners of the detection rectangle), ``wh = max - min + 1``, centre
  ``int(min + wh / 2)``, side ``int(1.2 * max(wh))``, the crop covering
  pixels ``centre - side // 2`` ... ``+ side - 1``, resized to the input.
  The written centre and scale make ``TopdownAffine`` sample exactly that
  crop: the crop's first pixel lands on input pixel 0 and its last on
  ``input - 1`` after resizing by ``input / side``.
"""
from typing import Optional, Tuple

import numpy as np

PADDING = 1.25  # GetBBoxCenterScale's default, used by every config here

#: The published labels are ``(x - x0) / side`` of pixel-index coordinates,
#: read as continuous coordinates of the resized crop, where pixel ``i``
#: covers ``[i, i + 1)``: each label sits half an original pixel up-left of
#: the pixel it names, and the published network learned to predict there.
#: Ground truth shifted by this amount (original pixels) evaluates that
#: network as the published code did.
PUBLISHED_LABEL_SHIFT = -0.5


def landmark_box(points: np.ndarray) -> np.ndarray:
    """(x1, y1, x2, y2) bounding box of (K, 2) points."""
    return np.concatenate([points.min(0), points.max(0)])


def published_crop(points: np.ndarray,
                   rect: Optional[np.ndarray] = None) -> Tuple[int, int, int]:
    """The published square crop: ``(x0, y0, side)`` in pixels.

    Args:
        points (np.ndarray): Landmarks in shape (K, 2).
        rect (np.ndarray, optional): Detection rectangle (x1, y1, x2, y2)
            whose corners join the landmarks (WFLW). Defaults to ``None``.

    Returns:
        tuple: first pixel column and row of the crop, and its side.
    """
    if rect is not None:
        points = np.concatenate([points, np.reshape(rect, (2, 2))])
    low = points.min(0).astype(np.int64)
    high = points.max(0).astype(np.int64)
    wh = high - low + 1
    centre = (low + wh / 2).astype(np.int64)
    side = int(np.max(wh) * 1.2)
    x0, y0 = centre - side // 2
    return int(x0), int(y0), side


def crop_center_scale(box: np.ndarray,
                      crop: str = 'mmpose',
                      points: Optional[np.ndarray] = None,
                      rect: Optional[np.ndarray] = None,
                      input_size: int = 256) -> Tuple[np.ndarray, float]:
    """``center`` (2, ) and ``scale`` (box side / 200) to write.

    Args:
        box (np.ndarray): The landmarks' box (x1, y1, x2, y2), used by the
            ``'mmpose'`` crop.
        crop (str): ``'mmpose'`` or ``'published'``.
        points (np.ndarray, optional): Landmarks (K, 2), needed by
            ``'published'``.
        rect (np.ndarray, optional): Detection rectangle for
            ``'published'``.
        input_size (int): Model input side, for ``'published'``.
            Defaults to ``256``.

    Returns:
        tuple: ``center`` and ``scale`` such that ``scale * 200 * PADDING``
        is the crop side.
    """
    if crop == 'mmpose':
        center = (box[:2] + box[2:]) / 2
        return center, float(max(box[2] - box[0], box[3] - box[1]) / 200)
    if crop != 'published':
        raise ValueError(f"crop must be 'mmpose' or 'published', got {crop!r}")
    x0, y0, side = published_crop(points, rect)
    # A resize of the crop maps crop pixel s to (s + 0.5) * input / side
    # - 0.5; TopdownAffine maps x to (x - center) * input / side + input / 2.
    # Equal for every s when center = x0 + side / 2 - 0.5 + side / (2 input).
    center = np.array([x0, y0], np.float64) + side / 2 - 0.5 + \
        side / (2 * input_size)
    return center, side / (200 * PADDING)
