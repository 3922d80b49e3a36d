# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The one face-detector protocol of the inference core, and the builder of
the detectors that implement it.

Every face detector that :class:`~hih_mmpose.apis.FaceLandmarker`, the
video tracker and the demo run is an :class:`OrientedFaceDetector`: one
method, ``detect_oriented(image) -> (bboxes, scores, angles)``, safe to call
from several threads at once. The detectors of this package implement it
(:class:`~.ImageFaceDetector` subclasses: BlazeFace, Haar; the whole-image
box; a trained mmdet detector through :class:`MMDetFaceDetector`), and
:func:`build_face_detector` turns a name, a config file or a user's object
into one, so that nothing downstream dispatches on the detector's kind.
"""
import os.path as osp
import threading
from typing import Optional, Protocol, Tuple, Union, runtime_checkable

import numpy as np

Detections = Tuple[np.ndarray, np.ndarray, np.ndarray]

#: the names :func:`build_face_detector` takes besides config files
DETECTOR_NAMES = ('blazeface', 'haar', 'whole_image')


@runtime_checkable
class OrientedFaceDetector(Protocol):
    """Image in; face boxes, their scores and crop rotations out.

    ``detect_oriented(image)`` takes a BGR uint8 image (H, W, 3) and returns
    ``bboxes`` (N, 4) x1, y1, x2, y2 in image pixels, ``scores`` (N, ) and
    ``angles`` (N, ), the crop rotation in degrees that makes each face
    upright (mmpose's ``bbox_rotation``; 0 from detectors that do not
    tell). Implementations are safe to call from several threads.
    """

    def detect_oriented(self, image: np.ndarray) -> Detections:
        ...


class WholeImageDetector:
    """The whole image as one face (score 1, upright): for images that are
    face crops already."""

    def detect_oriented(self, image: np.ndarray) -> Detections:
        height, width = image.shape[:2]
        return (np.array([[0, 0, width, height]], np.float32),
                np.ones(1, np.float32), np.zeros(1, np.float32))


class BoxOnlyDetector:
    """An object with ``detect(image) -> (bboxes (N, 4), scores (N, ))`` as
    an :class:`OrientedFaceDetector` (upright faces); its calls are
    serialised, as nothing says that it is thread-safe."""

    def __init__(self, detector) -> None:
        self.detector = detector
        self._lock = threading.Lock()

    def detect_oriented(self, image: np.ndarray) -> Detections:
        with self._lock:
            bboxes, scores = self.detector.detect(image)
        bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
        return (bboxes, np.asarray(scores, np.float32).reshape(-1),
                np.zeros(len(bboxes), np.float32))


class MMDetFaceDetector:
    """A trained mmdet detector (its config and weights, through mmdet's
    ``DetInferencer``) as an :class:`OrientedFaceDetector`: the boxes of
    ``label`` (upright faces). mmdet's inferencer keeps state between
    calls, so its calls are serialised (a lock).

    Args:
        inferencer (mmdet.apis.DetInferencer): The built inferencer.
        label (int): The face class. Defaults to ``0``.
    """

    def __init__(self, inferencer, label: int = 0) -> None:
        self.inferencer = inferencer
        self.label = label
        self._lock = threading.Lock()

    def detect_oriented(self, image: np.ndarray) -> Detections:
        with self._lock:
            instances = self.inferencer(
                image, return_datasamples=True)['predictions'][0]
        instances = instances.pred_instances.cpu().numpy()
        keep = instances.labels == self.label
        bboxes = np.asarray(instances.bboxes[keep], np.float32).reshape(-1, 4)
        return (bboxes, np.asarray(instances.scores[keep], np.float32),
                np.zeros(len(bboxes), np.float32))


def build_face_detector(detector: Union[str, OrientedFaceDetector],
                        detector_weights: Optional[str] = None,
                        device: str = 'cpu',
                        trust_checkpoint: bool = False
                        ) -> OrientedFaceDetector:
    """The :class:`OrientedFaceDetector` of a name, config or object.

    Args:
        detector (str | object): ``'blazeface'`` (MediaPipe's BlazeFace,
            shipped with mediapipe, no weights file), ``'haar'`` (OpenCV's
            cascade), ``'whole_image'`` (the image is one face crop), an
            mmdet detector config file (the weightless ones of
            ``configs/detectors/`` or a trained one with
            ``detector_weights``), or an object with ``detect_oriented`` or
            ``detect(image) -> (bboxes, scores)``.
        detector_weights (str, optional): Weights of a trained mmdet
            detector config, loaded safely (refused before reading if they
            could run code) unless ``trust_checkpoint``.
        device (str): Device of an mmdet detector. Defaults to ``'cpu'``.
        trust_checkpoint (bool): Load ``detector_weights`` with full
            unpickling. Defaults to ``False``.

    Returns:
        OrientedFaceDetector: The detector.
    """
    if not isinstance(detector, str):
        if isinstance(detector, OrientedFaceDetector):
            return detector
        if callable(getattr(detector, 'detect', None)):
            return BoxOnlyDetector(detector)
        raise TypeError(
            'detector must be a name, an mmdet config file or an object with '
            'detect_oriented(image) or detect(image); got '
            f'{type(detector).__name__}')
    if detector == 'blazeface':
        from .blazeface_detector import BlazeFaceDetector
        return BlazeFaceDetector()
    if detector == 'haar':
        from .haar_face_detector import HaarCascadeFaceDetector
        return HaarCascadeFaceDetector()
    if detector in ('whole_image', 'whole-image'):
        return WholeImageDetector()
    if not osp.isfile(detector):
        raise ValueError("detector must be 'blazeface', 'haar', "
                         "'whole_image' or an mmdet config file, got "
                         f'{detector!r}')
    from mmdet.registry import MODELS as MMDET_MODELS
    from mmengine.config import Config

    from ...utils import check_checkpoint_safe, checkpoint_loading
    from .image_face_detector import ImageFaceDetector
    model_cfg = Config.fromfile(detector).model
    detector_class = MMDET_MODELS.get(model_cfg.type)
    if detector_class is not None and issubclass(detector_class,
                                                 ImageFaceDetector):
        # runs without weights; built in mmdet's scope whatever the
        # caller's default scope (mmpose's after init_model)
        return MMDET_MODELS.build(dict(model_cfg, _scope_='mmdet'))
    if detector_weights is None:
        raise ValueError(
            f'detector {detector} is an mmdet config: give its '
            'trained weights (FaceLandmarker(detector=dict(model=..., '
            'weights=...))); an untrained detector returns meaningless '
            'boxes')
    if not osp.isfile(detector_weights):
        raise FileNotFoundError(
            f'detector weights {detector_weights} not found')
    from mmdet.apis import DetInferencer

    # the weights load safely too (refused before reading if they could
    # run code; mmdet's loader then reads them with the allow-list)
    if not trust_checkpoint:
        check_checkpoint_safe(detector_weights)
    with checkpoint_loading(trust_checkpoint):
        return MMDetFaceDetector(
            DetInferencer(
                model=detector, weights=detector_weights, device=device,
                show_progress=False))
