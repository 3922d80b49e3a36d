# Copyright (c) hih_mmpose contributors. All rights reserved.
"""What configs name beyond mmpose's datasets: transforms and the occlusion
datasets. :mod:`.landmark_schemes` maps WFLW's 98 landmarks to 300W's and
COFW's (the annotation check of ``tools/train.py`` and ``tools/test.py``
uses it)."""
from .keypoint_occlusion import (COFWOcclusionDataset, GetKeypointOcclusion,
                                 WFLWOcclusionDataset)
from .transforms import RandomGaussianBlur, RandomOcclusion

__all__ = [
    'RandomGaussianBlur', 'RandomOcclusion', 'GetKeypointOcclusion',
    'WFLWOcclusionDataset', 'COFWOcclusionDataset'
]
