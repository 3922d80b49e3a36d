# Copyright (c) hih_mmpose contributors. All rights reserved.
"""scheme_indices: which landmarks a keypoint_scheme selects."""
import numpy as np
import pytest

from hih_mmpose.datasets.landmark_schemes import (WFLW_TO_300W, WFLW_TO_COFW,
                                                  scheme_indices)


def test_scheme_indices():
    assert scheme_indices(98, None) is None
    assert scheme_indices(98, 'wflw') is None
    np.testing.assert_array_equal(scheme_indices(98, '300w'), WFLW_TO_300W)
    np.testing.assert_array_equal(scheme_indices(98, 'cofw'), WFLW_TO_COFW)
    # a model already in the scheme keeps its landmarks
    assert scheme_indices(68, '300w') is None
    assert scheme_indices(29, 'cofw') is None
    # iBUG's 68: chin (8) is WFLW's 16, the eye corners 36 / 45 are 60 / 72
    assert WFLW_TO_300W[8] == 16
    assert (WFLW_TO_300W[36], WFLW_TO_300W[45]) == (60, 72)


@pytest.mark.parametrize('count,scheme', [(68, 'wflw'), (68, 'cofw'),
                                          (29, '300w')])
def test_schemes_a_model_cannot_give(count, scheme):
    with pytest.raises(ValueError, match=f'from a model of {count}'):
        scheme_indices(count, scheme)


def test_unknown_scheme():
    with pytest.raises(ValueError, match="unknown keypoint_scheme '68'"):
        scheme_indices(98, '68')
