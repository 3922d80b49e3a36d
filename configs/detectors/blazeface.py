# MediaPipe's BlazeFace (full range) face detector as an mmdet model: its
# model ships inside the mediapipe==0.10.21 wheel that tools/setup_env.sh
# installs, so it needs no weights file and no download. The default face
# detector of FaceLandmarker and the demo. Use with
# MMPoseInferencer(det_model=<this file>, det_cat_ids=[0]). Its boxes are
# mapped to the landmarks' extent, the box the landmark models are trained
# on, by the fitted BLAZEFACE_BOX_CALIBRATION of hih_mmpose/runtime/boxes.py
# (measured on held-out real faces: docs/inference.md); box_calibration=None
# gives BlazeFace's own. engine='auto' runs its models with OpenVINO where it
# is installed (the same detections as MediaPipe's graph, 2x faster),
# engine='mediapipe' with MediaPipe's graph.
_base_ = ['../_base_/face_detector_runtime.py']

model = dict(
    type='BlazeFaceDetector',
    model='full',
    score_thr=0.5,
    tile_fraction=0.6,
    min_tiled_side=360,
    tile_below=0.2,  # tiles only if the whole image gives no or small faces
    engine='auto')
