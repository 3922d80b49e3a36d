# Copyright (c) hih_mmpose contributors. All rights reserved.
from .decimal_accuracy import decimal_bin_accuracy
from .face_metrics import (NORM_GROUPS, auc, box_size, ced_curve,
                           failure_rate, group_distance, landmark_errors,
                           per_image_nme)

__all__ = [
    'NORM_GROUPS', 'auc', 'box_size', 'ced_curve', 'failure_rate',
    'group_distance', 'landmark_errors', 'per_image_nme',
    'decimal_bin_accuracy'
]
