# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Readers of the raw WFLW / 300W / COFW releases and writers of mmpose's
COCO-style layout (used by tools/dataset_converters)."""
from .cofw import convert_cofw, read_cofw_mat
from .crops import crop_center_scale, landmark_box, published_crop
from .face300w import SPLITS as FACE300W_SPLITS
from .face300w import convert_300w, read_pts
from .wflw import WFLW_ATTRIBUTES, convert_wflw, read_wflw_list

__all__ = [
    'convert_cofw', 'read_cofw_mat', 'crop_center_scale', 'landmark_box',
    'published_crop', 'FACE300W_SPLITS', 'convert_300w', 'read_pts',
    'WFLW_ATTRIBUTES', 'convert_wflw', 'read_wflw_list'
]
