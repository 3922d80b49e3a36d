# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The annotation noise model: zero mean, the documented standard
deviation per landmark group along and across each landmark's curve, and
training labels only."""
import json
import os.path as osp

import numpy as np
import pytest

from synthetic_world.label_noise import (NOISE_GROUPS, NOISE_SIGMAS,
                                              add_label_noise)
from synthetic_world import face_template, generate_synthetic_dataset
from synthetic_world.label_noise import curve_tangents


def frontal_face(scale: float = 100.) -> np.ndarray:
    return face_template()[:, :2] * scale + 200.


def test_groups_cover_every_landmark_once():
    indices = sorted(i for group in NOISE_GROUPS.values() for i in group)
    assert indices == list(range(98))
    assert set(NOISE_GROUPS) == set(NOISE_SIGMAS)


def test_tangents_follow_the_curves():
    face = frontal_face()
    tangents = curve_tangents(face)
    np.testing.assert_allclose(np.linalg.norm(tangents, axis=1), 1.)
    # the chin (contour point 16) runs horizontally, the bridge of the nose
    # vertically, the eye corners' tangents are vertical (closed lids)
    assert abs(tangents[16, 1]) < 1e-6
    assert abs(tangents[52, 0]) < 1e-6
    assert abs(tangents[60, 0]) < 0.2


def test_statistics_per_group_along_and_across():
    """20000 draws on a frontal face: per landmark the displacement along
    its tangent and its normal has mean 0 and the documented sigma (in %
    of the inter-ocular distance), so the contour moves 3x more along the
    jaw than across it."""
    face = frontal_face()
    iod = np.linalg.norm(face[60] - face[72])
    tangents = curve_tangents(face)
    normals = tangents[:, ::-1] * [-1., 1.]
    rng = np.random.default_rng(0)
    count = 20000
    moves = np.stack([add_label_noise(face, rng) - face
                      for _ in range(count)])
    along = (moves * tangents).sum(-1) / iod * 100  # % IOD
    across = (moves * normals).sum(-1) / iod * 100
    for group, indices in NOISE_GROUPS.items():
        sigma_t, sigma_n = NOISE_SIGMAS[group]
        for values, sigma in ((along[:, indices], sigma_t),
                              (across[:, indices], sigma_n)):
            # mean within 4 standard errors, sigma within 3 %
            assert np.all(np.abs(values.mean(0)) < 4 * sigma / count**0.5)
            np.testing.assert_allclose(values.std(0), sigma, rtol=0.03,
                                       err_msg=f'Failed case: "{group}"')
    assert NOISE_SIGMAS['contour'][0] > 2 * NOISE_SIGMAS['contour'][1]
    assert NOISE_SIGMAS['contour'][0] > NOISE_SIGMAS['eye_corners'][0]
    # scale multiplies every sigma; 0 is no noise
    np.testing.assert_array_equal(add_label_noise(face, rng, 0.), face)
    with pytest.raises(ValueError, match=r'\(98, 2\)'):
        add_label_noise(face[:68], rng)


def test_noise_on_training_labels_only(tmp_path):
    """The same images and test labels with and without label noise; only
    the training labels move."""
    roots = {}
    for name, noise in (('exact', 0.), ('noisy', 1.)):
        roots[name] = str(tmp_path / name)
        generate_synthetic_dataset(roots[name], num_train=3, num_test=2,
                                   image_size=128, seed=0,
                                   show_progress=False, label_noise=noise)

    def labels(root, split):
        path = osp.join(root, 'annotations',
                        f'face_landmarks_synthetic_{split}.json')
        with open(path) as f:
            return np.array([a['keypoints'] for a in
                             json.load(f)['annotations']])

    for split in ('train', 'test'):
        for index in range(2):
            name = f'{split}/{index:06d}.png'
            with open(osp.join(roots['exact'], 'images', name), 'rb') as a, \
                    open(osp.join(roots['noisy'], 'images', name), 'rb') as b:
                assert a.read() == b.read()
    np.testing.assert_array_equal(labels(roots['exact'], 'test'),
                                  labels(roots['noisy'], 'test'))
    moved = np.abs(labels(roots['exact'], 'train') -
                   labels(roots['noisy'], 'train'))
    assert 0.05 < moved.mean() < 3  # pixels, on 128 px faces
    with pytest.raises(ValueError, match='label_noise'):
        generate_synthetic_dataset(str(tmp_path / 'x'), 1, 1,
                                   show_progress=False, label_noise=-1)
