# Copyright (c) hih_mmpose contributors. All rights reserved.
import os
import os.path as osp
from typing import Dict

import cv2
import numpy as np
from tqdm import tqdm

from .coco_layout import face_annotation, write_coco
from .landmark_schemes import WFLW_TO_300W, WFLW_TO_COFW
from .synthetic_faces import render_face

#: annotation file (relative to the data root) per scheme and split
SYNTHETIC_ANN_FILES = {
    'wflw': 'annotations/face_landmarks_synthetic_{split}.json',
    '300w': 'annotations/face_landmarks_synthetic68_{split}.json',
    'cofw': 'annotations/face_landmarks_synthetic29_{split}.json',
}


def generate_synthetic_dataset(data_root: str,
                               num_train: int = 2000,
                               num_test: int = 200,
                               image_size: int = 192,
                               seed: int = 0,
                               show_progress: bool = True) -> Dict[str, str]:
    """Render synthetic faces into mmpose's face-dataset layout.

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

    Returns:
        dict: ``'<scheme>_<split>'`` -> annotation file path.
    """
    written = {}
    for split_index, (split, count) in enumerate(
        (('train', num_train), ('test', num_test))):
        if count < 1:
            raise ValueError(f'{split} split needs at least one face, got '
                             f'{count}')
        rng = np.random.default_rng([seed, split_index])
        os.makedirs(osp.join(data_root, 'images', split), exist_ok=True)
        images, landmarks = [], []
        for index in tqdm(range(count), desc=f'synthetic {split} faces',
                          disable=not show_progress, mininterval=2):
            image, points = render_face(rng, image_size)
            file_name = f'{split}/{index:06d}.png'
            cv2.imwrite(osp.join(data_root, 'images', file_name), image)
            images.append(dict(id=index, file_name=file_name,
                               height=image_size, width=image_size))
            landmarks.append(points)
        for scheme, indices in (('wflw', slice(None)), ('300w', WFLW_TO_300W),
                                ('cofw', WFLW_TO_COFW)):
            annotations = [
                face_annotation(index, index, points[indices])
                for index, points in enumerate(landmarks)
            ]
            path = osp.join(data_root,
                            SYNTHETIC_ANN_FILES[scheme].format(split=split))
            write_coco(path, images, annotations)
            written[f'{scheme}_{split}'] = path
    return written
