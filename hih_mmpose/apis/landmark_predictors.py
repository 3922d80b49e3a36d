# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The two ways a :class:`FaceLandmarker` turns (image, face boxes) into
landmarks; it picks one at construction.

- :class:`TopdownPredictor`: mmpose's ``inference_topdown`` (flip test as
  the config says, any device).
- :class:`CropPredictorPath`: the config's test pipeline makes the crops,
  a :class:`~hih_mmpose.deployment.CropPredictor` runs them in fp32, bf16
  or int8 on the CPU (no flip test), and the keypoints are mapped back to
  the image.
"""
from typing import Tuple

import numpy as np
from torch import nn

from ..deployment import CropPredictor
from ..utils.crop_transforms import crop_to_image


class TopdownPredictor:
    """Landmarks through mmpose's ``inference_topdown``.

    Args:
        model (nn.Module): A ``TopdownPoseEstimator`` (eval mode).

    Call: ``predictor(image, bboxes)`` with a BGR uint8 image (H, W, 3) and
    boxes (N, 4) x1, y1, x2, y2 returns keypoints (N, K, 2) and scores
    (N, K) in image pixels.
    """

    def __init__(self, model: nn.Module) -> None:
        self.model = model

    def __call__(self, image: np.ndarray,
                 bboxes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        from mmpose.apis import inference_topdown
        samples = inference_topdown(self.model, image, bboxes=bboxes,
                                    bbox_format='xyxy')
        return (np.stack([s.pred_instances.keypoints[0] for s in samples]),
                np.stack([s.pred_instances.keypoint_scores[0]
                          for s in samples]))


class CropPredictorPath:
    """Landmarks through the test pipeline's crops and a
    :class:`~hih_mmpose.deployment.CropPredictor`.

    Args:
        model (nn.Module): A ``TopdownPoseEstimator`` with an HIH head (its
            config's test pipeline and ``dataset_meta`` are used).
        crop_predictor (CropPredictor): Runs the crops.

    Call: as :class:`TopdownPredictor`.
    """

    def __init__(self, model: nn.Module,
                 crop_predictor: CropPredictor) -> None:
        from mmengine.dataset import Compose
        self.pipeline = Compose(model.cfg.test_dataloader.dataset.pipeline)
        self.dataset_meta = model.dataset_meta
        self.crop_predictor = crop_predictor

    def __call__(self, image: np.ndarray,
                 bboxes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        crops, centers, scales = [], [], []
        for box in bboxes:
            info = dict(img=image, bbox=box[None].astype(np.float32),
                        bbox_score=np.ones(1, np.float32))
            info.update(self.dataset_meta)
            packed = self.pipeline(info)
            meta = packed['data_samples'].metainfo
            crops.append(packed['inputs'].numpy())
            centers.append(meta['input_center'])
            scales.append(meta['input_scale'])
        keypoints, scores = self.crop_predictor(
            np.stack(crops).astype(np.float32))
        keypoints = crop_to_image(
            keypoints, np.asarray(centers, np.float32),
            np.asarray(scales, np.float32),
            np.asarray(meta['input_size'], np.float32))
        return keypoints.astype(np.float32), scores
