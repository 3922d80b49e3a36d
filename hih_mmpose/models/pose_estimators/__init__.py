# Copyright (c) hih_mmpose contributors. All rights reserved.
from .upright_topdown_estimator import UprightTopdownPoseEstimator

__all__ = ['UprightTopdownPoseEstimator']
