# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Face crops cut from an image, and keypoints mapped back: the geometry of
mmpose's top-down test pipeline in plain numpy and OpenCV.

mmpose's ``GetBBoxCenterScale`` turns a box (x1, y1, x2, y2) into a centre
and a size enlarged by ``padding`` (1.25 in every face config);
``TopdownAffine`` widens the size to the crop's aspect ratio and warps the
box, turned by ``bbox_rotation`` degrees about its centre, onto the crop
with ``get_warp_matrix`` and ``cv2.warpAffine`` (bilinear, black border).
These functions do the same in the same float32 arithmetic, so a crop cut
here equals mmpose's to the bit (tested against mmpose), and map keypoints
back with the exact inverse of the warp.

Rotation convention (mmpose's): a crop turned by ``r`` degrees has its x
axis along ``(cos r, sin r)`` in the image (y down). Which rotation a face
gets is decided in :mod:`.rotation`.
"""
from typing import Optional, Tuple

import cv2
import numpy as np


def box_to_center_scale(bboxes: np.ndarray, padding: float,
                        input_size: Tuple[int, int]
                        ) -> Tuple[np.ndarray, np.ndarray]:
    """Centres and crop sizes of face boxes, as mmpose's
    ``GetBBoxCenterScale`` and ``TopdownAffine`` compute them.

    Args:
        bboxes (np.ndarray): Boxes (N, 4) x1, y1, x2, y2 in image pixels.
        padding (float): Box enlargement (mmpose's ``padding``, 1.25).
        input_size (tuple): Crop size (w, h) in crop pixels.

    Returns:
        tuple: centres (N, 2) and sizes (N, 2) (w, h) in image pixels,
        float32, the sizes widened to the crop's aspect ratio.
    """
    bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
    scale = (bboxes[:, 2:] - bboxes[:, :2]) * padding
    center = (bboxes[:, 2:] + bboxes[:, :2]) * 0.5
    aspect = input_size[0] / input_size[1]
    width, height = scale[:, :1], scale[:, 1:]
    scale = np.where(width > height * aspect,
                     np.hstack([width, width / aspect]),
                     np.hstack([height * aspect, height]))
    return center, scale


def warp_matrix(center: np.ndarray, scale: np.ndarray, rotation: float,
                input_size: Tuple[int, int],
                inverse: bool = False) -> np.ndarray:
    """The affine map (2, 3) from the turned box to the crop (or back).

    The box's centre goes to the crop's centre, the point half a box width
    along the turned x axis to the crop's left-edge centre, and a third
    point at a right angle fixes the rest (mmpose's ``get_warp_matrix``
    with ``fix_aspect_ratio``; same float32 points, same OpenCV solve).

    Args:
        center (np.ndarray): Box centre (2, ) in image pixels.
        scale (np.ndarray): Box size (w, h) (2, ) in image pixels.
        rotation (float): Crop rotation in degrees.
        input_size (tuple): Crop size (w, h).
        inverse (bool): Crop -> image instead of image -> crop.

    Returns:
        np.ndarray: (2, 3) float64 matrix.
    """
    theta = np.deg2rad(rotation)
    sin, cos = np.sin(theta), np.cos(theta)
    half = np.array([scale[0] * -0.5, 0.])
    turned = np.array([cos * half[0] - sin * half[1],
                       sin * half[0] + cos * half[1]])
    crop_w, crop_h = input_size
    src = np.zeros((3, 2), np.float32)
    dst = np.zeros((3, 2), np.float32)
    src[0] = center
    src[1] = center + turned
    dst[0] = [crop_w * 0.5, crop_h * 0.5]
    dst[1] = np.array([crop_w * 0.5, crop_h * 0.5]) + [crop_w * -0.5, 0.]
    for points in (src, dst):
        direction = points[0] - points[1]
        points[2] = points[1] + np.r_[-direction[1], direction[0]]
    if inverse:
        return cv2.getAffineTransform(dst, src)
    return cv2.getAffineTransform(src, dst)


def cut_crops(image: np.ndarray, centers: np.ndarray, scales: np.ndarray,
              rotations: np.ndarray,
              input_size: Tuple[int, int]) -> np.ndarray:
    """Face crops as a network input.

    Args:
        image (np.ndarray): BGR uint8 image (H, W, 3).
        centers (np.ndarray): Box centres (N, 2).
        scales (np.ndarray): Box sizes (N, 2).
        rotations (np.ndarray): Crop rotations (N, ), degrees.
        input_size (tuple): Crop size (w, h).

    Returns:
        np.ndarray: BGR crops (N, 3, h, w) float32, values 0-255.
    """
    width, height = int(input_size[0]), int(input_size[1])
    crops = np.empty((len(centers), 3, height, width), np.float32)
    for index, (center, scale, rotation) in enumerate(
            zip(centers, scales, rotations)):
        matrix = warp_matrix(center, scale, float(rotation), input_size)
        crop = cv2.warpAffine(image, matrix, (width, height),
                              flags=cv2.INTER_LINEAR)
        crops[index] = crop.transpose(2, 0, 1)
    return crops


def crop_to_image(keypoints: np.ndarray, centers: np.ndarray,
                  scales: np.ndarray, input_size: Tuple[int, int],
                  rotations: Optional[np.ndarray] = None) -> np.ndarray:
    """Keypoints in crop pixels -> image pixels.

    Unturned crops take mmpose's own formula
    (``kpt / input_size * scale + center - scale / 2``, what
    ``TopdownPoseEstimator`` does); turned ones the inverse warp.

    Args:
        keypoints (np.ndarray): Keypoints (N, K, 2) in crop pixels.
        centers (np.ndarray): Box centres (N, 2).
        scales (np.ndarray): Box sizes (N, 2).
        input_size (tuple): Crop size (w, h).
        rotations (np.ndarray, optional): Crop rotations (N, ), degrees.

    Returns:
        np.ndarray: Keypoints (N, K, 2) in image pixels, float32.
    """
    # float64 then float32, as mmpose computes it
    keypoints = np.asarray(keypoints, np.float64)
    centers = np.asarray(centers, np.float32).reshape(-1, 1, 2)
    scales = np.asarray(scales, np.float32).reshape(-1, 1, 2)
    size = np.asarray(input_size, np.float64)
    mapped = keypoints / size * scales + centers - 0.5 * scales
    if rotations is None:
        return mapped.astype(np.float32)
    for index, rotation in enumerate(np.asarray(rotations).reshape(-1)):
        if rotation != 0:
            matrix = warp_matrix(centers[index, 0], scales[index, 0],
                                 float(rotation), input_size, inverse=True)
            mapped[index] = keypoints[index] @ matrix[:, :2].T + matrix[:, 2]
    return mapped.astype(np.float32)


def image_to_crop(keypoints: np.ndarray, centers: np.ndarray,
                  scales: np.ndarray, input_size: Tuple[int, int],
                  rotations: Optional[np.ndarray] = None) -> np.ndarray:
    """Keypoints in image pixels -> crop pixels (the inverse of
    :func:`crop_to_image`; ``TopdownAffine``'s keypoint map).

    Args: as :func:`crop_to_image`, ``keypoints`` in image pixels.

    Returns:
        np.ndarray: Keypoints (N, K, 2) in crop pixels, float32.
    """
    keypoints = np.asarray(keypoints, np.float64)
    rotations = np.zeros(len(keypoints)) if rotations is None else \
        np.asarray(rotations).reshape(-1)
    out = np.empty_like(keypoints)
    for index, rotation in enumerate(rotations):
        matrix = warp_matrix(np.asarray(centers[index], np.float32),
                             np.asarray(scales[index], np.float32),
                             float(rotation), input_size)
        out[index] = keypoints[index] @ matrix[:, :2].T + matrix[:, 2]
    return out.astype(np.float32)
