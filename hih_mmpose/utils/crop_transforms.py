# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Keypoints between image pixels and the pixels of a top-down input crop.

mmpose's ``TopdownAffine`` warps the box of centre ``c`` and size ``s`` (the
``input_center`` and ``input_scale`` of a packed sample, in image pixels),
turned by ``bbox_rotation`` degrees about its centre when the sample has
one, onto an ``input_size`` crop with ``get_warp_matrix``;
``TopdownPoseEstimator`` maps predictions back with
``kpt / input_size * s + c - s / 2``, which ignores the rotation. These
functions are the exact map and its inverse (the rotation included), so
that every caller (the landmarker's crop paths, the analysis tools) uses
the same formula.

Rotation convention (mmpose's): a crop turned by ``r`` degrees has its x
axis along ``(cos r, sin r)`` in the image (y pointing down), so a face
whose eye line (the image-left eye to the image-right eye of the upright
face) points along that direction is upright in the crop.
"""
from typing import Optional

import numpy as np


def _warp_matrices(center: np.ndarray, scale: np.ndarray,
                   input_size: np.ndarray, rotation: np.ndarray,
                   inverse: bool) -> np.ndarray:
    """mmpose's ``get_warp_matrix`` per face, (N, 2, 3) float64."""
    from mmpose.structures.bbox import get_warp_matrix
    size = tuple(float(v) for v in np.asarray(input_size).reshape(2))
    return np.stack([
        get_warp_matrix(
            np.asarray(c, np.float64), np.asarray(s, np.float64), float(r),
            output_size=size, inv=inverse).astype(np.float64)
        for c, s, r in zip(center, scale, rotation)
    ]).reshape(-1, 2, 3)


def _apply(matrices: np.ndarray, keypoints: np.ndarray) -> np.ndarray:
    """Affine (N, 2, 3) applied to (N, K, 2) points."""
    return (np.einsum('nij,nkj->nki', matrices[..., :2], keypoints) +
            matrices[:, None, :, 2])


def crop_to_image(keypoints: np.ndarray,
                  center: np.ndarray,
                  scale: np.ndarray,
                  input_size: np.ndarray,
                  rotation: Optional[np.ndarray] = None) -> np.ndarray:
    """Crop pixels -> image pixels.

    Note:

        - faces: N
        - keypoint number: K

    Args:
        keypoints (np.ndarray): Keypoints in crop pixels (N, K, 2).
        center (np.ndarray): Crop centres in image pixels (N, 2).
        scale (np.ndarray): Crop sizes (w, h) in image pixels (N, 2).
        input_size (np.ndarray): Crop size (w, h) in crop pixels (2, ).
        rotation (np.ndarray, optional): Crop rotations in degrees (N, )
            (``bbox_rotation``). Defaults to no rotation.

    Returns:
        np.ndarray: Keypoints in image pixels (N, K, 2), in the dtype of
        ``keypoints`` for float input.
    """
    if rotation is not None and np.any(np.asarray(rotation) != 0):
        matrices = _warp_matrices(center, scale, input_size,
                                  np.asarray(rotation).reshape(-1), True)
        return _apply(matrices, np.asarray(keypoints, np.float64)).astype(
            np.result_type(keypoints, np.float32))
    scale = np.asarray(scale)[:, None, :]
    center = np.asarray(center)[:, None, :]
    return keypoints / np.asarray(input_size) * scale + center - 0.5 * scale


def image_to_crop(keypoints: np.ndarray,
                  center: np.ndarray,
                  scale: np.ndarray,
                  input_size: np.ndarray,
                  rotation: Optional[np.ndarray] = None) -> np.ndarray:
    """Image pixels -> crop pixels, the inverse of :func:`crop_to_image`
    (``TopdownAffine``'s keypoint transform).

    Args:
        keypoints (np.ndarray): Keypoints in image pixels (N, K, 2).
        center (np.ndarray): Crop centres in image pixels (N, 2).
        scale (np.ndarray): Crop sizes (w, h) in image pixels (N, 2).
        input_size (np.ndarray): Crop size (w, h) in crop pixels (2, ).
        rotation (np.ndarray, optional): Crop rotations in degrees (N, ).
            Defaults to no rotation.

    Returns:
        np.ndarray: Keypoints in crop pixels (N, K, 2).
    """
    if rotation is not None and np.any(np.asarray(rotation) != 0):
        matrices = _warp_matrices(center, scale, input_size,
                                  np.asarray(rotation).reshape(-1), False)
        return _apply(matrices, np.asarray(keypoints, np.float64)).astype(
            np.result_type(keypoints, np.float32))
    scale = np.asarray(scale)[:, None, :]
    center = np.asarray(center)[:, None, :]
    return (keypoints - center + 0.5 * scale) / scale * np.asarray(input_size)


def eye_line_angle(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The crop rotation (degrees, in ``(-180, 180]``) that makes a face
    upright, from the centres of its eyes.

    Args:
        left (np.ndarray): Centre of the eye on the image left of the
            upright face (the subject's right eye), (..., 2).
        right (np.ndarray): Centre of the other eye, (..., 2).

    Returns:
        np.ndarray: Angles (...).
    """
    delta = np.asarray(right, np.float64) - np.asarray(left, np.float64)
    return np.degrees(np.arctan2(delta[..., 1], delta[..., 0]))


def unturn_crop_keypoints(keypoints: np.ndarray, turns: int,
                          side: int) -> np.ndarray:
    """Keypoints found in ``np.rot90(crop, turns)`` (or ``torch.rot90`` over
    the last two axes) of a square crop, in the crop's own pixels.

    One counter-clockwise turn moves the pixel centred at (x, y) of a crop
    ``side`` pixels wide to (y, side - 1 - x); this undoes ``turns`` of
    them, exactly.

    Args:
        keypoints (np.ndarray): Keypoints in the turned crop (..., 2).
        turns (int): Counter-clockwise quarter turns of the crop.
        side (int): The crop's width = height, in pixels.

    Returns:
        np.ndarray: Keypoints in the crop (..., 2), same dtype.
    """
    points = np.array(keypoints, copy=True)
    for _ in range(turns % 4):
        # (x', y') = (y, side - 1 - x)  =>  (x, y) = (side - 1 - y', x')
        points = np.stack([side - 1 - points[..., 1], points[..., 0]], -1)
    return points.astype(np.asarray(keypoints).dtype, copy=False)
