# Copyright (c) hih_mmpose contributors. All rights reserved.
"""NeckSequence: registered necks chained as one (mmpose builds one neck
and drops a list of neck configs)."""
import pytest
import torch

from mmpose.registry import MODELS

import hih_mmpose  # noqa: F401  (registers NeckSequence)

FPN = dict(type='FPN', in_channels=[4, 8, 16], out_channels=6, num_outs=3)
SELECT = dict(type='FeatureMapProcessor', select_index=0)


def features():
    torch.manual_seed(0)
    return tuple(
        torch.randn(2, c, s, s) for c, s in ((4, 16), (8, 8), (16, 4)))


def test_chain_equals_the_necks_run_by_hand():
    chain = MODELS.build(dict(type='NeckSequence', necks=[FPN, SELECT]))
    chain.eval()
    fpn, select = chain.necks
    feats = features()
    with torch.no_grad():
        out = chain(feats)
        by_hand = select(fpn(feats))
    assert len(out) == 1 and out[0].shape == (2, 6, 16, 16)
    assert torch.equal(out[0], by_hand[0])
    # FPN's finest level, the one the light HIH's head reads
    with torch.no_grad():
        assert torch.equal(out[0], fpn(feats)[0])


@pytest.mark.parametrize('necks', [[], FPN])
def test_chain_refuses_what_is_not_a_list_of_necks(necks):
    with pytest.raises(ValueError, match='non-empty list'):
        MODELS.build(dict(type='NeckSequence', necks=necks))


def test_mmpose_drops_a_list_of_necks():
    """Why NeckSequence exists: mmpose's estimator builds no neck from a
    list (if this changes, a plain list would do)."""
    model = MODELS.build(dict(
        type='TopdownPoseEstimator',
        backbone=dict(type='ResNet', depth=18, out_indices=(0, 1, 2, 3)),
        neck=[FPN, SELECT],
        head=dict(type='HeatmapHead', in_channels=6, out_channels=3,
                  deconv_out_channels=None)))
    assert not model.with_neck
