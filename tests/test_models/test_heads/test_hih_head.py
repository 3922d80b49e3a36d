# Copyright (c) hih_mmpose contributors. All rights reserved.
from unittest import TestCase

import numpy as np
import pytest
import torch
from torch import nn

from mmpose.registry import KEYPOINT_CODECS, MODELS
from mmpose.testing import get_packed_inputs

K = 6
FLIP_INDICES = [1, 0, 3, 2, 4, 5]  # pairs 0-1, 2-3; 4 and 5 self-mapped
CODEC = dict(type='HIHLabel', input_size=(256, 256), heatmap_size=(64, 64),
             decimal_size=(8, 8))


def packed_inputs(batch_size: int):
    """mmpose test samples with HIH targets from the real codec."""
    inputs = get_packed_inputs(
        batch_size, num_keypoints=K, num_instances=1,
        input_size=(256, 256), heatmap_size=(64, 64), with_heatmap=True)
    samples = inputs['data_samples']
    encoder = KEYPOINT_CODECS.build(CODEC)
    rng = np.random.default_rng(0)
    for sample in samples:
        keypoints = rng.uniform(8, 248, size=(1, K, 2))
        encoded = encoder.encode(keypoints)
        sample.gt_fields.heatmaps = torch.from_numpy(encoded['heatmaps'])
        sample.gt_instance_labels.decimal_heatmaps = torch.from_numpy(
            encoded['decimal_heatmaps'])
        sample.gt_instance_labels.keypoint_weights = torch.from_numpy(
            encoded['keypoint_weights'])
        sample.gt_instance_labels.keypoint_coords = torch.from_numpy(
            encoded['keypoint_coords'])
        sample.set_metainfo(dict(flip_indices=FLIP_INDICES,
                                 input_size=(256, 256)))
    return samples


