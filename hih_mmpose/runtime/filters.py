# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Landmark filters for video, each a callable ``filter(keypoints, time)``
that a :class:`~.tracker.FaceTracker` makes one of per face: the One Euro
filter (Casiez, Roussel, Vogel; CHI 2012), an exponential moving average
and a filter that smooths the face's pose and its shape apart."""
import math
from typing import Callable, Optional, Tuple

import numpy as np

from .validation import check_number


def smoothing_factor(cutoff: np.ndarray, period: float) -> np.ndarray:
    """Exponential smoothing factor of a first-order low-pass filter with
    cutoff frequency ``cutoff`` (Hz) sampled every ``period`` seconds:
    ``1 / (1 + tau / period)`` with ``tau = 1 / (2 pi cutoff)``."""
    tau = 1.0 / (2 * math.pi * np.asarray(cutoff, np.float64))
    return 1.0 / (1.0 + tau / period)


class OneEuroFilter:
    """One Euro filter of an array of values (e.g. (K, 2) landmarks), each
    element filtered on its own.

    Each call low-passes the values with the cutoff
    ``min_cutoff + beta * |speed|``, the speed being the low-passed (cutoff
    ``derivative_cutoff``) rate of change. With ``beta=0`` it is a plain
    first-order low-pass filter of cutoff ``min_cutoff``.

    Args:
        min_cutoff (float): Cutoff in Hz at rest; lower removes more jitter
            of still landmarks. Defaults to ``1.0``.
        beta (float): Cutoff increase per unit of speed (values per
            second); higher follows fast motion with less lag.
            Defaults to ``0.0``.
        derivative_cutoff (float): Cutoff in Hz of the speed estimate.
            Defaults to ``1.0``.
    """

    def __init__(self,
                 min_cutoff: float = 1.0,
                 beta: float = 0.0,
                 derivative_cutoff: float = 1.0) -> None:
        for name, value in (('min_cutoff', min_cutoff), ('beta', beta),
                            ('derivative_cutoff', derivative_cutoff)):
            check_number(f'OneEuroFilter {name}', value)
        if min_cutoff <= 0 or derivative_cutoff <= 0 or beta < 0:
            raise ValueError(
                'OneEuroFilter needs min_cutoff > 0, derivative_cutoff > 0 '
                f'and beta >= 0, got {min_cutoff}, {derivative_cutoff}, '
                f'{beta}')
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.derivative_cutoff = derivative_cutoff
        self.reset()

    def reset(self) -> None:
        """Forget the past: the next value passes unchanged."""
        self.previous: Optional[np.ndarray] = None
        self.speed: Optional[np.ndarray] = None
        self.time: Optional[float] = None

    def __call__(self, values: np.ndarray, time: float) -> np.ndarray:
        """Filter the values observed at ``time`` (seconds, increasing).

        Args:
            values (np.ndarray): Values of any shape (the same every call).
            time (float): Their time stamp in seconds.

        Returns:
            np.ndarray: The filtered values, float64, same shape.
        """
        values = np.asarray(values, np.float64)
        if not np.isfinite(values).all():
            return values  # a bad frame passes, the filter's state does not
        if self.previous is None:
            self.previous, self.speed, self.time = values, np.zeros_like(
                values), time
            return values
        if values.shape != self.previous.shape:
            raise ValueError(f'OneEuroFilter got shape {values.shape} after '
                             f'{self.previous.shape}; reset() it first')
        period = time - self.time
        if period <= 0:
            raise ValueError(f'OneEuroFilter: time {time} is not after the '
                             f'previous {self.time}')
        speed = (values - self.previous) / period
        weight = smoothing_factor(self.derivative_cutoff, period)
        self.speed = weight * speed + (1 - weight) * self.speed
        cutoff = self.min_cutoff + self.beta * np.abs(self.speed)
        weight = smoothing_factor(cutoff, period)
        self.previous = weight * values + (1 - weight) * self.previous
        self.time = time
        return self.previous


class EMAFilter:
    """Exponential moving average of an array of values (e.g. (K, 2)
    landmarks): ``out = weight * previous_out + (1 - weight) * values``.

    Same call as :class:`OneEuroFilter` (the time stamp is unused): a fixed
    smoothing that lags on fast motion as much as it steadies still
    landmarks.

    Args:
        weight (float): Weight of the previous output, in [0, 1); 0 passes
            the values unchanged.
    """

    def __init__(self, weight: float = 0.5) -> None:
        if not 0 <= weight < 1:
            raise ValueError(f'EMAFilter weight must be in [0, 1), got '
                             f'{weight}')
        self.weight = weight
        self.reset()

    def reset(self) -> None:
        """Forget the past: the next value passes unchanged."""
        self.previous: Optional[np.ndarray] = None

    def __call__(self, values: np.ndarray, time: float = 0.) -> np.ndarray:
        values = np.asarray(values, np.float64)
        if not np.isfinite(values).all():
            return values  # a bad frame passes, the filter's state does not
        if self.previous is None or self.previous.shape != values.shape:
            self.previous = values
        else:
            self.previous = self.weight * self.previous + (
                1 - self.weight) * values
        return self.previous


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
        if not np.isfinite(values).all():
            return values  # a bad frame passes, the filter's state does not
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
