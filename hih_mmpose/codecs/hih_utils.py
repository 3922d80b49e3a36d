# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Pure numpy / torch maths of the HIH representation.

Coordinates here are in *heatmap units*: heatmap cell ``i`` covers the
interval ``[i, i + 1)``, so a coordinate ``u`` has integer part
``floor(u)`` (the cell of the integer heatmap) and decimal part
``u - floor(u)`` (classified into the ``w x h`` cells of the decimal
heatmap, cell ``b`` standing for the decimal value ``b / w``).
"""
from typing import Optional, Tuple

import numpy as np
import torch
from torch import Tensor

from .dark_refine import refine_dark, refine_keypoints_dark_torch


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


def argmax_2d(maps: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Column, row (int64, shape (..., 2)) and value (shape (...)) of the
    first maximum of (..., H, W) maps."""
    width = maps.shape[-1]
    flat = maps.reshape(maps.shape[:-2] + (-1, ))
    index = flat.argmax(axis=-1)
    value = np.take_along_axis(flat, index[..., None], axis=-1)[..., 0]
    xy = np.stack([index % width, index // width], axis=-1)
    return xy, value


#: ways to read the decimal map (see :func:`decode_hih`)
DECIMAL_DECODES = ('argmax', 'expectation', 'expectation_dark')


def decimal_expectation(decimal_logits: np.ndarray) -> np.ndarray:
    """Expected interval (column, row), float (..., 2), under the softmax of
    (..., h, w) decimal logits over all ``h * w`` intervals."""
    height, width = decimal_logits.shape[-2:]
    flat = decimal_logits.reshape(decimal_logits.shape[:-2] + (-1, ))
    flat = np.exp(flat - flat.max(-1, keepdims=True))
    prob = (flat / flat.sum(-1, keepdims=True)).reshape(decimal_logits.shape)
    columns = (prob.sum(-2) * np.arange(width)).sum(-1)
    rows = (prob.sum(-1) * np.arange(height)).sum(-1)
    return np.stack([columns, rows], axis=-1)


def decode_hih(integer_heatmaps: np.ndarray, decimal_logits: np.ndarray,
               mask_decimal: bool = True,
               decimal_decode: str = 'argmax',
               blur_kernel_size: int = 3
               ) -> Tuple[np.ndarray, np.ndarray]:
    """Decode HIH maps into coordinates in heatmap units (numpy).

    The coordinate is ``argmax(integer map) + argmax(decimal map) / [w, h]``
    per axis, as the published decoder computes it. A landmark whose integer
    map has no positive value decodes to (0, 0); with ``mask_decimal`` a
    decimal map with no positive logit contributes no decimal part (the
    published behaviour). ``decimal_decode='expectation'`` takes the
    expected interval under the softmax of the decimal logits (the
    distribution the seamless loss trains) instead of its argmax;
    ``'expectation_dark'`` averages that coordinate with mmpose's DARK
    refinement of the integer heatmap alone (``argmax + DARK offset + 0.5``,
    the cell centre convention; the offset clipped to one cell, which only
    a flat or multi-modal map exceeds), two estimates whose errors are
    partly independent.

    Args:
        integer_heatmaps (np.ndarray): Integer heatmaps, shape (N, K, H, W).
        decimal_logits (np.ndarray): Decimal logits, shape (N, K, h, w).
        mask_decimal (bool): Apply the ``max > 0`` mask to the decimal map.
            Defaults to ``True``.
        decimal_decode (str): One of :data:`DECIMAL_DECODES`. Defaults to
            ``'argmax'`` (published).
        blur_kernel_size (int): DARK's blur kernel size, for
            ``'expectation_dark'``. Defaults to ``3``.

    Returns:
        tuple:
        - coords (np.ndarray): Coordinates in heatmap units, (N, K, 2).
        - scores (np.ndarray): Integer heatmap maxima clipped to [0, 1],
          (N, K).
    """
    check_decimal_decode(decimal_decode)
    cells, peak = argmax_2d(integer_heatmaps)
    bins, decimal_peak = argmax_2d(decimal_logits)
    if decimal_decode != 'argmax':
        bins = decimal_expectation(decimal_logits)
    cells = np.where((peak > 0)[..., None], cells, 0)
    if mask_decimal:
        bins = np.where((decimal_peak > 0)[..., None], bins, 0)
    decimal_size = np.array(decimal_logits.shape[:-3:-1])  # (w, h)
    coords = cells + bins / decimal_size
    if decimal_decode == 'expectation_dark':
        dark = refine_dark(cells, integer_heatmaps, blur_kernel_size)
        coords = (coords + cells + np.clip(dark - cells, -1, 1) + 0.5) / 2
    return coords.astype(np.float32), np.clip(peak, 0, 1).astype(np.float32)


def check_decimal_decode(decimal_decode: str) -> None:
    """Raise ``ValueError`` unless ``decimal_decode`` is one of
    :data:`DECIMAL_DECODES`."""
    if decimal_decode not in DECIMAL_DECODES:
        raise ValueError(f'decimal_decode must be one of {DECIMAL_DECODES}, '
                         f'got {decimal_decode!r}')


def argmax_2d_torch(maps: Tensor) -> Tuple[Tensor, Tensor]:
    """Column, row (int64, shape (..., 2)) and value (shape (...)) of the
    first maximum of (..., H, W) maps."""
    width = maps.shape[-1]
    value, index = maps.flatten(-2).max(dim=-1)
    xy = torch.stack([index % width, torch.div(index, width,
                                               rounding_mode='floor')], -1)
    return xy, value


def decimal_expectation_torch(decimal_logits: Tensor) -> Tensor:
    """Torch version of :func:`decimal_expectation` (exportable)."""
    height, width = decimal_logits.shape[-2:]
    prob = decimal_logits.flatten(-2).float().softmax(-1).unflatten(
        -1, (height, width))
    columns = (prob.sum(-2) * torch.arange(
        width, device=prob.device, dtype=prob.dtype)).sum(-1)
    rows = (prob.sum(-1) * torch.arange(
        height, device=prob.device, dtype=prob.dtype)).sum(-1)
    return torch.stack([columns, rows], -1)


def decode_hih_torch(integer_heatmaps: Tensor,
                     decimal_logits: Tensor,
                     mask_decimal: bool = True,
                     decimal_decode: str = 'argmax',
                     blur_kernel_size: int = 3) -> Tuple[Tensor, Tensor]:
    """Batched torch version of :func:`decode_hih` (any device, exportable).

    Args:
        integer_heatmaps (Tensor): Integer heatmaps, shape (N, K, H, W).
        decimal_logits (Tensor): Decimal logits, shape (N, K, h, w).
        mask_decimal (bool): Apply the ``max > 0`` mask to the decimal map.
            Defaults to ``True``.
        decimal_decode (str): One of :data:`DECIMAL_DECODES`. Defaults to
            ``'argmax'``.
        blur_kernel_size (int): DARK's blur kernel size, for
            ``'expectation_dark'``. Defaults to ``3``.

    Returns:
        tuple:
        - coords (Tensor): Coordinates in heatmap units, (N, K, 2), float32.
        - scores (Tensor): Integer heatmap maxima clipped to [0, 1], (N, K).
    """
    check_decimal_decode(decimal_decode)
    cells, peak = argmax_2d_torch(integer_heatmaps)
    bins, decimal_peak = argmax_2d_torch(decimal_logits)
    if decimal_decode != 'argmax':
        bins = decimal_expectation_torch(decimal_logits)
    cells = cells * (peak > 0).unsqueeze(-1)
    if mask_decimal:
        bins = bins * (decimal_peak > 0).unsqueeze(-1)
    decimal_size = torch.tensor(decimal_logits.shape[:-3:-1],
                                dtype=torch.float32,
                                device=decimal_logits.device)
    coords = cells.float() + bins.float() / decimal_size
    if decimal_decode == 'expectation_dark':
        # in float32 also inside a bf16 autocast region (the blur and the
        # Newton step need the precision)
        with torch.autocast(integer_heatmaps.device.type, enabled=False):
            dark = refine_keypoints_dark_torch(cells, integer_heatmaps.float(),
                                               blur_kernel_size)
        coords = (coords + cells + (dark - cells).clamp(-1, 1) + 0.5) / 2
    return coords, peak.float().clamp(0, 1)


def decimal_bin_accuracy(decimal_logits: np.ndarray,
                         decimal_targets: np.ndarray,
                         weights: Optional[np.ndarray] = None) -> float:
    """Top-1 accuracy of the decimal interval classification.

    A keypoint counts as correct when the argmax of its predicted decimal map
    is the argmax of its target map (the interval that holds the true
    decimal part). Chance level is ``1 / (h * w)``.

    Args:
        decimal_logits (np.ndarray): Predicted decimal maps, (N, K, h, w).
        decimal_targets (np.ndarray): Target decimal maps (Gaussian values or
            one-hot), (N, K, h, w).
        weights (np.ndarray, optional): Keypoint weights (N, K); keypoints
            with weight 0 are not counted. Defaults to all counted.

    Returns:
        float: The fraction of counted keypoints whose interval is right, or
        ``nan`` if none is counted.
    """
    predicted, _ = argmax_2d(decimal_logits)
    target, _ = argmax_2d(decimal_targets)
    correct = np.all(predicted == target, axis=-1)
    counted = np.ones(correct.shape, bool) if weights is None else weights > 0
    if not counted.any():
        return float('nan')
    return float(correct[counted].mean())


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
