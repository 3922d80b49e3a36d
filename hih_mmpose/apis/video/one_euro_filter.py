# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The One Euro filter (Casiez, Roussel, Vogel; CHI 2012) for landmark
video: an adaptive low-pass filter that smooths hard when the landmarks
move slowly (jitter) and little when they move fast (lag)."""
import math
from typing import Optional

import numpy as np

from ...utils.validation import check_number


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
