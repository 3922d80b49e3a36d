# Copyright (c) hih_mmpose contributors. All rights reserved.
"""COFW release (``COFW_{train,test}_color.mat``) -> mmpose layout.

A .mat file holds the images (``IsTr`` / ``IsT``, a cell array of HxW or
HxWx3 uint8), the landmarks (``phisTr`` / ``phisT``, N x 87: 29 x, 29 y, 29
occlusion flags, 1-based) and face boxes (``bboxesTr`` / ``bboxesT``,
N x 4: x, y, w, h). The release files are MATLAB v7.3 (HDF5, read with
h5py); older-format files are read with scipy. Occluded landmarks are
written with COCO flag 1, visible ones with 2.
"""
import os
import os.path as osp
from typing import Dict, List, Tuple

import cv2
import numpy as np

from hih_mmpose.runtime.image_io import check_image_pixels
from hih_mmpose.utils.output_folder import refuse_link
from hih_mmpose.datasets.coco_layout import face_annotation, write_coco
from converters.crops import crop_center_scale, landmark_box

KEYS = dict(train=('IsTr', 'phisTr', 'bboxesTr'),
            test=('IsT', 'phisT', 'bboxesT'))


def _read_hdf5(path: str, keys) -> Tuple[List[np.ndarray], np.ndarray]:
    import h5py
    with h5py.File(path, 'r') as f:
        images = []
        for index, ref in enumerate(np.array(f[keys[0]]).ravel()):
            shape = f[ref].shape  # stored transposed: (C,) W, H
            # the size from the file's header, before reading the pixels
            if len(shape) >= 2:
                check_image_pixels(shape[-2], shape[-1],
                                   f'{path}: image {index + 1}')
            images.append(np.array(f[ref]).T)
        return images, np.array(f[keys[1]]).T


def channels_last(image: np.ndarray, source: str) -> np.ndarray:
    """A COFW image as (H, W) or (H, W, C): an image stored channels
    first, (C, H, W) with C of 1 or 3, is transposed.

    Raises:
        ValueError: Another number of dimensions or of channels, naming the
            image and its shape.
    """
    if image.ndim == 3 and image.shape[-1] not in (1, 3) and \
            image.shape[0] in (1, 3):
        image = np.ascontiguousarray(image.transpose(1, 2, 0))
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3) or (image.ndim == 3
                                    and image.shape[-1] != 3):
        raise ValueError(f'{source}: expected a gray (H, W) or colour '
                         f'(H, W, 3) image, got shape {image.shape}')
    return image


def image_to_uint8(image: np.ndarray, source: str) -> np.ndarray:
    """A COFW image as uint8: uint8 as it is; float images in [0, 1]
    scaled by 255, float images in [0, 255] rounded.

    Raises:
        ValueError: For another type, non-finite values or values outside
            [0, 255].
    """
    if image.dtype == np.uint8:
        return image
    if image.dtype.kind not in 'fiu':
        raise ValueError(f'{source}: expected uint8 or float pixels, got '
                         f'{image.dtype}')
    values = image.astype(np.float64)
    if not np.isfinite(values).all():
        raise ValueError(f'{source}: non-finite pixel values')
    low, high = values.min(), values.max()
    if low < 0 or high > 255:
        raise ValueError(f'{source}: pixel values in [{low:g}, {high:g}], '
                         'expected [0, 1] (float) or [0, 255]')
    if image.dtype.kind == 'f' and high <= 1:
        values = values * 255
    return np.round(values).astype(np.uint8)


def read_cofw_mat(path: str,
                  split: str) -> Tuple[List[np.ndarray], np.ndarray]:
    """Images and (N, 87) landmark rows of a COFW .mat file.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it lacks the split's variables or they disagree.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'COFW file {path} does not exist')
    keys = KEYS[split]
    import h5py
    try:
        if h5py.is_hdf5(path):  # MATLAB v7.3
            images, phis = _read_hdf5(path, keys)
        else:
            from scipy.io import loadmat
            from scipy.io.matlab import MatReadError
            try:
                content = loadmat(path)
            except (MatReadError, ValueError, TypeError, OSError) as error:
                raise ValueError(f'{path} is not a MATLAB .mat file '
                                 f'({error})') from None
            images = [np.asarray(im) for im in content[keys[0]].ravel()]
            phis = np.asarray(content[keys[1]], np.float64)
    except KeyError as error:
        raise ValueError(f'{path} has no variable {error} of the COFW '
                         f'{split} split') from None
    if phis.ndim != 2 or phis.shape[1] != 87:
        raise ValueError(f'{path}: {keys[1]} must be N x 87 (29 x, 29 y, '
                         f'29 occlusion), got {phis.shape}')
    if len(images) != len(phis):
        raise ValueError(f'{path}: {len(images)} images but {len(phis)} '
                         'landmark rows')
    if not np.isfinite(phis).all():
        raise ValueError(f'{path}: non-finite landmark value')
    return images, phis


def convert_cofw(mat_file: str,
                 split: str,
                 data_root: str,
                 crop: str = 'mmpose') -> Dict[str, str]:
    """Write ``images/<split>/NNNNNN.png`` and ``annotations/cofw_<split>
    .json`` under ``data_root``.

    Args:
        mat_file (str): ``COFW_train_color.mat`` or ``COFW_test_color.mat``.
        split (str): ``'train'`` or ``'test'``.
        data_root (str): Output folder.
        crop (str): ``'mmpose'`` or ``'published'`` box. Defaults to
            ``'mmpose'``.

    Returns:
        dict: ``{split: annotation file}``.
    """
    if split not in KEYS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    images, phis = read_cofw_mat(mat_file, split)
    os.makedirs(osp.join(data_root, 'images', split), exist_ok=True)
    image_infos, annotations = [], []
    for index, (image, row) in enumerate(zip(images, phis)):
        source = f'{mat_file}: image {index + 1}'
        image = channels_last(np.asarray(image), source)
        if image.ndim >= 2:
            check_image_pixels(image.shape[1], image.shape[0], source)
        image = image_to_uint8(image, source)
        if image.ndim == 3:
            image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        file_name = f'{split}/{index + 1:06d}.png'
        path = osp.join(data_root, 'images', file_name)
        refuse_link(path)
        if not cv2.imwrite(path, image):
            raise OSError(f'could not write {path}')
        image_infos.append(dict(id=index, file_name=file_name,
                                width=image.shape[1], height=image.shape[0]))
        points = np.column_stack([row[:29], row[29:58]]) - 1
        visible = row[58:87] == 0
        box = landmark_box(points)
        annotation = face_annotation(index, index, points, visible, box=box)
        center, scale = crop_center_scale(box, crop, points)
        annotation.update(center=center.tolist(), scale=scale)
        if crop == 'published':  # COFWDataset reads the box, not center
            side = scale * 200
            annotation['bbox'] = [float(center[0] - side / 2),
                                  float(center[1] - side / 2), side, side]
        annotations.append(annotation)
    path = osp.join(data_root, 'annotations', f'cofw_{split}.json')
    write_coco(path, image_infos, annotations)
    return {split: path}
