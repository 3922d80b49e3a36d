# Copyright (c) hih_mmpose contributors. All rights reserved.
"""HIH training targets (pure numpy / torch): the integer Gaussian heatmaps,
the split of a coordinate into integer cell and decimal bin, and the
decimal Gaussian targets.

Coordinates here are in *heatmap units*: heatmap cell ``i`` covers the
interval ``[i, i + 1)``, so a coordinate ``u`` has integer part
``floor(u)`` (the cell of the integer heatmap) and decimal part
``u - floor(u)`` (classified into the ``w x h`` cells of the decimal
heatmap, cell ``b`` standing for the decimal value ``b / w``).
"""
from typing import Tuple

import numpy as np
import torch
from torch import Tensor


def gaussian_window(sigma: float) -> Tuple[int, int]:
    """Offsets of the first and last cell of the published Gaussian kernel.

    The published target generator samples ``ceil(6 * sigma + 1)`` cells with
    the peak at index ``floor((6 * sigma + 1) / 2)``. For ``sigma=1.5`` that
    is 5 cells before the peak and 4 after it; for ``sigma=1`` it is 3 and 3.

    Args:
        sigma (float): Standard deviation in cells.

    Returns:
        tuple: ``(first, last)`` offsets from the peak, ``first <= 0 <= last``.
    """
    size = 6 * sigma + 1
    peak = int(size // 2)
    return -peak, int(np.ceil(size)) - 1 - peak

def gaussian_heatmaps(centres: np.ndarray, map_size: Tuple[int, int],
                      sigma: float) -> np.ndarray:
    """Unnormalised Gaussians (peak 1) on integer centres, one per map.

    Cell ``(y, x)`` of map ``k`` holds
    ``exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma ** 2))`` when both
    offsets lie inside :func:`gaussian_window`, else 0. Centres may lie
    outside the map; only the part inside is written.

    Args:
        centres (np.ndarray): Integer centres ``(cx, cy)`` in shape (K, 2).
        map_size (tuple): Map size [W, H].
        sigma (float): Standard deviation in cells.

    Returns:
        np.ndarray: Maps in shape (K, H, W), float32.
    """
    first, last = gaussian_window(sigma)
    width, height = map_size
    offset_x = np.arange(width)[None, :] - centres[:, 0:1]  # (K, W)
    offset_y = np.arange(height)[None, :] - centres[:, 1:2]  # (K, H)

    def profile(offset: np.ndarray) -> np.ndarray:
        inside = (offset >= first) & (offset <= last)
        return np.where(inside, np.exp(-offset**2 / (2 * sigma**2)), 0.)

    # exp(-(a + b)) == exp(-a) * exp(-b): the 2-D kernel is separable.
    maps = profile(offset_y)[:, :, None] * profile(offset_x)[:, None, :]
    return maps.astype(np.float32)

def split_coordinates(coords: np.ndarray, heatmap_size: Tuple[int, int],
                      decimal_size: Tuple[int, int],
                      decimal_sigma: float) -> Tuple[np.ndarray, np.ndarray]:
    """Split heatmap-unit coordinates into integer cells and decimal bins.

    The decimal part ``d = (u - floor(u)) * w`` goes to its nearest bin,
    ties resolved as in the published code (``round(d - r) + r`` with numpy's
    round-half-to-even and ``r`` the kernel radius). Unlike the published
    code, a decimal part that rounds up to ``w`` (``u - floor(u) >= 1 - 1 /
    (2 * w)``) carries into the next integer cell with bin 0 instead of
    centring the decimal target outside the map. A carry past the last cell
    is clamped to the last cell and bin.

    Args:
        coords (np.ndarray): Coordinates in heatmap units, shape (..., 2).
        heatmap_size (tuple): Integer heatmap size [W, H].
        decimal_size (tuple): Decimal heatmap size [w, h].
        decimal_sigma (float): Sigma of the decimal Gaussian, which fixes the
            tie rule radius.

    Returns:
        tuple:
        - cells (np.ndarray): Integer cells, shape (..., 2), int64, each
          axis clipped to ``[0, W - 1]`` / ``[0, H - 1]``.
        - bins (np.ndarray): Decimal bins, shape (..., 2), int64, in
          ``[0, w - 1]`` / ``[0, h - 1]``.
    """
    heatmap_size = np.asarray(heatmap_size)
    decimal_size = np.asarray(decimal_size)
    radius = -gaussian_window(decimal_sigma)[0]
    cells = np.floor(coords)
    bins = np.round((coords - cells) * decimal_size - radius) + radius
    carry = bins >= decimal_size
    cells = cells + carry
    bins = np.where(carry, 0, bins)
    past_end = cells > heatmap_size - 1
    cells = np.where(past_end, heatmap_size - 1, np.maximum(cells, 0))
    bins = np.where(past_end, decimal_size - 1, bins)
    return cells.astype(np.int64), bins.astype(np.int64)

def decimal_bins_in_cells(coords: np.ndarray, cells: np.ndarray,
                          decimal_size: Tuple[int, int],
                          decimal_sigma: float) -> np.ndarray:
    """Decimal bin of each coordinate *relative to a given cell*, clipped
    into that cell.

    For the keypoint's own cell (as :func:`split_coordinates` gives it,
    carry included) this is its decimal bin. For another cell it is the bin
    of that cell nearest to the keypoint (an edge bin when the keypoint lies
    outside the cell): what a decimal map read at that cell should predict.

    Args:
        coords (np.ndarray): Coordinates in heatmap units, (..., 2).
        cells (np.ndarray): Integer cells (x, y), (..., 2).
        decimal_size (tuple): Decimal heatmap size [w, h].
        decimal_sigma (float): Sigma of the decimal Gaussian (tie rule).

    Returns:
        np.ndarray: Bins (x, y) in ``[0, w - 1] x [0, h - 1]``, int64.
    """
    decimal_size = np.asarray(decimal_size)
    radius = -gaussian_window(decimal_sigma)[0]
    bins = np.round((coords - cells) * decimal_size - radius) + radius
    return np.clip(bins, 0, decimal_size - 1).astype(np.int64)

def decimal_targets_torch(coords: Tensor, cells: Tensor,
                          decimal_size: Tuple[int, int],
                          decimal_sigma: float) -> Tensor:
    """Decimal Gaussian targets of keypoints read at given cells (torch).

    The target of keypoint k is the codec's decimal Gaussian (peak 1, the
    published kernel window) centred on :func:`decimal_bins_in_cells`; at
    the keypoint's own cell it equals ``HIHLabel``'s ``decimal_heatmaps``.

    Args:
        coords (Tensor): Coordinates in heatmap units, (B, K, 2).
        cells (Tensor): Integer cells (x, y), (B, K, 2).
        decimal_size (tuple): Decimal heatmap size [w, h].
        decimal_sigma (float): Sigma of the decimal Gaussian in bins.

    Returns:
        Tensor: Targets in shape (B, K, h, w), float32.
    """
    first, last = gaussian_window(decimal_sigma)
    size = torch.tensor(decimal_size, device=coords.device)
    bins = torch.round((coords - cells) * size - (-first)) + (-first)
    bins = torch.minimum(bins.clamp_min(0), size - 1)

    def profile(length: int, centre: Tensor) -> Tensor:  # (B, K, length)
        offset = torch.arange(length, device=coords.device) - centre[..., None]
        inside = (offset >= first) & (offset <= last)
        return torch.exp(-offset**2 / (2 * decimal_sigma**2)) * inside

    width, height = decimal_size
    return (profile(height, bins[..., 1])[..., :, None] *
            profile(width, bins[..., 0])[..., None, :]).float()
