# configs/detectors/blazeface.py with BlazeFace's own boxes (no
# box_calibration): for the synthetic faces, whose renders BlazeFace already
# boxes at their landmarks' extent, where the calibration fitted on photos
# moves the boxes off (docs/inference.md, "Detector boxes in the training
# convention").
_base_ = ['./blazeface.py']

model = dict(box_calibration=None)
