# Copyright (c) hih_mmpose contributors. All rights reserved.
import cv2
import numpy as np
import pytest
import torch

from mmpose.codecs.utils import refine_keypoints_dark
from hih_mmpose.codecs import HIHLabel
from hih_mmpose.codecs.dark_refine import (blurred_windows,
                                           opencv_gaussian_kernel,
                                           refine_keypoints_dark_torch)
from hih_mmpose.codecs.hih_decoding import (argmax_2d, decimal_expectation,
                                            decode_hih, decode_hih_torch)


def peaked_maps(seed: int, shape=(3, 5, 32, 24)) -> np.ndarray:
    """Noise plus one Gaussian bump per map, some near the border."""
    rng = np.random.default_rng(seed)
    maps = rng.random(shape).astype(np.float32) * 0.3
    rows, columns = np.mgrid[:shape[2], :shape[3]]
    centres = rng.uniform(-1, 1, shape[:2] + (2, )) * [shape[3], shape[2]]
    centres = np.abs(centres)
    maps += np.exp(-((columns - centres[..., 0, None, None])**2 +
                     (rows - centres[..., 1, None, None])**2) / 4.5)
    return maps


@pytest.mark.parametrize('kernel', [3, 5, 9, 11])
def test_torch_dark_equals_mmpose(kernel):
    """The batched port gives mmpose's numpy refinement, border peaks
    (kept as they are) included."""
    maps = peaked_maps(kernel)
    peaks, _ = argmax_2d(maps)
    expected = np.stack([
        refine_keypoints_dark(p[None].astype(np.float32), m.copy(),
                              kernel)[0] for p, m in zip(peaks, maps)
    ])
    actual = refine_keypoints_dark_torch(torch.from_numpy(peaks),
                                         torch.from_numpy(maps), kernel)
    np.testing.assert_allclose(actual.numpy(), expected, atol=1e-4)
    assert np.abs(expected - peaks).max() > 0.3  # it did refine
    height, width = maps.shape[-2:]
    at_border = ((peaks[..., 0] <= 1) | (peaks[..., 0] >= width - 2) |
                 (peaks[..., 1] <= 1) | (peaks[..., 1] >= height - 2))
    assert at_border.any()
    np.testing.assert_array_equal(actual.numpy()[at_border],
                                  peaks[at_border])


def test_blur_kernel_is_opencvs():
    # OpenCV's fixed table for size 3 and its sampled Gaussian for 11
    np.testing.assert_allclose(opencv_gaussian_kernel(3).numpy(),
                               [0.25, 0.5, 0.25])
    sigma = 0.3 * ((11 - 1) * 0.5 - 1) + 0.8
    gauss = np.exp(-np.arange(-5, 6)**2 / (2 * sigma**2))
    np.testing.assert_allclose(opencv_gaussian_kernel(11).numpy(),
                               gauss / gauss.sum(), rtol=1e-5)
    # a unit impulse blurs into the outer product of the kernel
    impulse = torch.zeros(1, 1, 9, 9)
    impulse[0, 0, 4, 4] = 1.
    blurred = blurred_windows(torch.tensor([[[4, 4]]]), impulse, 3)[0, 0]
    np.testing.assert_allclose(blurred[1:4, 1:4].numpy(),
                               np.outer([.25, .5, .25], [.25, .5, .25]))
    assert blurred[0].abs().max() == 0 and blurred[:, 4].abs().max() == 0
    with pytest.raises(ValueError, match='odd and >= 3'):
        opencv_gaussian_kernel(4)


@pytest.mark.parametrize('kernel', [3, 11])
def test_blurred_windows_are_opencvs_blur(kernel):
    """The 5 x 5 windows equal OpenCV's blur of the whole map on a zero
    border (mmpose's ``gaussian_blur`` before its rescaling), read around
    each point, borders included."""
    rng = np.random.default_rng(kernel)
    maps = rng.normal(size=(2, 3, 20, 16)).astype(np.float32)
    points = rng.integers(2, [14, 18], (2, 3, 2))
    points[0, 0] = (2, 2)
    points[1, 2] = (13, 17)
    windows = blurred_windows(torch.from_numpy(points),
                              torch.from_numpy(maps), kernel).numpy()
    pad = kernel // 2
    for n, k in np.ndindex(2, 3):
        full = cv2.GaussianBlur(np.pad(maps[n, k], pad), (kernel, kernel),
                                0)[pad:-pad, pad:-pad]
        x, y = points[n, k]
        np.testing.assert_allclose(windows[n, k],
                                   full[y - 2:y + 3, x - 2:x + 3],
                                   rtol=1e-5, atol=1e-6)


def test_peak_without_positive_blur_keeps_its_cell():
    """A positive spike in a negative map: its blurred value is negative,
    so there is no log-peak to refine; the integer position is kept."""
    maps = -torch.ones(1, 1, 12, 12)
    maps[0, 0, 6, 5] = 0.5
    refined = refine_keypoints_dark_torch(torch.tensor([[[5, 6]]]), maps, 3)
    np.testing.assert_array_equal(refined[0, 0].numpy(), [5., 6.])


def test_dark_finds_a_gaussian_centre():
    """A sampled Gaussian (sigma 2 cells) centred at (10.3, 7.6): DARK with
    blur 3 finds the centre within 0.05 cells."""
    rows, columns = np.mgrid[:24, :24]
    maps = np.exp(-((columns - 10.3)**2 + (rows - 7.6)**2) / 8.)
    maps = torch.from_numpy(maps[None, None].astype(np.float32))
    refined = refine_keypoints_dark_torch(torch.tensor([[[10, 8]]]), maps, 3)
    np.testing.assert_allclose(refined[0, 0].numpy(), [10.3, 7.6], atol=0.05)


def test_expectation_dark_decode():
    """The mean of the expected-interval coordinate and DARK + 0.5 (cell
    centre convention), in numpy and torch, mapped to input pixels by the
    codec."""
    maps = peaked_maps(1, (2, 4, 16, 16))
    logits = np.random.default_rng(2).normal(size=(2, 4, 8, 8)).astype(
        np.float32)
    peaks, _ = argmax_2d(maps)
    expectation = peaks + decimal_expectation(logits) / 8
    dark = np.stack([
        refine_keypoints_dark(p[None].astype(np.float32), m.copy(), 3)[0]
        for p, m in zip(peaks, maps)
    ]) + 0.5
    expected = (expectation + dark) / 2
    coords, _ = decode_hih(maps, logits, False, 'expectation_dark')
    np.testing.assert_allclose(coords, expected, atol=1e-5)
    coords_t, _ = decode_hih_torch(torch.from_numpy(maps),
                                   torch.from_numpy(logits), False,
                                   'expectation_dark')
    np.testing.assert_allclose(coords_t.numpy(), expected, atol=1e-4)
    codec = HIHLabel(input_size=64, heatmap_size=16, mask_decimal=False,
                     decimal_decode='expectation_dark')
    keypoints, _ = codec.decode(maps[:1], logits[:1])
    np.testing.assert_allclose(keypoints, expected[:1] * 4 - 0.5, atol=1e-4)
    with pytest.raises(ValueError, match='blur_kernel_size'):
        HIHLabel(decimal_decode='expectation_dark', blur_kernel_size=2)
