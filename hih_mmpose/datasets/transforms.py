# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The two augmentations of the published HIH training that mmpose lacks
without albumentations: Gaussian blur and a random-colour occluding
rectangle. Both change pixels only, never keypoints."""
from typing import Dict, Optional

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomGaussianBlur(BaseTransform):
    """Blur the image with a Gaussian of random sigma.

    Required keys: ``img``. Modified keys: ``img``.

    Args:
        prob (float): Probability of blurring. Defaults to ``0.3``.
        max_sigma (float): Sigma is drawn from U(0, max_sigma) pixels.
            Defaults to ``5.0`` (the published PIL radius range).
    """

    def __init__(self, prob: float = 0.3, max_sigma: float = 5.) -> None:
        super().__init__()
        if not 0 <= prob <= 1 or max_sigma < 0:
            raise ValueError(f'{self.__class__.__name__}: need 0 <= prob <= '
                             f'1 and max_sigma >= 0, got {prob}, {max_sigma}')
        self.prob = prob
        self.max_sigma = max_sigma

    def transform(self, results: Dict) -> Optional[Dict]:
        if np.random.rand() < self.prob:
            sigma = np.random.uniform(0, self.max_sigma)
            if sigma > 0.1:
                results['img'] = cv2.GaussianBlur(results['img'], (0, 0),
                                                  sigma)
        return results


@TRANSFORMS.register_module()
class RandomOcclusion(BaseTransform):
    """Paint one rectangle of a random constant colour over the image.

    Its sides are ``int(max_size * U(0, 1) * side)`` of the image, at a
    random position (the published HIH occlusion). Keypoints stay labelled
    and visible, so the model learns to infer occluded landmarks.

    Required keys: ``img``. Modified keys: ``img``.

    Args:
        prob (float): Probability of occluding. Defaults to ``0.5``.
        max_size (float): Largest side as a fraction of the image side.
            Defaults to ``0.4``.
    """

    def __init__(self, prob: float = 0.5, max_size: float = 0.4) -> None:
        super().__init__()
        if not 0 <= prob <= 1 or not 0 <= max_size <= 1:
            raise ValueError(f'{self.__class__.__name__}: need prob and '
                             f'max_size in [0, 1], got {prob}, {max_size}')
        self.prob = prob
        self.max_size = max_size

    def transform(self, results: Dict) -> Optional[Dict]:
        if np.random.rand() >= self.prob:
            return results
        image = results['img']
        height, width = image.shape[:2]
        box_h = int(self.max_size * np.random.rand() * height)
        box_w = int(self.max_size * np.random.rand() * width)
        top = np.random.randint(0, height - box_h + 1)
        left = np.random.randint(0, width - box_w + 1)
        image = image.copy()
        colour = np.random.randint(0, 256, size=image.shape[2:])
        image[top:top + box_h, left:left + box_w] = colour
        results['img'] = image
        return results
