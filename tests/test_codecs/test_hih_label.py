# Copyright (c) hih_mmpose contributors. All rights reserved.
from unittest import TestCase

import numpy as np
import pytest
import torch

from mmpose.datasets.transforms import GenerateTarget, PackPoseInputs
from mmpose.registry import KEYPOINT_CODECS
from hih_mmpose.codecs import (HIHLabel, decode_hih, decode_hih_torch,
                               gaussian_window)

STRIDE = 4.


def to_input_pixels(heatmap_coords) -> np.ndarray:
    """Heatmap units (cell i covers [i, i + 1)) -> input pixels (1, K, 2)."""
    return np.asarray(heatmap_coords, np.float64)[None] * STRIDE - 0.5


class TestHIHLabel(TestCase):

    def setUp(self) -> None:
        self.codec = KEYPOINT_CODECS.build(dict(type='HIHLabel'))

    def test_gaussian_window(self):
        # published kernels: sigma 1.5 -> 10 cells, peak at index 5;
        # sigma 1 -> 7 cells, peak at index 3; sigma 2 -> 13 cells, index 6
        self.assertEqual(gaussian_window(1.5), (-5, 4))
        self.assertEqual(gaussian_window(1.0), (-3, 3))
        self.assertEqual(gaussian_window(2.0), (-6, 6))

    def test_encode_interior_hand_computed(self):
        # u = (20.3, 33.7): cells (20, 33); decimal 8 * 0.3 = 2.4 -> bin 2,
        # 8 * 0.7 = 5.6 -> bin 6
        encoded = self.codec.encode(to_input_pixels([[20.3, 33.7]]))
        heatmap = encoded['heatmaps'][0]
        decimal = encoded['decimal_heatmaps'][0, 0]
        self.assertEqual(encoded['heatmaps'].shape, (1, 64, 64))
        self.assertEqual(encoded['decimal_heatmaps'].shape, (1, 1, 8, 8))
        np.testing.assert_array_equal(encoded['keypoint_weights'], [[1.]])
        self.assertEqual(heatmap[33, 20], 1.)
        self.assertAlmostEqual(heatmap[33, 21], np.exp(-1 / 4.5), places=7)
        self.assertAlmostEqual(heatmap[34, 22], np.exp(-5 / 4.5), places=7)
        self.assertAlmostEqual(heatmap[37, 20], np.exp(-16 / 4.5), places=7)
        self.assertAlmostEqual(heatmap[28, 20], np.exp(-25 / 4.5), places=7)
        self.assertAlmostEqual(heatmap[33, 15], np.exp(-25 / 4.5), places=7)
        # window: 5 cells before the peak, 4 after it, nothing beyond
        self.assertEqual(heatmap[38, 20], 0.)
        self.assertEqual(heatmap[33, 25], 0.)
        self.assertEqual(heatmap[27, 20], 0.)
        self.assertEqual(np.count_nonzero(heatmap), 100)
        self.assertEqual(decimal[6, 2], 1.)
        self.assertAlmostEqual(decimal[6, 5], np.exp(-9 / 2), places=7)
        self.assertAlmostEqual(decimal[3, 0], np.exp(-13 / 2), places=7)
        self.assertEqual(decimal[6, 6], 0.)
        self.assertEqual(np.count_nonzero(decimal), 6 * 5)

    def test_encode_borders(self):
        # every border: the peak stays on the keypoint's own cell (the
        # published encoder shifts cells 0-4 by +1)
        cases = {
            'left': ([0.25, 30.5], (30, 0)),
            'top': ([30.5, 0.25], (0, 30)),
            'right': ([63.5, 30.5], (30, 63)),
            'bottom': ([30.5, 63.5], (63, 30)),
            'top-left cell 4': ([4.5, 3.1], (3, 4)),
        }
        for name, (coords, peak) in cases.items():
            encoded = self.codec.encode(to_input_pixels([coords]))
            heatmap = encoded['heatmaps'][0]
            self.assertEqual(
                np.unravel_index(heatmap.argmax(), heatmap.shape), peak,
                f'Failed case: "{name}"')
            self.assertEqual(heatmap[peak], 1., f'Failed case: "{name}"')
            self.assertEqual(encoded['keypoint_weights'][0, 0], 1.,
                             f'Failed case: "{name}"')
        heatmap = self.codec.encode(to_input_pixels([[0.25, 30.5]
                                                     ]))['heatmaps'][0]
        np.testing.assert_allclose(
            heatmap[30, :6],
            np.exp(-np.arange(6.)**2 / 4.5) * np.array([1, 1, 1, 1, 1, 0]),
            rtol=1e-6)

    def test_encode_decimal_edges(self):
        cases = {
            # 8 * 31/32 = 7.75 rounds to 8: carry into cell 11, bin 0
            'fraction 31/32 carries': (10 + 31 / 32, 11, 0),
            # 8 * 15/16 = 7.5: published tie rule round(7.5 - 3) + 3 = 7
            'fraction 15/16 tie': (10 + 15 / 16, 10, 7),
            'tie 4.5 -> bin 5': (7 + 4.5 / 8, 7, 5),
            'tie 2.5 -> bin 3': (7 + 2.5 / 8, 7, 3),
            'zero fraction': (7., 7, 0),
            # carry past the last cell is clamped to cell 63, bin 7
            'right edge clamp': (63 + 31 / 32, 63, 7),
        }
        for name, (u, cell, bin_) in cases.items():
            encoded = self.codec.encode(to_input_pixels([[u, 30.5]]))
            heatmap = encoded['heatmaps'][0]
            decimal = encoded['decimal_heatmaps'][0, 0]
            self.assertEqual(heatmap[30, cell], 1., f'Failed case: "{name}"')
            self.assertEqual(decimal[4, bin_], 1., f'Failed case: "{name}"')
        decimal = self.codec.encode(to_input_pixels(
            [[10 + 31 / 32, 30.5]]))['decimal_heatmaps'][0, 0]
        np.testing.assert_allclose(
            decimal[4],
            np.exp(-np.arange(8.)**2 / 2) * np.array([1] * 4 + [0] * 4),
            rtol=1e-6)

    def test_weights(self):
        keypoints = to_input_pixels([[10.5, 10.5], [20.5, 20.5], [-0.1, 5],
                                     [5, 64.01], [np.nan, 3], [np.inf, 3],
                                     [63.99, 0.]])
        visible = np.array([[1, 0, 1, 1, 1, 1, 1]], np.float32)
        encoded = self.codec.encode(keypoints, visible)
        np.testing.assert_array_equal(encoded['keypoint_weights'],
                                      [[1, 0, 0, 0, 0, 0, 1]])
        for k in range(1, 6):
            self.assertFalse(encoded['heatmaps'][k].any(), f'keypoint {k}')
            self.assertFalse(encoded['decimal_heatmaps'][0, k].any(),
                             f'keypoint {k}')
        self.assertTrue(np.isfinite(encoded['heatmaps']).all())

    def test_round_trip(self):
        rng = np.random.default_rng(0)
        for size in (4, 8, 16):
            codec = HIHLabel(decimal_size=(size, size))
            coords = rng.uniform(0.5, 63.4, size=(500, 2))
            encoded = codec.encode(to_input_pixels(coords))
            keypoints, scores = codec.decode(encoded['heatmaps'],
                                             encoded['decimal_heatmaps'])
            self.assertEqual(keypoints.shape, (1, 500, 2))
            np.testing.assert_array_equal(scores, np.ones((1, 500)))
            error = np.abs(keypoints - to_input_pixels(coords)) / STRIDE
            self.assertLessEqual(error.max(), 1 / (2 * size) + 1e-5,
                                 f'Failed case: "64x{size}"')
            # the error is spread over the whole interval, not biased
            self.assertGreater(error.max(), 0.8 / (2 * size))

    def test_decode_published_rule(self):
        heatmaps = np.zeros((1, 3, 64, 64), np.float32)
        decimal = np.full((1, 3, 8, 8), -1., np.float32)
        heatmaps[0, 0, 12, 40] = 0.7  # x=40, y=12
        decimal[0, 0, 5, 3] = 2.  # bx=3, by=5
        heatmaps[0, 1, 7, 9] = 0.9
        # keypoint 1: all decimal logits <= 0 -> no decimal part (mask)
        decimal[0, 1, 2, 2] = -0.5
        # keypoint 2: no positive integer value -> (0, 0)
        heatmaps[0, 2] = -1.
        decimal[0, 2, 1, 1] = 3.
        coords, scores = decode_hih(heatmaps, decimal)
        np.testing.assert_array_equal(
            coords, [[[40 + 3 / 8, 12 + 5 / 8], [9, 7], [1 / 8, 1 / 8]]])
        np.testing.assert_allclose(scores, [[0.7, 0.9, 0.]])
        coords, _ = decode_hih(heatmaps, decimal, mask_decimal=False)
        np.testing.assert_array_equal(coords[0, 1], [9 + 2 / 8, 7 + 2 / 8])
        keypoints, _ = self.codec.decode(heatmaps[0], decimal[0])
        np.testing.assert_array_equal(
            keypoints[0, 0], [(40 + 3 / 8) * 4 - 0.5, (12 + 5 / 8) * 4 - 0.5])

    def test_batched_torch_decode_equals_numpy(self):
        rng = np.random.default_rng(1)
        heatmaps = rng.normal(size=(3, 5, 64, 64)).astype(np.float32)
        decimal = rng.normal(size=(3, 5, 8, 8)).astype(np.float32)
        heatmaps[0, 1] = -np.abs(heatmaps[0, 1])  # exercise both masks
        decimal[1, 2] = -np.abs(decimal[1, 2])
        for mask in (True, False):
            coords_np, scores_np = decode_hih(heatmaps, decimal, mask)
            coords_t, scores_t = decode_hih_torch(
                torch.from_numpy(heatmaps), torch.from_numpy(decimal), mask)
            np.testing.assert_array_equal(coords_t.numpy(), coords_np)
            np.testing.assert_array_equal(scores_t.numpy(), scores_np)
        kpts_list, scores_list = self.codec.batch_decode(
            torch.from_numpy(heatmaps), torch.from_numpy(decimal))
        for n in range(3):
            kpts, scores = self.codec.decode(heatmaps[n:n + 1],
                                             decimal[n:n + 1])
            np.testing.assert_array_equal(kpts_list[n], kpts)
            np.testing.assert_array_equal(scores_list[n], scores)

    def test_bad_arguments(self):
        with self.assertRaisesRegex(ValueError, 'different strides'):
            HIHLabel(input_size=(256, 192), heatmap_size=(64, 64))
        with self.assertRaisesRegex(ValueError, 'sigma'):
            HIHLabel(sigma=0)
        with self.assertRaisesRegex(ValueError, r'\(1, K, 2\)'):
            self.codec.encode(np.zeros((2, 98, 2)))

    def test_mmpose_pipeline_packing(self):
        """GenerateTarget + PackPoseInputs put each target where the head
        reads it and keep mmpose's default instance fields."""
        keypoints = to_input_pixels([[10.5, 10.5], [70., 3.]])
        results = dict(
            img=np.zeros((256, 256, 3), np.uint8),
            keypoints=keypoints.astype(np.float32),
            keypoints_visible=np.ones((1, 2), np.float32),
            bbox=np.array([[0, 0, 256, 256]], np.float32),
            bbox_score=np.ones(1, np.float32),
            id=0, img_id=0, img_path='', ori_shape=(256, 256),
            img_shape=(256, 256), input_size=(256, 256), flip=False,
            flip_direction=None, flip_indices=[0, 1])
        results = GenerateTarget(encoder=dict(type='HIHLabel'))(results)
        sample = PackPoseInputs()(results)['data_samples']
        self.assertEqual(sample.gt_fields.heatmaps.shape, (2, 64, 64))
        labels = sample.gt_instance_labels
        self.assertEqual(labels.decimal_heatmaps.shape, (1, 2, 8, 8))
        self.assertEqual(labels.keypoint_weights.tolist(), [[1., 0.]])
        self.assertIsInstance(labels.decimal_heatmaps, torch.Tensor)
        self.assertEqual(sample.gt_instances.keypoints.shape, (1, 2, 2))
        self.assertEqual(sample.gt_instances.bboxes.shape, (1, 4))


