# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Face alignment metrics as pure numpy functions.

NME is computed per image, ``mean_k ||pred_k - gt_k|| / d``, with ``d`` a
distance measured on the ground truth (e.g. between the outer eye corners);
the dataset NME is the mean over images. FR@t is the fraction of images with
NME > t; AUC@t is the area under the cumulative error distribution (CED) on
``[0, t]`` divided by ``t``, integrated with Simpson's rule on a grid of
``step`` (as PIPNet and the HIH authors compute it).
"""
from typing import Optional, Tuple

import numpy as np
from scipy.integrate import simpson

# (the normalising landmark groups of each scheme live with the schemes)
from ...datasets.landmark_schemes import (  # noqa: F401 (re-exported)
    NORM_GROUPS, group_distance)


def box_size(bboxes: np.ndarray) -> np.ndarray:
    """Face size ``sqrt(w * h)`` of (N, 4) xyxy boxes -> (N, )."""
    width = bboxes[:, 2] - bboxes[:, 0]
    height = bboxes[:, 3] - bboxes[:, 1]
    return np.sqrt(width * height)


def landmark_errors(pred: np.ndarray, gt: np.ndarray,
                    norm: np.ndarray) -> np.ndarray:
    """Normalised point-to-point errors.

    Args:
        pred (np.ndarray): Predicted keypoints in shape (N, K, 2).
        gt (np.ndarray): Ground-truth keypoints in shape (N, K, 2).
        norm (np.ndarray): Normalising distances in shape (N, ).

    Returns:
        np.ndarray: Errors in shape (N, K).
    """
    return np.linalg.norm(pred - gt, axis=-1) / norm[:, None]


def per_image_nme(errors: np.ndarray,
                  mask: Optional[np.ndarray] = None) -> np.ndarray:
    """Mean normalised error of each image over its (valid) landmarks.

    Args:
        errors (np.ndarray): Errors in shape (N, K) (see
            :func:`landmark_errors`).
        mask (np.ndarray, optional): Valid landmarks in shape (N, K).

    Returns:
        np.ndarray: NME of each image in shape (N, ); ``nan`` for an image
        with no valid landmark (it has no error to measure).
    """
    if mask is None:
        return errors.mean(axis=1)
    mask = mask.astype(bool)
    counts = mask.sum(axis=1)
    nmes = (errors * mask).sum(axis=1) / np.maximum(counts, 1)
    return np.where(counts > 0, nmes, np.nan)


def ced_curve(nmes: np.ndarray, threshold: float = 0.1,
              step: float = 1e-4) -> Tuple[np.ndarray, np.ndarray]:
    """Cumulative error distribution on ``[0, threshold]``.

    Args:
        nmes (np.ndarray): Per-image NME in shape (N, ).
        threshold (float): Largest error of the curve. Defaults to ``0.1``.
        step (float): Grid step. Defaults to ``1e-4``.

    Returns:
        tuple: ``errors`` (M, ) grid from 0 to ``threshold`` inclusive and
        ``fractions`` (M, ), the fraction of images with NME <= each error.
    """
    errors = np.linspace(0., threshold, int(round(threshold / step)) + 1)
    sorted_nmes = np.sort(nmes)
    fractions = np.searchsorted(sorted_nmes, errors, side='right') / len(nmes)
    return errors, fractions


def failure_rate(nmes: np.ndarray, threshold: float = 0.1) -> float:
    """Fraction of images whose NME exceeds ``threshold``."""
    return float(np.mean(nmes > threshold))


def auc(nmes: np.ndarray, threshold: float = 0.1, step: float = 1e-4) -> float:
    """Area under the CED on ``[0, threshold]`` divided by ``threshold``
    (Simpson's rule on a grid of ``step``)."""
    errors, fractions = ced_curve(nmes, threshold, step)
    return float(simpson(fractions, x=errors) / threshold)
