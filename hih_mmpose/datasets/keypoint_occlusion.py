# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Per-landmark occlusion labels from COCO visibility, for a visibility
head (:class:`~hih_mmpose.models.heads.HIHVisibilityHead`): data sets that
keep each face's raw annotation, and the transform that reads the flags."""
from typing import Dict, Optional

import numpy as np
from mmcv.transforms import BaseTransform

from mmpose.datasets import COFWDataset, WFLWDataset
from mmpose.registry import DATASETS, TRANSFORMS


class _KeepRawAnnotation:
    """Keeps ``raw_ann_info`` in each data info, which mmpose's base COCO
    dataset does and its face data sets drop."""

    def parse_data_info(self, raw_data_info: dict) -> Optional[dict]:
        info = super().parse_data_info(raw_data_info)
        if info is not None:
            info['raw_ann_info'] = raw_data_info['raw_ann_info']
        return info


@DATASETS.register_module()
class WFLWOcclusionDataset(_KeepRawAnnotation, WFLWDataset):
    """mmpose's ``WFLWDataset`` keeping the raw annotation (its COCO
    visibility flags) for :class:`GetKeypointOcclusion`."""


@DATASETS.register_module()
class COFWOcclusionDataset(_KeepRawAnnotation, COFWDataset):
    """mmpose's ``COFWDataset`` keeping the raw annotation (its COCO
    visibility flags) for :class:`GetKeypointOcclusion`."""


@TRANSFORMS.register_module()
class GetKeypointOcclusion(BaseTransform):
    """Occlusion labels of the instance's landmarks from its raw COCO
    annotation: visibility 1 (labelled, occluded) -> 1, 2 (visible) -> 0.

    mmpose's datasets fold visibility 1 and 2 into ``keypoints_visible =
    1`` (both are trained as landmarks), so the flag is read from
    ``raw_ann_info`` (kept by :class:`WFLWOcclusionDataset` /
    :class:`COFWOcclusionDataset`; without it every weight is 0). Put the
    transform after ``RandomFlip``: a flipped sample's labels are reordered
    with ``flip_indices`` as its keypoints were.

    Sets ``keypoint_occlusion`` (1, K) float32 and
    ``keypoint_occlusion_weights`` (1, K) float32: 1 for labelled landmarks
    (visibility >= 1) of a set that flags occlusion, 0 otherwise, so that a
    set without occlusion labels (``labelled=False``: WFLW, 300W, whose
    visibility is 2 everywhere) trains the visibility head with weight 0.

    Args:
        labelled (bool): Whether the data set flags occluded landmarks
            (the wild synthetic set, COCO-converted COFW). Defaults to
            ``True``.
    """

    def __init__(self, labelled: bool = True) -> None:
        super().__init__()
        self.labelled = labelled

    def transform(self, results: Dict) -> Optional[dict]:
        num_keypoints = results['keypoints'].shape[1]
        raw = results.get('raw_ann_info') or {}
        visibility = np.asarray(raw.get('keypoints', []),
                                np.float32).reshape(-1, 3)[:, 2]
        if len(visibility) != num_keypoints:
            visibility = np.zeros(num_keypoints, np.float32)  # unknown
        if results.get('flip', False):
            if results.get('flip_direction', 'horizontal') != 'horizontal':
                raise ValueError('GetKeypointOcclusion follows horizontal '
                                 'flips only, got '
                                 f'{results["flip_direction"]!r}')
            visibility = visibility[results['flip_indices']]
        labelled = float(self.labelled) * (visibility >= 1)
        results['keypoint_occlusion'] = (visibility == 1).astype(
            np.float32)[None]
        results['keypoint_occlusion_weights'] = labelled.astype(
            np.float32)[None]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(labelled={self.labelled})'
