# Copyright (c) hih_mmpose contributors. All rights reserved.
from unittest import TestCase

import torch

from mmpose.registry import MODELS
from hih_mmpose.models import HIHHourglassNet
from hih_mmpose.models.utils.param_count import (count_parameters,
                                                 count_published_parameters)

# (stacks, published parameter count, ours without the unused shortcuts)
PUBLISHED_SIZES = {
    'HIH-T': (1, 10_365_700, 9_424_388),
    'HIH-S': (2, 14_469_478, 12_603_494),
    'HIH-B': (4, 22_677_034, 18_961_706),
}


def build_hih(num_stacks: int) -> torch.nn.Module:
    backbone = MODELS.build(
        dict(type='HIHHourglassNet', num_keypoints=98, num_stacks=num_stacks))
    head = MODELS.build(
        dict(type='HIHHead', in_channels=256, out_channels=98,
             num_stages=num_stacks, decoder=dict(type='HIHLabel')))
    return torch.nn.ModuleDict(dict(backbone=backbone, head=head))


class TestHIHHourglassNet(TestCase):

    def test_parameter_counts(self):
        for name, (stacks, published, ours) in PUBLISHED_SIZES.items():
            model = build_hih(stacks)
            self.assertEqual(
                count_published_parameters(model), published,
                f'Failed case: "{name}"')
            self.assertEqual(
                count_parameters(model), ours, f'Failed case: "{name}"')
            self.assertEqual(
                count_parameters(model.head), 5_892_962,
                f'Failed case: "{name}"')

    def test_output_shapes(self):
        torch.manual_seed(0)
        images = torch.randn(1, 3, 256, 256)
        for name, (stacks, _, _) in PUBLISHED_SIZES.items():
            model = build_hih(stacks).eval()
            with torch.no_grad():
                feats = model.backbone(images)
                heatmaps, decimal = model.head(feats)
            self.assertEqual(len(feats), stacks + 1, f'Failed case: "{name}"')
            for stack_heatmaps in feats[:-1]:
                self.assertEqual(stack_heatmaps.shape, (1, 98, 64, 64))
            self.assertEqual(feats[-1].shape, (1, 256, 64, 64))
            self.assertEqual(heatmaps.shape, (1, 98, 64, 64))
            self.assertEqual(decimal.shape, (1, 98, 8, 8))

    def test_merge_feeds_heatmaps_back(self):
        """The stream after each stack depends on that stack's heatmaps."""
        torch.manual_seed(0)
        model = HIHHourglassNet(num_keypoints=5, num_stacks=2, depth=2,
                                channels=16).eval()
        images = torch.randn(1, 3, 32, 32)
        with torch.no_grad():
            reference = model(images)
            model.heatmap_merges[1].conv.weight.zero_()
            changed = model(images)
        torch.testing.assert_close(changed[0], reference[0])
        torch.testing.assert_close(changed[1], reference[1])
        self.assertFalse(torch.allclose(changed[2], reference[2]))

    def test_bilinear_align_corners_upsampling(self):
        """A depth-1 hourglass equals its parts with the published
        upsampling."""
        torch.manual_seed(0)
        model = HIHHourglassNet(num_keypoints=2, num_stacks=1, depth=1,
                                channels=8).eval()
        hourglass = model.hourglasses[0]
        x = torch.randn(1, 8, 4, 4)
        with torch.no_grad():
            low = hourglass.post(hourglass.inner(hourglass.pre(
                torch.nn.functional.max_pool2d(x, 2))))
            up = torch.nn.functional.interpolate(
                low, size=(4, 4), mode='bilinear', align_corners=True)
            torch.testing.assert_close(hourglass(x), hourglass.skip(x) + up)
            nearest = torch.nn.functional.interpolate(low, size=(4, 4))
            self.assertFalse(
                torch.allclose(hourglass(x), hourglass.skip(x) + nearest))

    def test_bad_arguments(self):
        with self.assertRaisesRegex(ValueError, 'num_stacks'):
            HIHHourglassNet(num_stacks=0)
        with self.assertRaisesRegex(ValueError, 'divisible by 64'):
            HIHHourglassNet(num_stacks=1, channels=8)(
                torch.zeros(1, 3, 100, 100))
