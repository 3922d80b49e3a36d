# Copyright (c) hih_mmpose contributors. All rights reserved.
import math
from unittest import TestCase

import torch
import torch.nn.functional as F

from mmpose.registry import MODELS


def straightforward_kl(output, target, weights=None):
    """Per-keypoint KL(softmax(target) || softmax(output)), plain Python."""
    B, K = output.shape[:2]
    out = output.double().reshape(B, K, -1).tolist()
    tgt = target.double().reshape(B, K, -1).tolist()
    result = []
    for b in range(B):
        row = []
        for k in range(K):
            zq = sum(math.exp(t) for t in tgt[b][k])
            zp = sum(math.exp(o) for o in out[b][k])
            kl = 0.
            for t, o in zip(tgt[b][k], out[b][k]):
                q, p = math.exp(t) / zq, math.exp(o) / zp
                kl += q * math.log(q / p)
            row.append(kl * (1. if weights is None else float(weights[b, k])))
        result.append(row)
    return result


class TestSeamlessLoss(TestCase):

    def setUp(self) -> None:
        torch.manual_seed(0)
        self.output = torch.randn(2, 3, 8, 8)
        self.target = torch.rand(2, 3, 8, 8)
        self.weights = torch.tensor([[1., 0., 1.], [1., 1., 0.5]])

    def test_mean_reduction_equals_straightforward(self):
        loss = MODELS.build(dict(type='SeamlessLoss'))
        kl = straightforward_kl(self.output, self.target)
        expected = 0.05 * sum(map(sum, kl)) / (2 * 3 * 64)
        self.assertAlmostEqual(
            loss(self.output, self.target).item(), expected, delta=1e-9)
        # equal to the published F.kl_div(..., reduction='mean') * 0.05
        published = 0.05 * F.kl_div(
            F.log_softmax(self.output.flatten(2), -1),
            F.softmax(self.target.flatten(2), -1),
            reduction='mean')
        self.assertAlmostEqual(
            loss(self.output, self.target).item(),
            published.item(),
            delta=1e-9)

    def test_weights_and_landmark_reduction(self):
        kl = straightforward_kl(self.output, self.target, self.weights)
        weighted_mean = sum(map(sum, kl)) / 6
        loss = MODELS.build(
            dict(type='SeamlessLoss', reduction='landmark', loss_weight=1.))
        self.assertAlmostEqual(
            loss(self.output, self.target, self.weights).item(),
            weighted_mean,
            delta=1e-6)
        loss_mean = MODELS.build(dict(type='SeamlessLoss', loss_weight=1.))
        self.assertAlmostEqual(
            loss_mean(self.output, self.target, self.weights).item(),
            weighted_mean / 64,
            delta=1e-8)
        unweighted = MODELS.build(
            dict(type='SeamlessLoss', use_target_weight=False))
        self.assertAlmostEqual(
            unweighted(self.output, self.target, self.weights).item(),
            loss_mean(self.output, self.target).item() * 0.05,
            delta=1e-9)

    def test_zero_when_distributions_match(self):
        loss = MODELS.build(dict(type='SeamlessLoss'))
        # KL is invariant to a constant shift of the logits
        self.assertAlmostEqual(
            loss(self.target + 3., self.target).item(), 0., delta=1e-9)

    def test_gradient(self):
        output = self.output.clone().requires_grad_()
        loss = MODELS.build(dict(type='SeamlessLoss'))
        loss(output, self.target, self.weights).backward()
        grad = output.grad
        self.assertTrue(grad[0, 0].abs().sum() > 0)
        self.assertEqual(grad[0, 1].abs().sum().item(), 0.)  # weight 0
        # gradient of KL wrt logits: w * (p - q) / (B * K * 64) * 0.05
        p = F.softmax(self.output[1, 2].flatten(), 0)
        q = F.softmax(self.target[1, 2].flatten(), 0)
        torch.testing.assert_close(
            grad[1, 2].flatten(), 0.5 * (p - q) / 384 * 0.05)

    def test_bad_reduction(self):
        with self.assertRaisesRegex(ValueError, 'reduction'):
            MODELS.build(dict(type='SeamlessLoss', reduction='sum'))


class TestSoftLabels(TestCase):
    """The soft-label options beside the published softmax label."""

    def test_gaussian_label_is_normalised_gaussian(self):
        torch.manual_seed(1)
        output = torch.randn(1, 2, 8, 8)
        target = torch.zeros(1, 2, 8, 8)
        target[0, 0, 3, 3], target[0, 0, 3, 4] = 1., 0.5
        target[0, 1, 0, 0] = 1.
        loss = MODELS.build(
            dict(type='SeamlessLoss', soft_label='gaussian',
                 reduction='landmark', loss_weight=1.))
        log_p = F.log_softmax(output.double().flatten(2), -1)[0]
        # keypoint 0: q = (2/3, 1/3) on cells 27, 28; keypoint 1: one-hot
        kl0 = (2 / 3 * (math.log(2 / 3) - log_p[0, 27]) + 1 / 3 *
               (math.log(1 / 3) - log_p[0, 28]))
        kl1 = -log_p[1, 0]
        expected = (kl0 + kl1) / 2
        self.assertAlmostEqual(
            loss(output, target).item(), expected.item(), delta=1e-6)

    def test_gaussian_label_all_zero_target_is_finite(self):
        """An invisible keypoint has an all-zero target: no NaN."""
        loss = MODELS.build(dict(type='SeamlessLoss', soft_label='gaussian'))
        output = torch.randn(1, 2, 8, 8, requires_grad=True)
        target = torch.zeros(1, 2, 8, 8)
        value = loss(output, target, torch.zeros(1, 2))
        value.backward()
        self.assertEqual(value.item(), 0.)
        self.assertTrue(torch.isfinite(output.grad).all())

    def test_temperature_sharpens_the_softmax_label(self):
        output = torch.zeros(1, 1, 8, 8)
        target = torch.zeros(1, 1, 8, 8)
        target[0, 0, 2, 5] = 1.
        # against uniform logits, KL(q || uniform) = log 64 - H(q): larger
        # for a sharper q
        values = [
            MODELS.build(
                dict(type='SeamlessLoss', temperature=t, loss_weight=1.,
                     reduction='landmark'))(output, target).item()
            for t in (1., 0.1)
        ]
        q1 = math.e / (math.e + 63)
        entropy1 = -(q1 * math.log(q1) + 63 * (1 - q1) / 63 *
                     math.log((1 - q1) / 63))
        self.assertAlmostEqual(values[0], math.log(64) - entropy1, delta=1e-6)
        self.assertGreater(values[1], 10 * values[0])

    def test_bad_options(self):
        with self.assertRaisesRegex(ValueError, 'soft_label'):
            MODELS.build(dict(type='SeamlessLoss', soft_label='onehot'))
        with self.assertRaisesRegex(ValueError, 'temperature'):
            MODELS.build(dict(type='SeamlessLoss', temperature=0))
