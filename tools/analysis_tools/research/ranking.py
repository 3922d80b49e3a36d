# Copyright (c) hih_mmpose contributors. All rights reserved.
"""How well a score ranks a binary outcome."""
import numpy as np


def auroc(scores: np.ndarray, positives: np.ndarray) -> float:
    """Area under the ROC curve: the probability that a random positive
    scores higher than a random negative, ties counting one half (the
    Mann-Whitney statistic).

    Args:
        scores (np.ndarray): Scores (N, ), higher meaning "positive".
        positives (np.ndarray): Outcomes (N, ), bool.

    Returns:
        float: AUROC in [0, 1]; ``nan`` without both classes.
    """
    from scipy.stats import rankdata
    scores = np.asarray(scores, np.float64).reshape(-1)
    positives = np.asarray(positives, bool).reshape(-1)
    if scores.shape != positives.shape:
        raise ValueError(f'scores {scores.shape} and positives '
                         f'{positives.shape} differ in shape')
    count_pos = int(positives.sum())
    count_neg = len(positives) - count_pos
    if count_pos == 0 or count_neg == 0:
        return float('nan')
    ranks = rankdata(scores)  # average ranks for ties
    return float((ranks[positives].sum() - count_pos * (count_pos + 1) / 2) /
                 (count_pos * count_neg))
