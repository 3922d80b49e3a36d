# Copyright (c) hih_mmpose contributors. All rights reserved.
import json
import os
import os.path as osp
from typing import Dict, List

import cv2
import numpy as np
from tqdm import tqdm

from hih_mmpose.datasets.coco_layout import face_annotation, write_coco
from hih_mmpose.datasets.landmark_schemes import WFLW_TO_300W, WFLW_TO_COFW
from hih_mmpose.utils.output_folder import refuse_link
from .label_noise import add_label_noise
from .synthetic_faces import render_face
from .synthetic_wild import ATTRIBUTES, render_wild_face

PROFILES = ('easy', 'wild')

#: annotation file (relative to the data root) per scheme and split
SYNTHETIC_ANN_FILES = {
    'wflw': 'annotations/face_landmarks_synthetic_{split}.json',
    '300w': 'annotations/face_landmarks_synthetic68_{split}.json',
    'cofw': 'annotations/face_landmarks_synthetic29_{split}.json',
}

#: per-face pose and attributes of the wild profile
WILD_ATTRIBUTE_FILE = 'annotations/face_attributes_synthetic_{split}.json'


def generate_synthetic_dataset(data_root: str,
                               num_train: int = 2000,
                               num_test: int = 200,
                               image_size: int = 192,
                               seed: int = 0,
                               show_progress: bool = True,
                               label_noise: float = 0.,
                               profile: str = 'easy') -> Dict[str, str]:
    """Render synthetic faces into mmpose's face-dataset layout.

    Profiles: ``'easy'`` (:mod:`synthetic_faces`: mild poses, one face
    size; the quick start's set) and ``'wild'`` (:mod:`synthetic_wild`: any
    pose, self-occlusion, occluders with per-landmark occlusion flags, small
    and degraded faces). Wild annotations flag occluded landmarks with COCO
    visibility 1 (visible ones 2), and the test split also gets WFLW's six
    attribute subsets, ``face_landmarks_synthetic_test_<attribute>.json``,
    for ``FaceAlignmentMetric(subsets=...)``; each wild split's faces'
    pose (yaw, pitch, roll) and attributes are listed in
    ``WILD_ATTRIBUTE_FILE``.

    Writes ``images/{train,test}/NNNNNN.png`` and, per split, annotation
    files with the 98 WFLW landmarks (loadable by ``WFLWDataset``), the
    68-point 300W subset (``Face300WDataset``) and the 29-point COFW subset
    (``COFWDataset``); see ``SYNTHETIC_ANN_FILES``. Train and test faces
    come from independent random streams of ``seed``.

    Args:
        data_root (str): Output folder.
        num_train (int): Training faces. Defaults to ``2000``.
        num_test (int): Test faces. Defaults to ``200``.
        image_size (int): Image side in pixels. Defaults to ``192``.
        seed (int): Random seed. Defaults to ``0``.
        show_progress (bool): Show a progress bar. Defaults to ``True``.
        label_noise (float): Scale of the annotation noise added to the
            *training* labels (:func:`add_label_noise`; 1 is the documented
            model, 0 none); the images and the test labels are the same as
            without it. Defaults to ``0.``.
        profile (str): ``'easy'`` or ``'wild'``. Defaults to ``'easy'``.

    Returns:
        dict: ``'<scheme>_<split>'`` -> annotation file path.
    """
    if not label_noise >= 0:
        raise ValueError(f'label_noise must be >= 0, got {label_noise}')
    if profile not in PROFILES:
        raise ValueError(f'profile must be one of {PROFILES}, got '
                         f'{profile!r}')
    written = {}
    for split_index, (split, count) in enumerate(
        (('train', num_train), ('test', num_test))):
        if count < 1:
            raise ValueError(f'{split} split needs at least one face, got '
                             f'{count}')
        rng = np.random.default_rng([seed, split_index])
        # its own stream: the images do not depend on the noise
        noise_rng = np.random.default_rng([seed, split_index, 1])
        noisy = split == 'train' and label_noise > 0
        os.makedirs(osp.join(data_root, 'images', split), exist_ok=True)
        images, landmarks, flags, attributes = [], [], [], []
        for index in tqdm(range(count), desc=f'{profile} {split} faces',
                          disable=not show_progress, mininterval=2):
            if profile == 'wild':
                image, points, occluded, attrs = render_wild_face(
                    rng, image_size)
            else:
                image, points = render_face(rng, image_size)
                occluded, attrs = np.zeros(len(points), bool), {}
            flags.append(~occluded)
            attributes.append(attrs)
            if noisy:
                points = add_label_noise(points, noise_rng, label_noise)
            file_name = f'{split}/{index:06d}.png'
            path = osp.join(data_root, 'images', file_name)
            refuse_link(path)
            cv2.imwrite(path, image)
            images.append(dict(id=index, file_name=file_name,
                               height=image_size, width=image_size))
            landmarks.append(points)
        for scheme, indices in (('wflw', slice(None)), ('300w', WFLW_TO_300W),
                                ('cofw', WFLW_TO_COFW)):
            annotations = [
                face_annotation(index, index, points[indices],
                                visible[indices])
                for index, (points, visible) in enumerate(
                    zip(landmarks, flags))
            ]
            path = osp.join(data_root,
                            SYNTHETIC_ANN_FILES[scheme].format(split=split))
            write_coco(path, images, annotations)
            written[f'{scheme}_{split}'] = path
            if profile == 'wild' and split == 'test' and scheme == 'wflw':
                written.update(_write_subsets(path, images, annotations,
                                              attributes))
        if profile == 'wild':
            path = osp.join(data_root, WILD_ATTRIBUTE_FILE.format(split=split))
            _write_attributes(path, images, attributes)
            written[f'attributes_{split}'] = path
    return written


def _write_attributes(path: str, images: List[dict],
                      attributes: List[dict]) -> None:
    """Per wild face: its image, pose (yaw, pitch, roll in degrees), the
    six WFLW attributes and the occluders drawn, as a JSON list."""
    rows = []
    for image, attrs in zip(images, attributes):
        yaw, pitch, roll = (float(v) for v in attrs['pose'])
        row = dict(image_id=image['id'], file_name=image['file_name'],
                   yaw=yaw, pitch=pitch, roll=roll,
                   occluders=list(attrs['occluders']))
        row.update({name: bool(attrs[name]) for name in ATTRIBUTES})
        rows.append(row)
    refuse_link(path)
    with open(path, 'w') as f:
        json.dump(rows, f, indent=1)


def _write_subsets(path: str, images: List[dict], annotations: List[dict],
                   attributes: List[dict]) -> Dict[str, str]:
    """WFLW's attribute subset files beside the test annotation ``path``
    (``..._test_<attribute>.json``), as the WFLW converter writes them."""
    written = {}
    for attribute in ATTRIBUTES:
        chosen = [i for i, attrs in enumerate(attributes) if attrs[attribute]]
        subset = path[:-len('.json')] + f'_{attribute}.json'
        write_coco(subset, [images[i] for i in chosen],
                   [annotations[i] for i in chosen])
        written[f'wflw_test_{attribute}'] = subset
    return written
