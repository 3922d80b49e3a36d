# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Landmark video metrics against exact ground truth: per-frame NME and
jitter."""
from typing import Dict

import numpy as np


def video_landmark_metrics(pred: np.ndarray, gt: np.ndarray,
                           norm: np.ndarray) -> Dict[str, float]:
    """Accuracy and steadiness of one face's landmarks over a video.

    Note:
        - frames: T
        - keypoints: K

    Args:
        pred (np.ndarray): Predicted landmarks (T, K, 2); a frame where the
            face was not found is all ``nan``.
        gt (np.ndarray): True landmarks (T, K, 2).
        norm (np.ndarray): Normalising distance of each frame (T, ), e.g.
            the inter-ocular distance.

    Returns:
        dict: ``nme``: mean over found frames of the per-frame NME;
        ``jitter``: mean over pairs of consecutive found frames of
        ``mean_k |(p_t - p_t-1) - (g_t - g_t-1)| / norm_t``, the landmark
        motion that the true motion does not explain (both fractions of
        ``norm``); ``jitter_px``: the same in pixels; ``found``: share of
        frames with a prediction.
    """
    pred = np.asarray(pred, np.float64)
    gt = np.asarray(gt, np.float64)
    norm = np.asarray(norm, np.float64)
    found = np.isfinite(pred).all(axis=(1, 2))
    errors = np.linalg.norm(pred - gt, axis=-1).mean(-1) / norm
    both = found[1:] & found[:-1]
    excess = np.linalg.norm(np.diff(pred, axis=0) - np.diff(gt, axis=0),
                            axis=-1).mean(-1)
    return dict(
        nme=float(errors[found].mean()) if found.any() else float('nan'),
        jitter=float((excess / norm[1:])[both].mean())
        if both.any() else float('nan'),
        jitter_px=float(excess[both].mean()) if both.any() else float('nan'),
        found=float(found.mean()))
