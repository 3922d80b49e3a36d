# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Landmark schemes of the face datasets and mappings between them.

WFLW's 98 landmarks (indices as in the WFLW release and mmpose's
``wflw.py``; "left" is the image left):

====================  =========================================
0-32                  face contour, image-left temple -> chin (16) -> right
33-37 / 38-41         left eyebrow, upper edge outer -> inner, lower edge
                      inner -> outer
42-46 / 47-50         right eyebrow, upper edge inner -> outer, lower edge
                      outer -> inner
51-54                 nose bridge, top -> tip
55-59                 nose bottom, left -> right (57 centre)
60-67                 left eye: 60 outer corner, 61-63 upper lid, 64 inner
                      corner, 65-67 lower lid
68-75                 right eye: 68 inner corner, 69-71 upper lid, 72 outer
                      corner, 73-75 lower lid
76-87                 outer lips: 76 left corner, 77-81 upper lip, 82 right
                      corner, 83-87 lower lip
88-95                 inner lips: 88 left corner, 89-91 upper, 92 right
                      corner, 93-95 lower
96, 97                left and right pupil
====================  =========================================
"""
from typing import Optional, Sequence

import numpy as np

# Landmark groups whose centres define the normalising distance of NME, per
# dataset and mode: (group a, group b); a group of one index is that
# landmark.
NORM_GROUPS = {
    'wflw': {
        'inter_ocular': ([60], [72]),
        'inter_pupil': ([96], [97]),
    },
    '300w': {
        'inter_ocular': ([36], [45]),
        'inter_pupil': (list(range(36, 42)), list(range(42, 48))),
    },
    'cofw': {
        'inter_ocular': ([8], [9]),
        'inter_pupil': ([16], [17]),
    },
}


def group_distance(keypoints: np.ndarray, group_a: Sequence[int],
                   group_b: Sequence[int]) -> np.ndarray:
    """Distance between the centres of two landmark groups.

    Args:
        keypoints (np.ndarray): Keypoints in shape (N, K, 2).
        group_a (Sequence[int]): Indices of the first group.
        group_b (Sequence[int]): Indices of the second group.

    Returns:
        np.ndarray: Distances in shape (N, ).
    """
    centre_a = keypoints[:, list(group_a)].mean(axis=1)
    centre_b = keypoints[:, list(group_b)].mean(axis=1)
    return np.linalg.norm(centre_a - centre_b, axis=-1)

#: WFLW index of each of the 68 landmarks of the 300W (iBUG) scheme: every
#: second contour point, the upper eyebrow edges, nose, eye corners and two
#: points per eyelid, and all lip points.
WFLW_TO_300W = np.array(
    list(range(0, 33, 2)) +  # 0-16 contour
    [33, 34, 35, 36, 37, 42, 43, 44, 45, 46] +  # 17-26 eyebrows
    [51, 52, 53, 54, 55, 56, 57, 58, 59] +  # 27-35 nose
    [60, 61, 63, 64, 65, 67] +  # 36-41 left eye
    [68, 69, 71, 72, 73, 75] +  # 42-47 right eye
    list(range(76, 96)))  # 48-67 lips

#: WFLW index closest in meaning to each of COFW's 29 landmarks (eyebrow
#: corners and midpoints, eye corners and lids, pupils, nose wings, tip and
#: base, mouth corners and lip midpoints, chin).
WFLW_TO_COFW = np.array([
    33, 46, 37, 42, 35, 40, 44, 48,  # 0-7 eyebrows
    60, 72, 64, 68, 62, 66, 70, 74,  # 8-15 eyes
    96, 97,  # 16-17 pupils
    55, 59, 54, 57,  # 18-21 nose
    76, 82, 79, 90, 94, 85,  # 22-27 mouth
    16,  # 28 chin
])


#: ``keypoint_scheme`` names -> landmarks of the scheme and their WFLW
#: indices (``None``: WFLW itself)
KEYPOINT_SCHEMES = {
    'wflw': (98, None),
    '300w': (68, WFLW_TO_300W),
    'cofw': (29, WFLW_TO_COFW),
}


def scheme_indices(num_keypoints: int,
                   scheme: Optional[str]) -> Optional[np.ndarray]:
    """The indices that select a keypoint scheme from a model's landmarks.

    Args:
        num_keypoints (int): Landmarks the model predicts.
        scheme (str, optional): ``'wflw'`` (98), ``'300w'`` (68) or
            ``'cofw'`` (29); ``None``: the model's own.

    Returns:
        np.ndarray | None: indices (K', ) into the model's landmarks, or
        ``None`` where the model's own landmarks are the scheme.

    Raises:
        ValueError: an unknown scheme, or one the model's landmarks cannot
            give (only WFLW's 98 convert to 68 and 29).
    """
    if scheme is None:
        return None
    if scheme not in KEYPOINT_SCHEMES:
        raise ValueError(f'unknown keypoint_scheme {scheme!r}; choose from '
                         f'{sorted(KEYPOINT_SCHEMES)} or None (the '
                         "model's own)")
    count, indices = KEYPOINT_SCHEMES[scheme]
    if num_keypoints == count:
        return None
    if num_keypoints != 98:
        raise ValueError(
            f'keypoint_scheme {scheme!r} ({count} points) cannot be made '
            f'from a model of {num_keypoints} landmarks: only WFLW\'s 98 '
            'convert (to 68 and 29)')
    return indices


#: WFLW landmarks of the image-left and image-right eye (upright face)
WFLW_EYES = (list(range(60, 68)) + [96], list(range(68, 76)) + [97])


def eye_indices(num_keypoints: int):
    """Indices of the image-left and image-right eye's landmarks (of the
    upright face) in the WFLW (98), 300W (68) or COFW (29) scheme.

    Args:
        num_keypoints (int): Landmarks per face.

    Returns:
        tuple | None: ``(left, right)`` index lists, or ``None`` for
        another scheme.
    """
    scheme = {98: np.arange(98), 68: WFLW_TO_300W, 29: WFLW_TO_COFW}
    if num_keypoints not in scheme:
        return None
    wflw = scheme[num_keypoints]
    return tuple(
        [int(i) for i in np.flatnonzero(np.isin(wflw, eye))]
        for eye in WFLW_EYES)
