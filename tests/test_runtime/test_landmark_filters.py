# Copyright (c) hih_mmpose contributors. All rights reserved.
"""EMA and face-aligned smoothing of landmarks: exact responses."""
import numpy as np
import pytest

from hih_mmpose.runtime.filters import (AlignedFilter, EMAFilter,
                                        OneEuroFilter, similarity_transform)


def test_ema_step_response():
    """y_n = 1 - w^n after a unit step (the first value passes)."""
    ema = EMAFilter(0.6)
    assert ema(np.zeros(3))[0] == 0.
    outputs = [ema(np.ones(3))[0] for _ in range(5)]
    np.testing.assert_allclose(outputs, [1 - 0.6**n for n in range(1, 6)],
                               rtol=1e-12)
    ema.reset()
    np.testing.assert_array_equal(ema(np.full(3, 7.)), 7.)
    with pytest.raises(ValueError, match=r'\[0, 1\)'):
        EMAFilter(1.0)


def test_similarity_transform_is_exact():
    rng = np.random.default_rng(0)
    src = rng.normal(size=(98, 2))
    angle, scale, offset = 0.3, 1.7, np.array([5., -2.])
    matrix = scale * np.array([[np.cos(angle), -np.sin(angle)],
                               [np.sin(angle), np.cos(angle)]])
    got_matrix, got_offset = similarity_transform(src, src @ matrix.T +
                                                  offset)
    np.testing.assert_allclose(got_matrix, matrix, atol=1e-12)
    np.testing.assert_allclose(got_offset, offset, atol=1e-12)


def test_aligned_filter_passes_rigid_motion_without_lag():
    """A face that only moves, turns in the image plane and scales passes
    exactly (a plain low-pass lags behind it), while jitter on top of the
    motion is smoothed like the inner filter smooths it."""
    rng = np.random.default_rng(0)
    shape = rng.normal(size=(98, 2)) * 30

    def pose(t):
        angle, scale = 0.5 * np.sin(t), 1 + 0.2 * np.sin(0.7 * t)
        matrix = scale * np.array([[np.cos(angle), -np.sin(angle)],
                                   [np.sin(angle), np.cos(angle)]])
        return shape @ matrix.T + [300 + 200 * np.sin(t), 200 * t]

    aligned = AlignedFilter(OneEuroFilter(1.0, 0.))
    plain = OneEuroFilter(1.0, 0.)
    lag = []
    for n in range(60):
        t = n / 30
        np.testing.assert_allclose(aligned(pose(t), t), pose(t), atol=1e-9)
        lag.append(np.abs(plain(pose(t), t) - pose(t)).max())
    assert max(lag) > 20  # pixels behind the moving face

    aligned.reset()
    noise = rng.normal(0, 1, (60, 98, 2))
    errors = [
        aligned(pose(n / 30) + noise[n], n / 30) - pose(n / 30)
        for n in range(60)
    ]
    # the residual jitter of the last 30 frames is well below the input's
    assert np.std(errors[30:]) < 0.6 * np.std(noise[30:])
    with pytest.raises(ValueError, match=r'\(K, 2\)'):
        aligned(np.zeros(5), 3.)
