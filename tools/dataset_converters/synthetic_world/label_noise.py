# Copyright (c) hih_mmpose contributors. All rights reserved.
"""A model of the annotation noise of face landmark sets, for training
labels of the synthetic faces.

Human annotators place a landmark on a well-defined corner (an eye or mouth
corner) much more consistently than on a point of a smooth curve (the jaw,
the eyebrows), and on a curve they disagree far more *along* it than across
it: where on the jawline "landmark 7" lies is a matter of convention, while
the jawline itself is visible. Studies of manual landmarking agree on that
order: eye landmarks vary least, jaw and eyebrow points most (Fagertun et
al., "3D facial landmarks: inter-operator variability of manual annotation",
BMC Medical Imaging 2014; Cummaudo et al., Int J Legal Med 2013: gonion and
zygion disperse most, the pupil and the eye and mouth corners least), and
face-alignment work traces the error of current models on WFLW and 300W to
this ambiguity along the contour (Xiang et al., "The Blessing and the Curse
of the Noise behind Facial Landmark Annotations", arXiv 2007.15269; Zhou et
al., "STAR Loss", CVPR 2023).

The model: each landmark is displaced by independent zero-mean Gaussians
along the tangent of its curve and along the normal, with standard
deviations given in % of the inter-ocular distance (outer eye corners) per
landmark group (:data:`NOISE_SIGMAS`). The sizes are ours, set to the order
of the sources above: about 1 % on corners and inner points, up to 3 %
along the contour. ``scale`` multiplies them all.
"""
from typing import Dict, List, Tuple

import numpy as np

#: (tangential, normal) standard deviation in % of the inter-ocular distance
NOISE_SIGMAS: Dict[str, Tuple[float, float]] = {
    'contour': (3.0, 1.0),
    'brows': (2.0, 1.0),
    'nose_bridge': (1.5, 0.8),
    'nostrils': (1.0, 0.8),
    'eye_corners': (0.8, 0.8),
    'eyelids': (1.2, 0.6),
    'mouth_corners': (1.0, 1.0),
    'lips': (1.5, 0.7),
    'pupils': (0.8, 0.8),
}

#: landmark group of each of WFLW's 98 points
NOISE_GROUPS: Dict[str, List[int]] = {
    'contour': list(range(33)),
    'brows': list(range(33, 51)),
    'nose_bridge': list(range(51, 55)),
    'nostrils': list(range(55, 60)),
    'eye_corners': [60, 64, 68, 72],
    'eyelids': [i for i in range(60, 76) if i not in (60, 64, 68, 72)],
    'mouth_corners': [76, 82, 88, 92],
    'lips': [i for i in range(76, 96) if i not in (76, 82, 88, 92)],
    'pupils': [96, 97],
}

# the curves the landmarks lie on: (indices in order, closed)
_CURVES = ((list(range(33)), False), (list(range(33, 42)), True),
           (list(range(42, 51)), True), (list(range(51, 55)), False),
           (list(range(55, 60)), False), (list(range(60, 68)), True),
           (list(range(68, 76)), True), (list(range(76, 88)), True),
           (list(range(88, 96)), True))


def landmark_sigmas(scale: float = 1.0) -> np.ndarray:
    """(98, 2) tangential and normal standard deviations, as fractions of
    the inter-ocular distance."""
    sigmas = np.zeros((98, 2))
    for group, indices in NOISE_GROUPS.items():
        sigmas[indices] = np.asarray(NOISE_SIGMAS[group]) / 100 * scale
    return sigmas


def curve_tangents(landmarks: np.ndarray) -> np.ndarray:
    """Unit tangent (98, 2) of each landmark's curve, from its neighbours
    on the curve (one-sided at the ends of open curves); the pupils, on
    no curve, get (1, 0)."""
    tangents = np.tile([1., 0.], (len(landmarks), 1))
    for indices, closed in _CURVES:
        points = landmarks[indices]
        if closed:
            after, before = np.roll(points, -1, 0), np.roll(points, 1, 0)
        else:
            after = np.concatenate([points[1:], points[-1:]])
            before = np.concatenate([points[:1], points[:-1]])
        direction = after - before
        length = np.linalg.norm(direction, axis=1, keepdims=True)
        tangents[indices] = np.where(length > 1e-9,
                                     direction / np.maximum(length, 1e-9),
                                     [1., 0.])
    return tangents


def add_label_noise(landmarks: np.ndarray, rng: np.random.Generator,
                    scale: float = 1.0) -> np.ndarray:
    """Annotation-like noise on one face's 98 WFLW landmarks.

    Args:
        landmarks (np.ndarray): Exact landmarks (98, 2) in pixels.
        rng (np.random.Generator): Random generator.
        scale (float): Multiplies every standard deviation. Defaults to
            ``1.0`` (:data:`NOISE_SIGMAS`).

    Returns:
        np.ndarray: Noisy landmarks (98, 2).
    """
    if landmarks.shape != (98, 2):
        raise ValueError(f'expected WFLW landmarks (98, 2), got shape '
                         f'{landmarks.shape}')
    iod = np.linalg.norm(landmarks[60] - landmarks[72])
    tangents = curve_tangents(landmarks)
    normals = tangents[:, ::-1] * [-1., 1.]
    sigmas = landmark_sigmas(scale) * iod
    draws = rng.standard_normal((98, 2)) * sigmas
    return landmarks + draws[:, :1] * tangents + draws[:, 1:] * normals
