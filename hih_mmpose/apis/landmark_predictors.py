# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The two ways a :class:`FaceLandmarker` turns (image, face boxes, crop
rotations) into landmarks; it picks one at construction.

- :class:`TopdownPredictor`: mmpose's top-down inference (its test
  pipeline and ``test_step``, flip test as the config says, any device).
- :class:`CropPredictorPath`: the config's test pipeline makes the crops,
  a :class:`~hih_mmpose.deployment.CropPredictor` runs them in fp32, bf16
  or int8 on the CPU (no flip test), and the keypoints are mapped back to
  the image.

A face with a non-zero rotation is cropped through mmpose's own
``bbox_rotation`` (``TopdownAffine`` turns the crop about the box centre);
its keypoints are mapped back with the inverse of that warp
(:func:`~hih_mmpose.utils.crop_to_image`). A face without rotation goes
through exactly what ``mmpose.apis.inference_topdown`` does. Faces marked
``check`` go through the orientation check of
:mod:`~hih_mmpose.utils.orientation_check` (in
``UprightTopdownPoseEstimator`` on the first path, on the crops on the
second), so both paths choose the same turn.

Both are called as ``predictor(image, bboxes, angles=None, check=None)``
with a BGR uint8 image (H, W, 3) or a list of N such images, one per box
(the faces of several images in one batch), boxes (N, 4) x1, y1, x2, y2,
optional
crop rotations (N, ) in degrees and optional orientation-check marks (N, )
bool, and return keypoints (N, K, 2) and scores (N, K) in image pixels,
the visibility probabilities (N, K) of a model with a visibility head
(``None`` without one) and the quarter turns (N, ) chosen for each crop.
"""
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
from torch import nn

from ..deployment import CropPredictor
from ..models.pose_estimators import UprightTopdownPoseEstimator
from ..utils.crop_transforms import (crop_to_image, image_to_crop,
                                     unturn_crop_keypoints)
from ..utils.orientation_check import choose_turns, turn_plan

#: what a predictor returns: keypoints (N, K, 2), scores (N, K),
#: visibility (N, K) or None, quarter turns (N, )
Predicted = Tuple[np.ndarray, np.ndarray, Optional[np.ndarray], np.ndarray]
#: one image for every box, or one image per box
Images = Union[np.ndarray, Sequence[np.ndarray]]


def pipeline_inputs(image: Images,
                    bboxes: np.ndarray,
                    angles: Optional[np.ndarray],
                    dataset_meta: dict,
                    check: Optional[np.ndarray] = None) -> List[dict]:
    """The data infos mmpose's ``inference_topdown`` builds (image, one box
    (1, 4) xyxy, score 1, the dataset meta), plus ``bbox_rotation`` (1, ),
    the face's crop rotation in degrees, 0 included: the landmarker decides
    it, so the pipeline's ``BBoxRotationFromDetector`` leaves it alone (a
    zero rotation warps exactly as none), and ``orientation_check`` (bool)
    for ``UprightTopdownPoseEstimator``. ``image``: one image (H, W, 3)
    for every box, or a list of one image per box."""
    angles = np.zeros(len(bboxes)) if angles is None else np.asarray(
        angles, np.float64).reshape(-1)
    check = np.zeros(len(bboxes), bool) if check is None else np.asarray(
        check, bool).reshape(-1)
    images = ([image] * len(bboxes)
              if isinstance(image, np.ndarray) else list(image))
    if len(images) != len(bboxes):
        raise ValueError(f'{len(images)} images given for {len(bboxes)} '
                         'boxes; give one image, or one per box')
    infos = []
    for image, box, angle, marked in zip(images, bboxes, angles, check):
        info = dict(img=image, bbox=np.asarray(box, np.float32)[None, :4],
                    bbox_score=np.ones(1, np.float32),
                    bbox_rotation=np.array([angle], np.float32),
                    orientation_check=bool(marked))
        info.update(dataset_meta)
        infos.append(info)
    return infos


class TopdownPredictor:
    """Landmarks through mmpose's top-down test pipeline and ``test_step``.

    Args:
        model (nn.Module): A ``TopdownPoseEstimator`` (eval mode).

    Call: see the module docstring. The orientation check runs in
    ``UprightTopdownPoseEstimator``; mmpose's own estimator (configs of
    earlier releases) has none, and its marked faces run unchecked.
    """

    def __init__(self, model: nn.Module) -> None:
        from mmengine.dataset import Compose

        from ..models.heads import HIHVisibilityHead
        self.model = model
        self.pipeline = Compose(model.cfg.test_dataloader.dataset.pipeline)
        self.with_visibility = isinstance(model.head, HIHVisibilityHead)

    def __call__(self,
                 image: Images,
                 bboxes: np.ndarray,
                 angles: Optional[np.ndarray] = None,
                 check: Optional[np.ndarray] = None) -> Predicted:
        import torch
        from mmengine.dataset import pseudo_collate
        from mmengine.registry import init_default_scope
        init_default_scope(self.model.cfg.get('default_scope', 'mmpose'))
        packed = []
        for info in pipeline_inputs(image, bboxes, angles,
                                    self.model.dataset_meta, check):
            sample = self.pipeline(info)
            # (whether the config's PackPoseInputs keeps the key or not)
            sample['data_samples'].set_metainfo(
                dict(orientation_check=info['orientation_check']))
            packed.append(sample)
        batch = pseudo_collate(packed)
        with torch.no_grad():
            samples = self.model.test_step(batch)
        keypoints = np.stack(
            [s.pred_instances.keypoints[0] for s in samples])
        scores = np.stack(
            [s.pred_instances.keypoint_scores[0] for s in samples])
        visible = None
        # (mmpose copies the scores into keypoints_visible for heads that
        # predict no visibility)
        if self.with_visibility:
            visible = np.stack([
                s.pred_instances.keypoints_visible[0] for s in samples
            ]).astype(np.float32)
        if angles is not None and np.any(np.asarray(angles) != 0) and not (
                isinstance(self.model, UprightTopdownPoseEstimator)
                and 'bbox_rotation' in samples[0].metainfo):
            # mmpose's own estimator (configs of earlier releases) maps
            # back without the rotation: undo that map and apply the exact
            # inverse of the rotated warp
            centers = np.stack([s.metainfo['input_center'] for s in samples])
            scales = np.stack([s.metainfo['input_scale'] for s in samples])
            size = np.asarray(samples[0].metainfo['input_size'])
            crop = image_to_crop(keypoints, centers, scales, size)
            keypoints = crop_to_image(crop, centers, scales, size,
                                      np.asarray(angles).reshape(-1))
        turns = np.array([s.metainfo.get('crop_turns', 0) for s in samples],
                         np.int64)
        return keypoints.astype(np.float32), scores, visible, turns


class CropPredictorPath:
    """Landmarks through the test pipeline's crops and a
    :class:`~hih_mmpose.deployment.CropPredictor`.

    Args:
        model (nn.Module): A ``TopdownPoseEstimator`` with an HIH head (its
            config's test pipeline and ``dataset_meta`` are used).
        crop_predictor (CropPredictor): Runs the crops.

    Call: see the module docstring (the visibility of a model with a
    visibility head comes from the exported graph's ``visible`` output).
    """

    def __init__(self, model: nn.Module,
                 crop_predictor: CropPredictor) -> None:
        from mmengine.dataset import Compose
        self.pipeline = Compose(model.cfg.test_dataloader.dataset.pipeline)
        self.dataset_meta = model.dataset_meta
        self.crop_predictor = crop_predictor

    def __call__(self,
                 image: Images,
                 bboxes: np.ndarray,
                 angles: Optional[np.ndarray] = None,
                 check: Optional[np.ndarray] = None) -> Predicted:
        crops, centers, scales = [], [], []
        for info in pipeline_inputs(image, bboxes, angles,
                                    self.dataset_meta):
            packed = self.pipeline(info)
            meta = packed['data_samples'].metainfo
            crops.append(packed['inputs'].numpy())
            centers.append(meta['input_center'])
            scales.append(meta['input_scale'])
        crops = np.stack(crops).astype(np.float32)
        owner, turns = turn_plan(
            np.zeros(len(crops), bool) if check is None else check,
            square=crops.shape[-1] == crops.shape[-2])
        if len(owner) > len(crops):
            crops = np.stack([
                np.rot90(crops[index], turn, axes=(-2, -1))
                for index, turn in zip(owner, turns)
            ])
        outputs = self.crop_predictor(crops)
        keypoints, scores = outputs[:2]
        visible = outputs[2] if len(outputs) > 2 else None
        if len(owner) > len(centers):
            side = crops.shape[-1]
            keypoints = np.stack([
                unturn_crop_keypoints(points, turn, side)
                for points, turn in zip(keypoints, turns)
            ])
            chosen = choose_turns(owner, scores.mean(-1), len(centers))
            keypoints, scores, turns = (keypoints[chosen], scores[chosen],
                                        turns[chosen])
            visible = None if visible is None else visible[chosen]
        keypoints = crop_to_image(
            keypoints, np.asarray(centers, np.float32),
            np.asarray(scales, np.float32),
            np.asarray(meta['input_size'], np.float32),
            None if angles is None else np.asarray(angles).reshape(-1))
        return keypoints.astype(np.float32), scores, visible, turns
