# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The export rewrites: constant-size pooling and resizing equal PyTorch's
adaptive pooling and interpolation, are undone after the export, and make
the light HIHs (mmpose's LiteHRNet, whose adaptive pooling the ONNX
exporter otherwise refuses; mmpose's ResNet + FPN, which resizes to the
shape of the finer level) export with the decoder inside, matching PyTorch
in ONNX Runtime at batch 1 and 3."""
import os.path as osp

import numpy as np
import onnxruntime
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from mmpose.registry import MODELS
from hih_mmpose.deployment import export_onnx
from hih_mmpose.deployment.export_rewrites import (export_rewrites,
                                                   static_adaptive_avg_pool2d,
                                                   static_interpolate)

CONFIGS = osp.join(osp.dirname(__file__), '..', '..', 'configs')
LIGHT = ('hih_litehrnet-18_1xb16-60e_wflw-256x256.py',
         'hih_res18-w32-fpn_1xb16-60e_wflw-256x256.py')


@pytest.mark.parametrize('size, output', [((64, 64), (8, 8)),
                                          ((64, 48), (16, 12)),
                                          ((20, 20), (1, 1)),
                                          ((10, 10), (3, 3)),
                                          ((12, 12), 4)])
def test_static_pooling_equals_adaptive(size, output):
    x = torch.randn(2, 5, *size)
    pool = static_adaptive_avg_pool2d(F.adaptive_avg_pool2d)
    torch.testing.assert_close(pool(x, output),
                               F.adaptive_avg_pool2d(x, output))
    # sizes given as the tensors a trace records
    sizes = torch.tensor(output if isinstance(output, tuple) else
                         (output, output))
    torch.testing.assert_close(pool(x, tuple(sizes)),
                               F.adaptive_avg_pool2d(x, output))


def test_static_interpolate_equals_interpolate():
    x = torch.randn(1, 3, 4, 6)
    resize = static_interpolate(F.interpolate)
    for size in ((8, 12), torch.Size((8, 12)), 8):
        torch.testing.assert_close(resize(x, size=size, mode='nearest'),
                                   F.interpolate(x, size=size,
                                                 mode='nearest'))
    torch.testing.assert_close(resize(x, scale_factor=2.),
                               F.interpolate(x, scale_factor=2.))


def test_rewrites_are_undone():
    pool, interpolate = F.adaptive_avg_pool2d, F.interpolate
    with export_rewrites():
        assert F.adaptive_avg_pool2d is not pool
        assert F.interpolate is not interpolate
    assert (F.adaptive_avg_pool2d, F.interpolate) == (pool, interpolate)
    with pytest.raises(RuntimeError), export_rewrites():
        raise RuntimeError('an export that fails')
    assert (F.adaptive_avg_pool2d, F.interpolate) == (pool, interpolate)


@pytest.mark.parametrize('config', LIGHT)
def test_light_hih_exports_and_matches_pytorch(config, tmp_path):
    cfg = Config.fromfile(osp.join(CONFIGS, config))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    out = str(tmp_path / 'light.onnx')
    deploy = export_onnx(model, out)
    session = onnxruntime.InferenceSession(
        out, providers=['CPUExecutionProvider'])
    for batch in (1, 3):
        crops = torch.rand(batch, 3, 256, 256) * 255
        with torch.no_grad():
            expected, expected_scores = deploy(crops)
        keypoints, scores = session.run(None, {'crops': crops.numpy()})
        assert keypoints.shape == (batch, 98, 2)
        # random weights make flat maps whose argmax may tie: most agree
        close = np.abs(keypoints - expected.numpy()).max(-1) <= 1e-3
        assert close.mean() >= 0.9, close.mean()
        assert np.abs(scores - expected_scores.numpy()).max() <= 1e-3
