# Copyright (c) hih_mmpose contributors. All rights reserved.
"""DARK refinement of heatmap peaks in PyTorch (batched, exportable).

A port of mmpose's numpy ``gaussian_blur`` + ``refine_keypoints_dark``
(Zhang et al., "Distribution-Aware Coordinate Representation for Human Pose
Estimation", CVPR 2020): the heatmap is blurred with OpenCV's Gaussian
kernel on a zero border (mmpose then rescales it to its original maximum),
its log taken, and one Newton step of the log-heatmap around the integer
peak gives the sub-pixel offset. Only the 5 x 5 window around the peak that
the step reads is blurred. Coordinates are heatmap pixel indices, as in
mmpose.
"""
import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from mmpose.codecs.utils import refine_keypoints_dark


def opencv_gaussian_kernel(size: int) -> Tensor:
    """The 1-D kernel ``cv2.GaussianBlur(img, (size, size), 0)`` uses (a
    fixed table for small sizes, a sampled Gaussian above), from OpenCV.

    Args:
        size (int): Odd kernel size, at least 3.

    Returns:
        Tensor: Kernel weights in shape (size, ), float32, summing to 1.
    """
    if size < 3 or size % 2 != 1:
        raise ValueError(f'blur kernel size must be odd and >= 3 (as in '
                         f'mmpose), got {size}')
    return torch.from_numpy(cv2.getGaussianKernel(size, 0)).float().view(-1)


def blurred_windows(keypoints: Tensor, heatmaps: Tensor,
                    kernel_size: int) -> Tensor:
    """mmpose's Gaussian blur (OpenCV's kernel on a zero border) of each
    map, evaluated only in the 5 x 5 window around each keypoint: what
    DARK's Newton step reads. A window costs a gather of its
    ``(4 + kernel_size)`` square patch and two small matrix products,
    where blurring the whole maps costs a convolution of every map (half
    the light HIH's decode time in OpenVINO).

    Args:
        keypoints (Tensor): Window centres (x, y), integer heatmap pixel
            indices, shape (N, K, 2), at least 2 pixels inside the map.
        heatmaps (Tensor): Heatmaps in shape (N, K, H, W), float32.
        kernel_size (int): Odd Gaussian kernel size.

    Returns:
        Tensor: Blurred values in shape (N, K, 5, 5); ``[..., 2 + dy,
        2 + dx]`` is the blurred map at ``(x + dx, y + dy)``, without
        mmpose's rescaling to the original maximum (a positive factor per
        map, which DARK's derivatives of the log do not see).
    """
    height, width = heatmaps.shape[-2:]
    kernel = opencv_gaussian_kernel(kernel_size).to(heatmaps)
    reach = kernel_size // 2 + 2
    side = 2 * reach + 1
    padded = F.pad(heatmaps, (reach, reach, reach, reach)).flatten(-2)
    steps = torch.arange(side, device=heatmaps.device)
    # (in padded pixels the patch around (x, y) starts at (x, y))
    rows = keypoints[..., 1:2].long() + steps
    columns = keypoints[..., 0:1].long() + steps
    index = (rows.unsqueeze(-1) * (width + 2 * reach) +
             columns.unsqueeze(-2)).flatten(-2)
    patch = padded.gather(-1, index).unflatten(-1, (side, side))
    # band[a, a + i] = kernel[i]: row a of band @ patch blurs window row a
    band = torch.stack([
        F.pad(kernel, (shift, side - kernel_size - shift))
        for shift in range(5)
    ])
    return band @ patch @ band.T


def refine_keypoints_dark_torch(keypoints: Tensor, heatmaps: Tensor,
                                blur_kernel_size: int) -> Tensor:
    """Batched torch version of mmpose's ``refine_keypoints_dark``.

    As there, a keypoint whose integer peak lies within 2 pixels of the map
    border, or whose Hessian is singular, keeps its integer position; so
    does one whose blurred map is not positive at the peak (a map with no
    peak: mmpose takes the log of its clipped or, rescaled by a negative
    maximum, sign-flipped values). The blur is evaluated in the window
    DARK reads (:func:`blurred_windows`); elsewhere the result equals
    mmpose's to float32 rounding.

    Args:
        keypoints (Tensor): Integer peaks (x, y) in heatmap pixel indices,
            shape (N, K, 2), any integer or float dtype.
        heatmaps (Tensor): Heatmaps in shape (N, K, H, W).
        blur_kernel_size (int): Odd Gaussian kernel size of the modulation.

    Returns:
        Tensor: Refined keypoints in heatmap pixel indices, (N, K, 2),
        float32.
    """
    height, width = heatmaps.shape[-2:]
    x = keypoints[..., 0].long()
    y = keypoints[..., 1].long()
    inside = (x > 1) & (x < width - 2) & (y > 1) & (y < height - 2)
    x = torch.where(inside, x, torch.full_like(x, 2))
    y = torch.where(inside, y, torch.full_like(y, 2))
    windows = blurred_windows(torch.stack([x, y], -1), heatmaps.float(),
                              blur_kernel_size)
    positive = windows[..., 2, 2] > 0
    logs = windows.clamp_min(1e-10).log()

    def at(dx: int, dy: int) -> Tensor:
        return logs[..., 2 + dy, 2 + dx]

    centre = at(0, 0)
    dx = 0.5 * (at(1, 0) - at(-1, 0))
    dy = 0.5 * (at(0, 1) - at(0, -1))
    dxx = 0.25 * (at(2, 0) - 2 * centre + at(-2, 0))
    dyy = 0.25 * (at(0, 2) - 2 * centre + at(0, -2))
    dxy = 0.25 * (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1))
    det = dxx * dyy - dxy**2
    usable = inside & positive & (det != 0)
    safe_det = torch.where(usable, det, torch.ones_like(det))
    # offset = -inverse(hessian) @ derivative, the 2x2 inverse written out
    offset_x = -(dyy * dx - dxy * dy) / safe_det
    offset_y = -(dxx * dy - dxy * dx) / safe_det
    offset = torch.stack([offset_x, offset_y], -1) * usable.unsqueeze(-1)
    return keypoints.float() + offset


def refine_dark(keypoints: np.ndarray, heatmaps: np.ndarray,
                blur_kernel_size: int) -> np.ndarray:
    """mmpose's ``refine_keypoints_dark`` on a batch (numpy, the
    reference :func:`refine_keypoints_dark_torch` is tested against).

    Args:
        keypoints (np.ndarray): Integer peaks (x, y) in heatmap pixel
            indices, shape (N, K, 2).
        heatmaps (np.ndarray): Heatmaps in shape (N, K, H, W); not changed.
        blur_kernel_size (int): Odd Gaussian kernel size of the modulation.

    Returns:
        np.ndarray: Refined keypoints in heatmap pixel indices, (N, K, 2),
        float32.
    """
    opencv_gaussian_kernel(blur_kernel_size)  # the same size check
    if len(keypoints) == 0:
        return np.zeros(keypoints.shape, np.float32)
    return np.stack([
        refine_keypoints_dark(peaks[None].astype(np.float32),
                              maps.astype(np.float32), blur_kernel_size)[0]
        for peaks, maps in zip(keypoints, heatmaps)
    ]).reshape(keypoints.shape).astype(np.float32)
