# Copyright (c) hih_mmpose contributors. All rights reserved.
from typing import Dict, Optional

import numpy as np
from mmcv.transforms import BaseTransform

from mmpose.registry import TRANSFORMS

from ..utils.face_rotation_record import recorded_rotation


@TRANSFORMS.register_module()
class BBoxRotationFromDetector(BaseTransform):
    """Crop a detected face upright: set mmpose's ``bbox_rotation`` from
    the face detector's eye line.

    mmpose's top-down inference (``MMPoseInferencer``, ``inference_topdown``)
    hands the pose pipeline a detection's box only. The face detectors of
    ``configs/detectors/`` record the crop rotation of every face they find
    (:mod:`~hih_mmpose.utils.face_rotation_record`); this
    transform looks the sample's box up there (same image, same box) and,
    for a face rolled by ``min_roll`` or more, sets ``bbox_rotation``, which
    ``TopdownAffine`` turns the crop by and
    :class:`~hih_mmpose.models.UprightTopdownPoseEstimator` maps the
    keypoints back through. Anything else passes unchanged: samples that
    already have a ``bbox_rotation`` (datasets, ``FaceLandmarker``), boxes
    the detector did not find in this image (ground-truth boxes in
    evaluation, the whole-image box when nothing was found), nearly upright
    faces and faces from detectors that give no rotation.

    Use it with :class:`~hih_mmpose.models.UprightTopdownPoseEstimator` and
    ``'bbox_rotation'`` among ``PackPoseInputs``' ``meta_keys`` (as the
    configs do): mmpose's own ``TopdownPoseEstimator`` maps the keypoints of
    a turned crop back as if it were not turned.

    Required keys: ``img``, ``bbox``. Added keys: ``bbox_rotation`` (1, )
    degrees, ``orientation_check`` (bool).

    Args:
        min_roll (float): Faces rolled less than this (degrees) are cropped
            as boxed, so upright faces give exactly what they gave before
            (the models train with roll augmentation). Defaults to ``15``.
        orientation_check (bool): Mark the turned crops for the landmark
            model's orientation check (the estimator runs such a crop at
            its four quarter turns and keeps the landmarks with the highest
            mean score: a detector's eye keypoints are unreliable far from
            upright). Defaults to ``True``.
    """

    def __init__(self, min_roll: float = 15.,
                 orientation_check: bool = True) -> None:
        super().__init__()
        if not 0 <= min_roll <= 180:
            raise ValueError(f'{self.__class__.__name__}: min_roll must be '
                             f'in [0, 180] degrees, got {min_roll}')
        self.min_roll = min_roll
        self.orientation_check = orientation_check

    def transform(self, results: Dict) -> Optional[Dict]:
        if 'bbox_rotation' in results:
            return results
        rotation = recorded_rotation(results['img'], results['bbox'])
        if rotation is not None and abs(rotation) >= self.min_roll:
            results['bbox_rotation'] = np.array([rotation], np.float32)
            results['orientation_check'] = self.orientation_check
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(min_roll={self.min_roll}, '
                f'orientation_check={self.orientation_check})')
