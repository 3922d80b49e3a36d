# Copyright (c) hih_mmpose contributors. All rights reserved.
from .face_alignment_metric import FaceAlignmentMetric

__all__ = ['FaceAlignmentMetric']
