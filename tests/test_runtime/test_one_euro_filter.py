# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The One Euro filter: exact step response, adaptivity, jitter."""
import math

import numpy as np
import pytest

from hih_mmpose.runtime.filters import OneEuroFilter, smoothing_factor


def test_step_response_without_speed_term_is_a_low_pass():
    """beta = 0: y_n = 1 - (1 - a)^n after a unit step, with
    a = 1 / (1 + 1 / (2 pi f_c T))."""
    period, cutoff = 0.04, 1.0  # 25 frames per second, 1 Hz
    a = 1 / (1 + 1 / (2 * math.pi * cutoff * period))
    assert smoothing_factor(cutoff, period) == pytest.approx(a)
    one_euro = OneEuroFilter(min_cutoff=cutoff, beta=0.)
    assert one_euro(np.zeros(2), 0.)[0] == 0.  # the first value passes
    outputs = [one_euro(np.ones(2), n * period)[0] for n in range(1, 31)]
    expected = [1 - (1 - a)**n for n in range(1, 31)]
    np.testing.assert_allclose(outputs, expected, rtol=1e-12)
    assert outputs[-1] > 0.99  # settles on the step


def test_speed_term_follows_fast_motion():
    """With beta > 0 the filter lags less behind a fast step but smooths a
    still, jittering point as much as beta = 0."""
    period = 1 / 30
    responses = {}
    for beta in (0., 0.05):
        one_euro = OneEuroFilter(min_cutoff=1.0, beta=beta)
        one_euro(np.zeros(1), 0.)
        responses[beta] = [one_euro(np.full(1, 100.), n * period)[0]
                           for n in range(1, 6)]
    assert responses[0.05][0] > 2 * responses[0.][0]
    assert responses[0.05][-1] > 95 > responses[0.][-1]

    rng = np.random.default_rng(0)
    noise = rng.normal(0, 1, size=(300, 98, 2))
    one_euro = OneEuroFilter(min_cutoff=1.0, beta=0.05)
    filtered = np.stack([one_euro(x, n * period)
                         for n, x in enumerate(noise)])
    raw_jitter = np.abs(np.diff(noise, axis=0)).mean()
    assert np.abs(np.diff(filtered, axis=0)).mean() < 0.3 * raw_jitter


def test_reset_and_bad_input():
    one_euro = OneEuroFilter()
    one_euro(np.zeros(3), 0.)
    with pytest.raises(ValueError, match='shape'):
        one_euro(np.zeros(4), 1.)
    with pytest.raises(ValueError, match='not after'):
        one_euro(np.zeros(3), 0.)
    one_euro.reset()
    np.testing.assert_array_equal(one_euro(np.full(4, 7.), 5.), 7.)
    with pytest.raises(ValueError, match='min_cutoff'):
        OneEuroFilter(min_cutoff=0)


def test_a_bad_frame_does_not_poison_the_filters():
    """One frame of NaN landmarks passes as it is; the frames after it are
    filtered as if it had not come (it used to make every later output
    NaN)."""
    from hih_mmpose.runtime.filters import AlignedFilter, EMAFilter
    rng = np.random.default_rng(0)
    frames = [rng.uniform(0, 100, (98, 2)) for _ in range(4)]
    bad = np.full((98, 2), np.nan)
    for make in (lambda: OneEuroFilter(1.0, 0.1), lambda: EMAFilter(0.5),
                 lambda: AlignedFilter(OneEuroFilter(1.0, 0.1))):
        clean, dirty = make(), make()
        expected = [clean(frame, 0.04 * i) for i, frame in enumerate(frames)]
        got = []
        for i, frame in enumerate(frames):
            if i == 2:
                assert np.isnan(dirty(bad, 0.04 * i - 0.02)).all()
            got.append(dirty(frame, 0.04 * i))
        np.testing.assert_allclose(got, expected)
