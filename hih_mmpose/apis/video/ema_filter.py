# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Exponential moving average of landmarks over video frames."""
from typing import Optional

import numpy as np


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
        if self.previous is None or self.previous.shape != values.shape:
            self.previous = values
        else:
            self.previous = self.weight * self.previous + (
                1 - self.weight) * values
        return self.previous
