# Copyright (c) hih_mmpose contributors. All rights reserved.
from itertools import zip_longest
from typing import Optional

import numpy as np
import torch
from mmengine.structures import PixelData
from torch import Tensor

from mmpose.models.pose_estimators import TopdownPoseEstimator
from mmpose.registry import MODELS
from mmpose.utils.typing import InstanceList, PixelDataList, SampleList

from ...utils.crop_transforms import crop_to_image, unturn_crop_keypoints
from ...utils.orientation_check import choose_turns, turn_plan


@MODELS.register_module()
class UprightTopdownPoseEstimator(TopdownPoseEstimator):
    """mmpose's ``TopdownPoseEstimator`` for crops turned upright.

    ``TopdownAffine`` turns a crop by a sample's ``bbox_rotation`` (degrees,
    about the box centre), but ``TopdownPoseEstimator`` maps the predicted
    keypoints back to the image as if it had not. This estimator maps them
    back through the exact inverse of the turned warp
    (:func:`~hih_mmpose.utils.crop_to_image`) when the packed sample carries
    a non-zero ``bbox_rotation`` (``PackPoseInputs`` with
    ``'bbox_rotation'`` among its ``meta_keys``), and otherwise exactly as
    ``TopdownPoseEstimator`` does. Training is unchanged.

    Samples marked ``orientation_check`` (by
    :class:`~hih_mmpose.datasets.BBoxRotationFromDetector`: a face turned
    by a detector's eye line, which is unreliable far from upright) are
    also run at the crop's three other quarter turns (``torch.rot90`` of the
    square crop, in the same batch), each turn's keypoints are turned back
    exactly (:func:`~hih_mmpose.utils.crop_transforms.unturn_crop_keypoints`)
    and the turn with the highest mean keypoint score is kept
    (:mod:`~hih_mmpose.utils.orientation_check`, shared with
    ``FaceLandmarker``'s crop path); the sample's metainfo ``crop_turns``
    says which (0-3 counter-clockwise quarter turns). Arguments are
    ``TopdownPoseEstimator``'s.
    """

    def predict(self, inputs: Tensor, data_samples: SampleList) -> SampleList:
        """mmpose's top-down prediction, with the orientation check of the
        samples marked for it.

        Args:
            inputs (Tensor): Crops (N, C, H, W).
            data_samples (list[PoseDataSample]): Their data samples.

        Returns:
            list[PoseDataSample]: ``data_samples`` with ``pred_instances``
            (keypoints in image pixels) and ``pred_fields`` where the head
            gives them.
        """
        owner, turns = turn_plan(
            [s.metainfo.get('orientation_check', False) for s in data_samples],
            square=inputs.shape[-1] == inputs.shape[-2])
        if len(owner) == len(data_samples):
            return super().predict(inputs, data_samples)
        turned_inputs = torch.stack([
            torch.rot90(inputs[index], int(turn), dims=(-2, -1))
            for index, turn in zip(owner, turns)
        ])
        turned_samples = []
        for index, turn in zip(owner, turns):
            sample = data_samples[index].clone()
            sample.set_metainfo(dict(crop_turns=int(turn)))
            turned_samples.append(sample)
        results = super().predict(turned_inputs, turned_samples)
        means = [
            float(np.mean(result.pred_instances.keypoint_scores))
            for result in results
        ]
        for sample, chosen in zip(data_samples,
                                  choose_turns(owner, means,
                                               len(data_samples))):
            best = results[chosen]
            sample.pred_instances = best.pred_instances
            if 'pred_fields' in best:
                sample.pred_fields = best.pred_fields
            sample.set_metainfo(dict(crop_turns=best.metainfo['crop_turns']))
        return data_samples

    def add_pred_to_datasample(self, batch_pred_instances: InstanceList,
                               batch_pred_fields: Optional[PixelDataList],
                               batch_data_samples: SampleList) -> SampleList:
        """``TopdownPoseEstimator.add_pred_to_datasample``, the keypoints of
        turned crops mapped back through their turn (``crop_turns``) and
        rotation (``bbox_rotation``).

        Args:
            batch_pred_instances (list[InstanceData]): Keypoints (1, K, 2)
                in crop pixels and their scores.
            batch_pred_fields (list[PixelData], optional): Heatmaps.
            batch_data_samples (list[PoseDataSample]): The samples.

        Returns:
            list[PoseDataSample]: The samples with predictions, keypoints
            in image pixels.
        """
        crop_keypoints = []
        for instances, fields, sample in zip_longest(
                batch_pred_instances, batch_pred_fields or [],
                batch_data_samples):
            turns = sample.metainfo.get('crop_turns', 0)
            if turns:
                side = int(sample.metainfo['input_size'][0])
                instances.keypoints[..., :2] = unturn_crop_keypoints(
                    instances.keypoints[..., :2], turns, side)
                if fields is not None:
                    unturn_fields(fields, turns)
            crop_keypoints.append(instances.keypoints[..., :2].copy())
        results = super().add_pred_to_datasample(batch_pred_instances,
                                                 batch_pred_fields,
                                                 batch_data_samples)
        indices = self.test_cfg.get('output_keypoint_indices', None)
        for crop, sample in zip(crop_keypoints, results):
            rotation = sample.metainfo.get('bbox_rotation', None)
            if rotation is None or not np.any(np.asarray(rotation) != 0):
                continue
            # (a top-down sample is one instance: crop is (1, K, 2))
            meta = sample.metainfo
            image = crop_to_image(crop, np.reshape(meta['input_center'],
                                                   (1, 2)),
                                  np.reshape(meta['input_scale'], (1, 2)),
                                  np.asarray(meta['input_size']),
                                  np.reshape(rotation, (1, )))
            if indices is not None:
                image = image[:, indices]
            sample.pred_instances.keypoints[..., :2] = image
        return results


def unturn_fields(fields: PixelData, turns: int) -> None:
    """Turn the square maps (..., S, S) of a sample's ``pred_fields`` back
    by ``turns`` counter-clockwise quarter turns, in place."""
    for key, value in fields.all_items():
        if value.shape[-1] != value.shape[-2]:
            continue
        if isinstance(value, Tensor):
            fields.set_field(torch.rot90(value, -turns, dims=(-2, -1)), key)
        else:
            fields.set_field(np.rot90(value, -turns, axes=(-2, -1)).copy(),
                             key)
