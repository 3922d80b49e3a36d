# OpenCV's Haar cascade face detector as an mmdet model: no weights, no
# download. Use with MMPoseInferencer(det_model=<this file>, det_cat_ids=[0]).
# Its boxes are mapped to the landmarks' extent by the fitted
# HAAR_BOX_CALIBRATION (hih_mmpose/models/detectors/box_calibration.py);
# box_calibration=None gives the cascade's own.
_base_ = ['../_base_/face_detector_runtime.py']

model = dict(
    type='HaarCascadeFaceDetector',
    cascade='haarcascade_frontalface_default.xml',
    scale_factor=1.1,
    min_neighbors=5,
    min_size=(24, 24))
