# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Keypoints between image pixels and the pixels of a top-down input crop.

mmpose's ``TopdownAffine`` warps the box of centre ``c`` and size ``s`` (the
``input_center`` and ``input_scale`` of a packed sample, in image pixels)
onto an ``input_size`` crop, and ``TopdownPoseEstimator`` maps predictions
back with ``kpt / input_size * s + c - s / 2``. These two functions are that
map and its inverse, so that every caller (the landmarker's crop path, the
analysis tools) uses the same formula.
"""
import numpy as np


def crop_to_image(keypoints: np.ndarray, center: np.ndarray,
                  scale: np.ndarray, input_size: np.ndarray) -> np.ndarray:
    """Crop pixels -> image pixels.

    Note:

        - faces: N
        - keypoint number: K

    Args:
        keypoints (np.ndarray): Keypoints in crop pixels (N, K, 2).
        center (np.ndarray): Crop centres in image pixels (N, 2).
        scale (np.ndarray): Crop sizes (w, h) in image pixels (N, 2).
        input_size (np.ndarray): Crop size (w, h) in crop pixels (2, ).

    Returns:
        np.ndarray: Keypoints in image pixels (N, K, 2), in the dtype of
        ``keypoints`` for float input.
    """
    scale = np.asarray(scale)[:, None, :]
    center = np.asarray(center)[:, None, :]
    return keypoints / np.asarray(input_size) * scale + center - 0.5 * scale


def image_to_crop(keypoints: np.ndarray, center: np.ndarray,
                  scale: np.ndarray, input_size: np.ndarray) -> np.ndarray:
    """Image pixels -> crop pixels, the inverse of :func:`crop_to_image`.

    Args:
        keypoints (np.ndarray): Keypoints in image pixels (N, K, 2).
        center (np.ndarray): Crop centres in image pixels (N, 2).
        scale (np.ndarray): Crop sizes (w, h) in image pixels (N, 2).
        input_size (np.ndarray): Crop size (w, h) in crop pixels (2, ).

    Returns:
        np.ndarray: Keypoints in crop pixels (N, K, 2).
    """
    scale = np.asarray(scale)[:, None, :]
    center = np.asarray(center)[:, None, :]
    return (keypoints - center + 0.5 * scale) / scale * np.asarray(input_size)