class FixedDecimalLogits(nn.Module):
    """Stands in for the decimal branch: every keypoint peaks at bin
    (4, 4), the centre of the heatmap cell."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = torch.zeros(x.shape[0], K, 8, 8)
        logits[:, :, 4, 4] = 1.
        return logits


class TestHIHHead(TestCase):

    def build_head(self, **kwargs) -> nn.Module:
        cfg = dict(type='HIHHead', in_channels=16, out_channels=K,
                   num_stages=2, decimal_channels=8, decoder=CODEC)
        cfg.update(kwargs)
        head = MODELS.build(cfg)
        head.init_weights()
        return head

    def test_loss_with_backbone_heatmaps(self):
        torch.manual_seed(0)
        head = self.build_head()
        feats = (torch.rand(2, K, 64, 64), torch.rand(2, K, 64, 64),
                 torch.rand(2, 16, 64, 64))
        samples = packed_inputs(2)
        losses = head.loss(feats, samples)
        self.assertEqual(
            set(losses),
            {'loss_heatmap', 'loss_decimal', 'acc_pose', 'acc_decimal'})
        # integer loss: mean over stages of the weighted MSE
        gt = torch.stack([s.gt_fields.heatmaps for s in samples])
        weights = torch.cat(
            [s.gt_instance_labels.keypoint_weights for s in samples])
        expected = sum(((f - gt)**2 * weights[..., None, None]).mean()
                       for f in feats[:2]) / 2
        torch.testing.assert_close(losses['loss_heatmap'], expected)
        self.assertGreater(losses['loss_decimal'].item(), 0)

    def test_stage_weights(self):
        head = self.build_head(stage_weights=[0., 1.])
        feats = (torch.rand(2, K, 64, 64), torch.rand(2, K, 64, 64),
                 torch.rand(2, 16, 64, 64))
        samples = packed_inputs(2)
        gt = torch.stack([s.gt_fields.heatmaps for s in samples])
        torch.testing.assert_close(
            head.loss(feats, samples)['loss_heatmap'],
            ((feats[1] - gt)**2).mean())
        with self.assertRaisesRegex(ValueError, 'stage_weights'):
            self.build_head(stage_weights=[1.])

    def test_predict_and_flip(self):
        """Flip test mirrors the flipped pass back and swaps left/right."""
        head = self.build_head()
        head.decimal_layers = FixedDecimalLogits()
        cells = np.array([[3, 10], [60, 10], [20, 40], [41, 40], [31, 5],
                          [32, 63]])
        heatmaps = torch.zeros(1, K, 64, 64)
        heatmaps_flip = torch.zeros(1, K, 64, 64)
        for k, (x, y) in enumerate(cells):
            heatmaps[0, k, y, x] = 0.8
            # in the flipped image keypoint k is mirrored and its channel is
            # the one of its flip partner
            heatmaps_flip[0, FLIP_INDICES[k], y, 63 - x] = 0.6
        stream = torch.zeros(1, 16, 64, 64)
        samples = packed_inputs(1)
        preds = head.predict((heatmaps, heatmaps, stream), samples)
        expected = (cells + 0.5) * 4 - 0.5  # cell centres in input pixels
        np.testing.assert_allclose(preds[0].keypoints[0], expected)
        np.testing.assert_allclose(preds[0].keypoint_scores[0], [0.8] * K)
        preds_flip = head.predict(
            [(heatmaps, heatmaps, stream),
             (heatmaps_flip, heatmaps_flip, stream)], samples,
            test_cfg=dict(flip_test=True))
        np.testing.assert_allclose(preds_flip[0].keypoints[0], expected)
        np.testing.assert_allclose(preds_flip[0].keypoint_scores[0],
                                   [0.7] * K, rtol=1e-6)
        preds, fields = head.predict((heatmaps, heatmaps, stream), samples,
                                     test_cfg=dict(output_heatmaps=True))
        self.assertEqual(fields[0].heatmaps.shape, (K, 64, 64))

    def test_plain_feature_backbone(self):
        """On mmpose's HourglassNet the head predicts heatmaps itself."""
        torch.manual_seed(0)
        backbone = MODELS.build(
            dict(type='HourglassNet', num_stacks=2, downsample_times=4,
                 stage_channels=(256, 16, 16, 16, 16), stage_blocks=(1, ) * 5,
                 feat_channel=16))
        head = self.build_head(heatmaps_from_backbone=False)
        feats = backbone(torch.randn(2, 3, 256, 256))
        self.assertEqual(len(feats), 2)
        samples = packed_inputs(2)
        losses = head.loss(feats, samples)
        losses['loss_heatmap'].backward(retain_graph=True)
        self.assertIsNotNone(head.heatmap_layers[0].weight.grad)
        (losses['loss_decimal']).backward()
        self.assertIsNotNone(backbone.stem[0].conv.weight.grad)
        head.eval()
        preds = head.predict(feats, samples)
        self.assertEqual(preds[0].keypoints.shape, (1, K, 2))
        scores = preds[0].keypoint_scores
        self.assertTrue(((scores >= 0) & (scores <= 1)).all())
        # a single feature map (HRNet + neck) serves every stage
        heatmaps, decimal = head((feats[-1], ))
        self.assertEqual(heatmaps.shape, (2, K, 64, 64))
        self.assertEqual(decimal.shape, (2, K, 8, 8))

    def test_integer_layers_as_mmpose_heatmap_head(self):
        """conv_out_channels builds mmpose's HeatmapHead integer branch:
        with its weights copied over, the same heatmaps."""
        torch.manual_seed(0)
        ours = self.build_head(heatmaps_from_backbone=False, num_stages=1,
                               conv_out_channels=(12, ),
                               conv_kernel_sizes=(3, ))
        theirs = MODELS.build(
            dict(type='HeatmapHead', in_channels=16, out_channels=K,
                 deconv_out_channels=None, conv_out_channels=(12, ),
                 conv_kernel_sizes=(3, )))
        for module in theirs.modules():  # non-trivial BN statistics
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.uniform_(-1, 1)
                module.running_var.uniform_(0.5, 2)
        stage = ours.heatmap_layers[0]
        stage[:-1].load_state_dict(theirs.conv_layers.state_dict())
        stage[-1].load_state_dict(theirs.final_layer.state_dict())
        ours.eval()
        theirs.eval()
        feat = torch.randn(2, 16, 64, 64)
        heatmaps, _ = ours((feat, ))
        torch.testing.assert_close(heatmaps, theirs((feat, )), rtol=0,
                                   atol=1e-6)
        self.assertEqual(
            sum(p.numel() for p in stage.parameters()),
            sum(p.numel() for name, p in theirs.named_parameters()))
        # no conv layers: the 1x1 conv alone, state-dict keys as before
        plain = self.build_head(heatmaps_from_backbone=False, num_stages=1)
        self.assertIn('heatmap_layers.0.weight', plain.state_dict())
        with self.assertRaisesRegex(ValueError, 'one odd kernel size'):
            self.build_head(heatmaps_from_backbone=False,
                            conv_out_channels=(12, ),
                            conv_kernel_sizes=(2, ))
        with self.assertRaisesRegex(ValueError, 'heatmaps_from_backbone'):
            self.build_head(conv_out_channels=(12, ),
                            conv_kernel_sizes=(1, ))

    def test_decimal_sizes(self):
        for size, blocks in ((4, 3), (8, 2), (16, 1)):
            head = self.build_head(decoder=dict(CODEC, decimal_size=size))
            _, decimal = head(
                (torch.rand(1, K, 64, 64), torch.rand(1, K, 64, 64),
                 torch.rand(1, 16, 64, 64)))
            self.assertEqual(decimal.shape, (1, K, size, size),
                             f'Failed case: "64x{size}"')
            self.assertEqual(
                sum(type(m).__name__ == 'HIHDownBlock'
                    for m in head.decimal_layers), blocks)
        for size in (32, 6):
            with self.assertRaisesRegex(ValueError, 'power of 2'):
                self.build_head(decoder=dict(CODEC, decimal_size=size))

    def test_sizes_come_from_the_codec(self):
        """One source of truth: the head reads the heatmap sizes and the
        decimal sigma from its codec, and refuses to run without one."""
        head = self.build_head(
            decoder=dict(CODEC, decimal_size=(16, 16), decimal_sigma=2.0))
        self.assertEqual(head.decimal_size, (16, 16))
        self.assertEqual(head.decimal_sigma, 2.0)
        with self.assertRaisesRegex(ValueError, 'needs its codec'):
            self.build_head(decoder=None)
        with self.assertRaises(TypeError):  # no second copy of the sizes
            self.build_head(heatmap_size=(64, 64))

    def test_wrong_number_of_feats(self):
        head = self.build_head()
        with self.assertRaisesRegex(ValueError, '2 heatmaps'):
            head((torch.rand(1, 16, 64, 64), ))


