# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Argument checks whose errors name what was given and what is
expected."""
import math
import numbers
from typing import Optional


def check_number(name: str,
                 value: object,
                 low: Optional[float] = None,
                 high: Optional[float] = None,
                 integer: bool = False) -> None:
    """Refuse a numeric option of the wrong type, NaN or out of range.

    Args:
        name (str): The option's name, for the message.
        value (object): What was given.
        low (float, optional): Smallest allowed value (inclusive).
        high (float, optional): Largest allowed value (inclusive).
        integer (bool): Require an integer. Defaults to ``False``.

    Raises:
        TypeError: Not a number (booleans are not numbers here), or not an
            integer where one is required.
        ValueError: NaN, infinite or outside [low, high].
    """
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = 'an integer' if integer else 'a number'
        raise TypeError(f'{name} must be {expected}, got {value!r} '
                        f'({type(value).__name__})')
    if not math.isfinite(value):
        raise ValueError(f'{name} must be finite, got {value!r}')
    if (low is not None and value < low) or (high is not None
                                              and value > high):
        if low is not None and high is not None:
            bounds = f'in [{low}, {high}]'
        else:
            bounds = f'>= {low}' if low is not None else f'<= {high}'

        raise ValueError(f'{name} must be {bounds}, got {value!r}')
