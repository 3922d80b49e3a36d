# Copyright (c) hih_mmpose contributors. All rights reserved.
from .annotation_check import (AnnotationError, check_dataset_config,
                               check_face_annotations, check_run_datasets,
                               faces_mmpose_leaves_out, report_left_out_faces)
from .bbox_rotation_from_detector import BBoxRotationFromDetector
from .coco_layout import face_annotation, write_coco
from .keypoint_occlusion import (COFWOcclusionDataset, GetKeypointOcclusion,
                                 WFLWOcclusionDataset)
from .label_noise import NOISE_GROUPS, NOISE_SIGMAS, add_label_noise
from .landmark_schemes import (KEYPOINT_SCHEMES, WFLW_TO_300W, WFLW_TO_COFW,
                               scheme_indices, wflw_to_300w, wflw_to_cofw)
from .synthetic_dataset import SYNTHETIC_ANN_FILES, generate_synthetic_dataset
from .synthetic_faces import face_template, render_face
from .transforms import RandomGaussianBlur, RandomOcclusion

__all__ = [
    'BBoxRotationFromDetector',
    'AnnotationError', 'check_dataset_config', 'check_face_annotations',
    'check_run_datasets', 'faces_mmpose_leaves_out', 'report_left_out_faces',
    'face_annotation', 'write_coco', 'WFLW_TO_300W',
    'WFLW_TO_COFW', 'KEYPOINT_SCHEMES', 'scheme_indices',
    'wflw_to_300w', 'wflw_to_cofw', 'SYNTHETIC_ANN_FILES',
    'generate_synthetic_dataset', 'face_template', 'render_face',
    'RandomGaussianBlur', 'RandomOcclusion', 'NOISE_GROUPS', 'NOISE_SIGMAS',
    'add_label_noise', 'GetKeypointOcclusion', 'WFLWOcclusionDataset',
    'COFWOcclusionDataset'
]
