# Copyright (c) hih_mmpose contributors. All rights reserved.
"""optimize_for_inference: BN folded, NHWC weights, the eager outputs."""
import copy

import matplotlib.cbook as cbook
import torch
from mmengine.config import Config
from torch import nn

from mmpose.apis import init_model
from hih_mmpose.apis import FaceLandmarker
from hih_mmpose.deployment import optimize_for_inference

PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)


def randomised(model: nn.Module) -> nn.Module:
    """Weights and BN statistics far from the identity (what folding must
    get right), activations of order 1."""
    generator = torch.Generator().manual_seed(0)
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            fan_in = module.weight[0].numel()
            module.weight.data = torch.randn(
                module.weight.shape, generator=generator) / fan_in**0.5
        elif isinstance(module, nn.BatchNorm2d):
            n = module.num_features
            module.weight.data = 0.5 + torch.rand(n, generator=generator)
            module.bias.data = torch.randn(n, generator=generator) * 0.1
            module.running_mean = torch.randn(n, generator=generator) * 0.3
            module.running_var = 0.5 + torch.rand(n, generator=generator)
    return model.eval()


def test_outputs_match_eager_within_1e4(tiny_hih):
    config, _ = tiny_hih
    model = randomised(init_model(Config.fromfile(config), device='cpu'))
    fast = optimize_for_inference(copy.deepcopy(model))

    assert not any(isinstance(m, nn.BatchNorm2d) for m in fast.modules())
    assert sum(isinstance(m, nn.BatchNorm2d) for m in model.modules()) > 10
    convs = [m.weight for m in fast.modules() if isinstance(m, nn.Conv2d)]
    assert all(w.is_contiguous(memory_format=torch.channels_last)
               for w in convs)

    x = torch.randn(2, 3, 128, 128, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = model.head(model.backbone(x))
        actual = fast.head(fast.backbone(x))
    for a, e in zip(actual, expected):
        assert e.abs().max() > 0.1  # the comparison is not of zeros
        torch.testing.assert_close(a, e, rtol=0,
                                   atol=1e-4 * float(e.abs().max()))
    # and the decoded keypoints are the same: with the argmax decode no
    # argmax lands elsewhere; the configured mean with DARK moves with the
    # maps' rounding, by far less than a decimal interval (0.5 px)
    codec = model.head.decoder
    assert codec.decimal_decode == 'expectation_dark'
    for decode, bound in (('expectation_dark', 1e-3), ('argmax', 1e-5)):
        codec.decimal_decode = decode
        for a, e in zip(codec.decode_torch(*actual),
                        codec.decode_torch(*expected)):
            torch.testing.assert_close(a, e, rtol=0, atol=bound)


def test_face_landmarker_is_fast_on_the_cpu(tiny_hih):
    """FaceLandmarker on the CPU runs the optimised model (BN folded; the
    keypoints equal mmpose's own top-down path: tests/test_apis)."""
    config, checkpoint = tiny_hih
    fast = FaceLandmarker(config, checkpoint)
    assert not any(isinstance(m, nn.BatchNorm2d)
                   for m in fast.model.modules())
    (face, ) = fast(PHOTO)
    assert face['keypoints'].shape == (98, 2)
