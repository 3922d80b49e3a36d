# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Landmark smoothing in the face's own frame: the face's motion passes
without lag, only the landmarks' motion relative to it is filtered."""
from typing import Callable, Optional, Tuple

import numpy as np


def similarity_transform(src: np.ndarray,
                         dst: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Least-squares similarity (rotation, uniform scale, translation)
    taking points ``src`` (K, 2) onto ``dst`` (K, 2).

    Returns:
        tuple: ``matrix`` (2, 2) and ``offset`` (2, ) with
        ``src @ matrix.T + offset ~= dst``.
    """
    src_mean, dst_mean = src.mean(0), dst.mean(0)
    a, b = src - src_mean, dst - dst_mean
    energy = max(float((a**2).sum()), 1e-12)
    cos = float((a * b).sum()) / energy
    sin = float((a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]).sum()) / energy
    matrix = np.array([[cos, -sin], [sin, cos]])
    return matrix, dst_mean - src_mean @ matrix.T


class AlignedFilter:
    """Smooth a face's landmarks (K, 2) in the face's own frame.

    Each new set of landmarks is mapped onto the previous output by the
    least-squares similarity (:func:`similarity_transform`), filtered
    there by ``inner`` (e.g. a :class:`OneEuroFilter`), and mapped back.
    The similarity is fitted to all K landmarks, so it follows the face's
    translation, rotation in the image and scale with little noise and no
    lag; the filter only sees what moves relative to the face (expression,
    out-of-plane turns, and the per-frame jitter), which is much slower
    than the face's own motion. Per-coordinate filtering of a moving face
    lags by about speed / (2 pi cutoff) instead.

    Args:
        inner (callable): Filter called as ``inner(values, time)``.
    """

    def __init__(self, inner: Callable[[np.ndarray, float], np.ndarray]
                 ) -> None:
        self.inner = inner
        self.previous: Optional[np.ndarray] = None

    def reset(self) -> None:
        """Forget the past: the next value passes unchanged."""
        self.previous = None
        self.inner.reset()

    def __call__(self, values: np.ndarray, time: float) -> np.ndarray:
        values = np.asarray(values, np.float64)
        if values.ndim != 2 or values.shape[1] != 2:
            raise ValueError(f'AlignedFilter expects (K, 2) landmarks, got '
                             f'shape {values.shape}')
        if self.previous is None:
            self.previous = self.inner(values, time)
            return self.previous
        matrix, offset = similarity_transform(values, self.previous)
        if not np.isfinite(matrix).all() or abs(np.linalg.det(matrix)) < 1e-9:
            # collapsed landmarks (all at one point, or not finite) cannot
            # be aligned: start over from them
            self.inner.reset()
            self.previous = self.inner(values, time)
            return self.previous
        smoothed = self.inner(values @ matrix.T + offset, time)
        self.previous = smoothed
        return (smoothed - offset) @ np.linalg.inv(matrix).T