def test_decimal_bin_accuracy():
    """Hand-made maps: 2 of the 3 counted keypoints are right."""
    from hih_mmpose.evaluation.functional import decimal_bin_accuracy
    targets = np.zeros((1, 4, 8, 8))
    logits = np.zeros((1, 4, 8, 8))
    for k, (x, y) in enumerate([(1, 2), (7, 0), (3, 3), (5, 5)]):
        targets[0, k, y, x] = 1.
    logits[0, 0, 2, 1] = 3.  # right
    logits[0, 1, 0, 6] = 3.  # wrong column
    logits[0, 2, 3, 3] = 1.  # right
    logits[0, 3, 0, 0] = 9.  # wrong, but weight 0
    weights = np.array([[1., 1., 0.5, 0.]])
    assert decimal_bin_accuracy(logits, targets, weights) == 2 / 3
    assert decimal_bin_accuracy(logits, targets) == 2 / 4
    assert np.isnan(decimal_bin_accuracy(logits, targets, weights * 0))


def test_decimal_targets_for_cells():
    """At the true cells the torch targets are the codec's decimal maps; at
    a neighbouring cell the nearest edge interval."""
    from hih_mmpose.codecs import decimal_bins_in_cells, decimal_targets_torch
    codec = HIHLabel(input_size=(256, 256), heatmap_size=(64, 64))
    rng = np.random.default_rng(3)
    keypoints = rng.uniform(0, 255, size=(1, 40, 2))
    keypoints[0, 0] = [4 * 20 + 3.9, 4 * 7 + 1.0]  # decimal 0.975: carry
    encoded = codec.encode(keypoints)
    coords = encoded['keypoint_coords']
    np.testing.assert_allclose(coords[0], (keypoints[0] + 0.5) / 4,
                               rtol=1e-6)
    peaks = encoded['heatmaps'].reshape(40, -1).argmax(-1)
    cells = np.stack([peaks % 64, peaks // 64], -1)[None]
    assert tuple(cells[0, 0]) == (21, 7)
    targets = decimal_targets_torch(torch.from_numpy(coords),
                                    torch.from_numpy(cells), (8, 8), 1.0)
    np.testing.assert_allclose(targets.numpy(), encoded['decimal_heatmaps'],
                               atol=1e-6)
    # keypoint 0 read one cell further left (20, 7): right edge bin 7
    bins = decimal_bins_in_cells(coords[0, :1], np.array([[20, 7]]), (8, 8),
                                 1.0)
    # x: 20 is left of the true cell 21 -> edge bin 7; y: 7.375 -> bin 3
    assert bins.tolist() == [[7, 3]]


def test_expectation_decode_exact_values():
    """The expected interval under the softmax of the decimal logits:
    uniform logits give the centre of the 8 x 8 grid (3.5, 3.5), two equal
    peaks at columns 2 and 4 their midpoint, a sharp peak its argmax;
    numpy and torch agree, and the codec decodes with it when asked."""
    from hih_mmpose.codecs.hih_decoding import (decimal_expectation,
                                                decimal_expectation_torch)
    logits = np.zeros((1, 3, 8, 8), np.float32)
    logits[0, 1, 5, [2, 4]] = 50.
    logits[0, 2, 6, 1] = 80.
    expected = decimal_expectation(logits)
    np.testing.assert_allclose(expected[0, 0], [3.5, 3.5], atol=1e-6)
    np.testing.assert_allclose(expected[0, 1], [3., 5.], atol=1e-6)
    np.testing.assert_allclose(expected[0, 2], [1., 6.], atol=1e-6)
    np.testing.assert_allclose(
        decimal_expectation_torch(torch.from_numpy(logits)).numpy(),
        expected, atol=1e-5)

    heatmaps = np.zeros((1, 3, 64, 64), np.float32)
    heatmaps[0, :, 10, 20] = 1.  # cell (20, 10)
    codec = HIHLabel(decimal_decode='expectation', mask_decimal=False)
    keypoints, _ = codec.decode(heatmaps, logits)
    # (cell + expectation / 8) * 4 - 0.5 input pixels
    np.testing.assert_allclose(keypoints[0, 1],
                               [(20 + 3 / 8) * 4 - 0.5,
                                (10 + 5 / 8) * 4 - 0.5], atol=1e-4)
    torch_keypoints, _ = codec.decode_torch(torch.from_numpy(heatmaps),
                                            torch.from_numpy(logits))
    np.testing.assert_allclose(torch_keypoints.numpy(), keypoints, atol=1e-4)
    with pytest.raises(ValueError, match='decimal_decode must be one of'):
        HIHLabel(decimal_decode='mean')
