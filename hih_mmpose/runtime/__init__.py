# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The standalone runtime: face landmarks from an exported HIH model with
numpy, OpenCV and ONNX Runtime or OpenVINO only (no torch, mmcv, mmengine,
mmpose or mmdet).

``tools/deployment/export_onnx.py CONFIG CHECKPOINT model.onnx`` writes the
model and ``model.json`` beside it; then::

    from hih_mmpose.runtime import Landmarker
    landmarker = Landmarker('model.onnx')          # BlazeFace detector
    faces = landmarker('photo.jpg')                # or a BGR array

or from a shell: ``python -m hih_mmpose.runtime model.onnx photo.jpg``.

One image goes through each module once: :mod:`.image_io` loads it,
:mod:`.detectors` find the faces and :mod:`.boxes` checks
their boxes, :mod:`.rotation` decides which way up each is cut,
:mod:`.crops` cuts the crops, :mod:`.sessions` runs them (opened by
:func:`.measured_choice.open_session`, which times the ways once where
'auto' leaves several), and
:mod:`.crops` maps the keypoints back. :mod:`.tracker` and
:mod:`.filters` follow faces through video.
"""
from .detectors import (DETECTOR_NAMES, BoxDetector, FaceDetector,
                        HaarDetector, WholeImageDetector, build_detector)
from .filters import AlignedFilter, EMAFilter, OneEuroFilter
from .image_io import ImageTooLargeError, load_image
from .landmarker import Landmarker
from .measured_choice import open_session
from .sessions import (ModelInfo, OnnxRuntimeSession, OpenVINOSession,
                       read_model_info)
from .tracker import FaceTracker

__all__ = [
    'Landmarker', 'FaceTracker', 'OneEuroFilter', 'EMAFilter',
    'AlignedFilter', 'FaceDetector', 'BoxDetector', 'HaarDetector',
    'WholeImageDetector', 'build_detector', 'DETECTOR_NAMES', 'ModelInfo',
    'OnnxRuntimeSession', 'OpenVINOSession', 'open_session',
    'read_model_info', 'load_image', 'ImageTooLargeError'
]
