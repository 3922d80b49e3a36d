# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Research analysis shared by ``tools/analysis_tools``: decoders compared
on the same maps, accuracy per precision, the decimal probe, landmarks of
detected faces by pose, detector boxes against the landmarks' extent."""
from .box_convention import box_agreement, extent_box, fit_box_calibration
from .decimal_probe import frozen_features, probe_accuracy
from .detected_faces import binned_nme, face_nme, match_face
from .decoder_ablation import (collect_maps, crop_nme, decoder_ablation,
                               format_ablation, keypoints_in_crop,
                               sample_truth)
from .model_loading import load_hih_checkpoint
from .precision_eval import (format_precision_report, keypoint_intervals,
                             precision_report)

__all__ = [
    'frozen_features', 'probe_accuracy', 'collect_maps', 'crop_nme',
    'decoder_ablation', 'format_ablation', 'keypoints_in_crop',
    'sample_truth', 'load_hih_checkpoint', 'format_precision_report',
    'keypoint_intervals', 'precision_report', 'binned_nme', 'face_nme',
    'match_face', 'box_agreement', 'extent_box', 'fit_box_calibration'
]
