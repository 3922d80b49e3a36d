# Copyright (c) hih_mmpose contributors. All rights reserved.
from .decimal_accuracy import decimal_bin_accuracy
from .face_metrics import (NORM_GROUPS, auc, box_size, ced_curve,
                           failure_rate, group_distance, landmark_errors,
                           per_image_nme)
from .ranking import auroc
from .video_metrics import video_landmark_metrics

__all__ = [
    'NORM_GROUPS', 'auc', 'box_size', 'ced_curve', 'failure_rate',
    'group_distance', 'landmark_errors', 'per_image_nme',
    'video_landmark_metrics', 'auroc', 'decimal_bin_accuracy'
]