class RecordingBranch(nn.Module):
    """A decimal branch that records the cells it is asked to read and
    puts each keypoint's peak in bin (x, y) = (cell x mod 8, cell y mod 8)."""

    def __init__(self) -> None:
        super().__init__()
        self.cells = None

    def forward(self, stream, heatmaps, cells):
        self.cells = cells.clone()
        logits = torch.zeros(cells.shape[0], K, 8, 8)
        for b in range(cells.shape[0]):
            for k in range(K):
                logits[b, k, cells[b, k, 1] % 8, cells[b, k, 0] % 8] = 1.
        return logits


class TestHIHHeadCellBranch(TestCase):
    """HIHHead with ``decimal_branch=CellDecimalBranch``."""

    def build_head(self, **kwargs) -> nn.Module:
        cfg = dict(
            type='HIHHead', in_channels=16, out_channels=K, num_stages=2,
            decimal_branch=dict(type='CellDecimalBranch', channels=4,
                                window=3, hidden_channels=16),
            decimal_loss=dict(type='SeamlessLoss', soft_label='gaussian',
                              reduction='landmark', loss_weight=1.),
            decoder=dict(CODEC, mask_decimal=False))
        cfg.update(kwargs)
        head = MODELS.build(cfg)
        head.init_weights()
        return head

    def test_loss_and_training_cells(self):
        torch.manual_seed(0)
        head = self.build_head()
        samples = packed_inputs(2)
        gt = torch.stack([s.gt_fields.heatmaps for s in samples])
        feats = (torch.rand(2, K, 64, 64), torch.rand(2, K, 64, 64),
                 torch.randn(2, 16, 64, 64, requires_grad=True))
        losses = head.loss(feats, samples)
        self.assertEqual(
            set(losses),
            {'loss_heatmap', 'loss_decimal', 'acc_pose', 'acc_decimal'})
        losses['loss_decimal'].backward()
        self.assertGreater(float(feats[2].grad.abs().sum()), 0)
        self.assertIsNotNone(head.decimal_layers.fc_out.weight.grad)

        # the true cells: where the integer targets peak
        peaks = gt.flatten(2).argmax(-1)
        true_cells = torch.stack([peaks % 64, peaks // 64], -1)
        # predicted heatmaps: keypoint 0 one cell right of its true cell,
        # keypoint 1 three cells right, the others on their true cells
        shifted = true_cells.clone()
        shifted[:, 0, 0] += 1
        shifted[:, 1, 0] += 3
        predicted = torch.zeros(2, K, 64, 64)
        for b in range(2):
            for k in range(K):
                predicted[b, k, shifted[b, k, 1], shifted[b, k, 0]] = 1.
        recorder = RecordingBranch()
        head.decimal_layers = recorder
        head.loss((predicted, predicted, feats[2]), samples)
        expected = shifted.clone()
        expected[:, 1] = true_cells[:, 1]  # too far: the true cell
        torch.testing.assert_close(recorder.cells, expected)
        head.decimal_train_cells = 'gt'
        head.loss((predicted, predicted, feats[2]), samples)
        torch.testing.assert_close(recorder.cells, true_cells)
        with self.assertRaisesRegex(ValueError, 'decimal_train_cells'):
            self.build_head(decimal_train_cells='argmax')

    def test_predict_reads_the_argmax_cells_and_flips(self):
        head = self.build_head()
        head.decimal_layers = RecordingBranch()
        cells = np.array([[3, 10], [60, 10], [20, 40], [43, 40], [31, 5],
                          [32, 63]])
        heatmaps = torch.zeros(1, K, 64, 64)
        for k, (x, y) in enumerate(cells):
            heatmaps[0, k, y, x] = 0.8
        stream = torch.zeros(1, 16, 64, 64)
        samples = packed_inputs(1)
        preds = head.predict((heatmaps, heatmaps, stream), samples)
        np.testing.assert_array_equal(head.decimal_layers.cells[0].numpy(),
                                      cells)
        # cell + bin / 8 with bin = cell mod 8, in input pixels
        expected = (cells + (cells % 8) / 8) * 4 - 0.5
        np.testing.assert_allclose(preds[0].keypoints[0], expected,
                                   rtol=1e-6)
        # flip test: the flipped pass reads its own argmax cells
        heatmaps_flip = torch.zeros(1, K, 64, 64)
        for k, (x, y) in enumerate(cells):
            heatmaps_flip[0, FLIP_INDICES[k], y, 63 - x] = 0.6
        preds = head.predict([(heatmaps, heatmaps, stream),
                              (heatmaps_flip, heatmaps_flip, stream)],
                             samples, test_cfg=dict(flip_test=True))
        flipped_cells = 63 - cells[:, 0]
        flipped_x = (flipped_cells + (flipped_cells % 8) / 8) * 4 - 0.5
        mirrored_x = 256 - 1 - flipped_x
        np.testing.assert_allclose(preds[0].keypoints[0, :, 0],
                                   (expected[:, 0] + mirrored_x) / 2,
                                   rtol=1e-6)

    def test_trains_on_a_fixed_batch(self):
        """The cell branch fits the decimal intervals of a fixed batch."""
        torch.manual_seed(0)
        head = self.build_head()
        samples = packed_inputs(2)
        gt = torch.stack([s.gt_fields.heatmaps for s in samples])
        feats = (gt, gt, torch.randn(2, 16, 64, 64))
        optimizer = torch.optim.Adam(head.parameters(), lr=1e-2)
        first = None
        for _ in range(60):
            losses = head.loss(feats, samples)
            first = first or losses['acc_decimal'].item()
            optimizer.zero_grad()
            losses['loss_decimal'].backward()
            optimizer.step()
        self.assertLess(first, 0.5)
        self.assertEqual(head.loss(feats, samples)['acc_decimal'].item(), 1.)


# The visibility head around HIHHead: shapes, the logit read under each
# landmark's heatmap, loss weight 0 without occlusion labels, gradients.


def build_visibility_head(**kwargs) -> nn.Module:
    head = MODELS.build(dict(
        type='HIHVisibilityHead',
        pose_cfg=dict(type='HIHHead', in_channels=16, out_channels=K,
                      num_stages=2, decimal_channels=8, decoder=CODEC),
        **kwargs))
    head.init_weights()
    return head


def test_visibility_logit_is_read_under_the_heatmap():
    """A heatmap with all its mass on one cell: the landmark's logit is the
    logit map at that cell."""
    torch.manual_seed(0)
    head = build_visibility_head()
    heatmaps = torch.zeros(2, K, 64, 64)
    cells = np.random.default_rng(0).integers(0, 64, (2, K, 2))
    for b in range(2):
        for k in range(K):
            heatmaps[b, k, cells[b, k, 1], cells[b, k, 0]] = 0.7
    heatmaps[0, 0, 5, 5] = -0.3  # negative values do not count
    stream = torch.rand(2, 16, 64, 64)
    logits = head.vis_forward((heatmaps, heatmaps, stream))
    assert logits.shape == (2, K)
    maps = head.vis_head(stream)
    expected = torch.stack([
        torch.stack([maps[b, k, cells[b, k, 1], cells[b, k, 0]]
                     for k in range(K)]) for b in range(2)
    ])
    torch.testing.assert_close(logits, expected)
    assert head.decoder is head.pose_head.decoder


def test_visibility_loss_weight_zero_without_labels():
    torch.manual_seed(0)
    head = build_visibility_head()
    feats = (torch.rand(2, K, 64, 64), torch.rand(2, K, 64, 64),
             torch.rand(2, 16, 64, 64, requires_grad=True))
    samples = packed_inputs(2)
    losses = head.loss(feats, samples)  # no occlusion labels: weight 0
    assert losses['loss_vis'].item() == 0
    assert {'loss_heatmap', 'loss_decimal'} <= set(losses)
    occluded = [[1, 0, 0, 1, 0, 0], [0, 0, 0, 0, 1, 1]]
    for sample, flags in zip(samples, occluded):
        sample.gt_instance_labels.keypoint_occlusion = torch.tensor(
            [flags], dtype=torch.float32)
        sample.gt_instance_labels.keypoint_occlusion_weights = torch.ones(
            1, K)
    losses = head.loss(feats, samples)
    assert losses['loss_vis'].item() > 0
    # BCE on logits against "visible" = 1 - occluded, mean over landmarks
    logits = head.vis_forward(feats)
    labels = 1 - torch.tensor(occluded, dtype=torch.float32)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, labels)
    torch.testing.assert_close(losses['loss_vis'], expected)
    # detach_stream: no gradient from the visibility loss into the stream
    losses['loss_vis'].backward()
    assert feats[2].grad is None or feats[2].grad.abs().max() == 0
    assert head.vis_head[0].weight.grad.abs().max() > 0
    with pytest.raises(ValueError, match='use_sigmoid=False'):
        build_visibility_head(loss=dict(type='BCELoss', use_sigmoid=True))


def test_visibility_predict_adds_probabilities():
    head = build_visibility_head().eval()
    feats = (torch.rand(1, K, 64, 64), torch.rand(1, K, 64, 64),
             torch.rand(1, 16, 64, 64))
    samples = packed_inputs(1)
    # (VisPredictHead returns (instances, fields), fields None here)
    preds, fields = head.predict(feats, samples)
    assert fields is None
    visible = preds[0].keypoints_visible
    assert visible.shape == (1, K)
    assert np.all((visible > 0) & (visible < 1))
    preds, _ = head.predict([feats, feats], samples,
                            test_cfg=dict(flip_test=True))
    assert preds[0].keypoints_visible.shape == (1, K)
    assert preds[0].keypoints.shape == (1, K, 2)
