# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Accuracy of HIH's decimal interval classification."""
from typing import Optional

import numpy as np

from ...codecs.hih_decoding import argmax_2d


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
