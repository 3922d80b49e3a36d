# Copyright (c) hih_mmpose contributors. All rights reserved.
import numpy as np
import pytest

from mmpose.registry import TRANSFORMS


@pytest.fixture(autouse=True)
def mmpose_scope():
    """Build in mmpose's scope whatever scope an earlier test left (the
    tests of mmdet's face detectors set mmdet's)."""
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope('mmpose'):
        yield


def results():
    rng = np.random.default_rng(0)
    return dict(img=rng.integers(0, 255, (64, 48, 3), dtype=np.uint8),
                keypoints=np.array([[[10., 20.]]]))


def test_occlusion_paints_one_constant_rectangle():
    occlusion = TRANSFORMS.build(dict(type='RandomOcclusion', prob=1.))
    painted = 0
    for seed in range(6):
        np.random.seed(seed)
        before = results()
        after = occlusion(dict(before, img=before['img'].copy()))
        np.testing.assert_array_equal(after['keypoints'],
                                      before['keypoints'])
        changed = (after['img'] != before['img']).any(-1)
        if not changed.any():  # a side drawn as int(0.4 * U * side) == 0
            continue
        painted += 1
        rows, cols = np.nonzero(changed)
        box = after['img'][rows.min():rows.max() + 1,
                           cols.min():cols.max() + 1]
        assert (box == box[0, 0]).all()  # one colour fills the whole box
        assert rows.ptp() + 1 <= 0.4 * 64 and cols.ptp() + 1 <= 0.4 * 48
    assert painted >= 4


def test_blur_and_probabilities():
    np.random.seed(0)
    blur = TRANSFORMS.build(dict(type='RandomGaussianBlur', prob=1.,
                                 max_sigma=3.))
    before = results()
    after = blur(dict(before, img=before['img'].copy()))
    # blurring lowers the high-frequency energy of a noise image
    assert np.abs(np.diff(after['img'].astype(float), axis=1)).mean() < \
        np.abs(np.diff(before['img'].astype(float), axis=1)).mean()
    never = TRANSFORMS.build(dict(type='RandomOcclusion', prob=0.))
    np.testing.assert_array_equal(never(results())['img'], before['img'])
    with pytest.raises(ValueError, match='prob'):
        TRANSFORMS.build(dict(type='RandomGaussianBlur', prob=2.))
