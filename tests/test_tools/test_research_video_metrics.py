# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Video NME and jitter on hand-computed cases."""
import numpy as np
import pytest

from research.video_metrics import video_landmark_metrics


def test_video_metrics_by_hand():
    """Truth moves 1 px right per frame; the prediction is the truth plus
    (+1, 0) px on frames 0 and 2, (-1, 0) on frame 1, and missing on frame
    3: NME = 1 px / 10 px on frames 0-2; the unexplained motion is 2 px
    from frame 0 to 1 and from 1 to 2 (frame 3 is missing)."""
    gt = np.zeros((4, 3, 2))
    gt[:, :, 0] = np.arange(4)[:, None]
    pred = gt.copy()
    pred[[0, 2], :, 0] += 1
    pred[1, :, 0] -= 1
    pred[3] = np.nan
    metrics = video_landmark_metrics(pred, gt, np.full(4, 10.))
    assert metrics['nme'] == pytest.approx(0.1)
    assert metrics['jitter_px'] == pytest.approx(2.0)
    assert metrics['jitter'] == pytest.approx(0.2)
    assert metrics['found'] == pytest.approx(0.75)
    # a prediction off by a constant has error but no jitter
    steady = video_landmark_metrics(gt + [3., 4.], gt, np.full(4, 10.))
    assert steady['nme'] == pytest.approx(0.5)
    assert steady['jitter'] == pytest.approx(0.)
