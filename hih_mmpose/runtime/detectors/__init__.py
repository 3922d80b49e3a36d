# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Face detectors of the runtime behind one protocol.

A face detector is any object with ``detect_oriented(image) -> (bboxes,
scores, angles)``: a BGR uint8 image (H, W, 3) in; boxes (N, 4) x1, y1, x2,
y2 in image pixels, scores (N, ) and the crop rotation (N, ) in degrees
that makes each face upright (0 from detectors that cannot tell) out, safe
to call from several threads. :func:`build_detector` makes one from a name
(``'blazeface'``, ``'haar'``, ``'whole_image'``), an object with
``detect(image) -> (bboxes, scores)`` or a plain callable of the same
signature. The boxes of BlazeFace and Haar are mapped to the box the
landmark models were trained on (:func:`~hih_mmpose.runtime.boxes.
calibrate_boxes`).
"""
from .base import (BoxDetector, CalibratedDetector, Detections, FaceDetector,
                   WholeImageDetector)
from .haar import HaarDetector

#: the detector names :func:`build_detector` takes
DETECTOR_NAMES = ('blazeface', 'haar', 'whole_image')


def build_detector(detector: object = 'blazeface') -> FaceDetector:
    """The :class:`FaceDetector` of a name or object.

    Args:
        detector (str | object): ``'blazeface'`` (MediaPipe's BlazeFace,
            shipped inside mediapipe 0.10.21, no weights file), ``'haar'``
            (OpenCV's cascade), ``'whole_image'``, an object with
            ``detect_oriented`` or ``detect``, or a callable
            ``image -> (bboxes, scores)``.

    Returns:
        FaceDetector: The detector.
    """
    if isinstance(detector, str):
        if detector == 'blazeface':
            from .blazeface import BlazeFaceDetector
            return BlazeFaceDetector()
        if detector == 'haar':
            return HaarDetector()
        if detector in ('whole_image', 'whole-image'):
            return WholeImageDetector()
        raise ValueError(f'detector must be one of {DETECTOR_NAMES} or an '
                         f'object, got {detector!r}')
    if isinstance(detector, FaceDetector):
        return detector
    if callable(getattr(detector, 'detect', None)):
        return BoxDetector(detector.detect)
    if callable(detector):
        return BoxDetector(detector)
    raise TypeError('detector must be a name, an object with '
                    'detect_oriented(image) or detect(image), or a callable '
                    'image -> (bboxes, scores); got '
                    f'{type(detector).__name__}')


__all__ = [
    'DETECTOR_NAMES', 'BoxDetector', 'CalibratedDetector', 'Detections',
    'FaceDetector', 'HaarDetector', 'WholeImageDetector', 'build_detector'
]
