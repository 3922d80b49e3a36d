# OpenCV's Haar cascade face detector as an mmdet model: no weights, no
# download. Use with MMPoseInferencer(det_model=<this file>, det_cat_ids=[0]).
_base_ = ['../_base_/face_detector_runtime.py']

model = dict(
    type='HaarCascadeFaceDetector',
    cascade='haarcascade_frontalface_default.xml',
    scale_factor=1.1,
    min_neighbors=5,
    min_size=(24, 24))
