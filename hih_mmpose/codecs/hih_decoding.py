# Copyright (c) hih_mmpose contributors. All rights reserved.
"""HIH decoding (numpy and torch twins): the integer argmax, the decimal
interval (argmax or expectation) and the combined decode, with mmpose's
DARK on the integer heatmap for ``'expectation_dark'``.

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

from .dark_refine import refine_dark, refine_keypoints_dark_torch


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
    flat = maps.flatten(-2)
    value = flat.amax(dim=-1)
    # the first index holding the maximum, in elementwise steps and
    # reductions (an exported argmax is a TopK, which OpenVINO runs 3x
    # slower on 98 x 64 x 64 maps); a NaN map gives index 0
    positions = torch.arange(flat.shape[-1], device=maps.device)
    index = torch.where(flat == value.unsqueeze(-1), positions,
                        flat.shape[-1]).amin(dim=-1) % flat.shape[-1]
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
