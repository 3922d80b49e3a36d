# Copyright (c) hih_mmpose contributors. All rights reserved.
import os
import os.path as osp
import warnings
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.config import Config
from mmengine.logging import print_log

from ..datasets.landmark_schemes import scheme_indices
from ..deployment import (CropPredictor, optimize_for_inference,
                          resolve_runtime)
from ..models.detectors import build_face_detector
from ..utils import check_number, load_checkpoint_strictly
from ..utils.cpu_info import describe_cpu
from ..utils.cpu_load import LoadAdaptiveThreads, torch_threads
from ..utils.image_io import ImageType, load_image
from ..utils.orientation_check import turned_rotation
from .landmark_predictors import (CropPredictorPath, Images, Predicted,
                                  TopdownPredictor)


def valid_boxes(boxes: np.ndarray) -> np.ndarray:
    """Rows of (N, 5) x1, y1, x2, y2, score boxes that are finite, have
    x2 > x1 and y2 > y1 and a score in [0, 1]."""
    finite = np.isfinite(boxes).all(axis=1)
    with np.errstate(invalid='ignore'):
        keep = finite & (boxes[:, 2] > boxes[:, 0]) & (
            boxes[:, 3] > boxes[:, 1]) & (boxes[:, 4] >= 0) & (
                boxes[:, 4] <= 1)
    return keep


#: Given boxes must have this share of their area inside the image ...
MIN_BOX_INSIDE = 0.1
#: ... and their longer side at most this many times the image's longer side
MAX_BOX_TO_IMAGE = 4.


def check_given_boxes(bboxes: object, image_shape: Tuple[int, ...]
                      ) -> np.ndarray:
    """Face boxes a caller gave, as (N, 4) float32 x1, y1, x2, y2 rows.

    The rule: (N, 4) rows, or one box as 4 numbers (a longer flat list is
    refused: its grouping is a guess); finite, x2 > x1 and y2 > y1; at least
    :data:`MIN_BOX_INSIDE` of each box's area inside the image (a face may
    be cut by the border, the crop is padded) and its longer side at most
    :data:`MAX_BOX_TO_IMAGE` times the image's longer side.

    Raises:
        TypeError: not numbers.
        ValueError: any other break of the rule, naming the box.
    """
    try:
        boxes = np.asarray(bboxes, np.float32)
    except (TypeError, ValueError):
        raise TypeError('bboxes must be numbers, (N, 4) rows x1, y1, x2, '
                        f'y2; got {str(bboxes)[:80]}') from None
    if boxes.ndim == 1 and boxes.size not in (0, 4):
        raise ValueError(
            f'bboxes must be (N, 4) rows x1, y1, x2, y2, got a flat list of '
            f'{boxes.size} numbers: give one box as 4 numbers or several '
            'as rows')
    if boxes.size % 4 or boxes.ndim > 2 or (boxes.ndim == 2 and
                                            boxes.shape[1] != 4):
        raise ValueError('bboxes must be (N, 4) rows x1, y1, x2, y2, got '
                         f'shape {boxes.shape}')
    boxes = boxes.reshape(-1, 4)
    if not np.isfinite(boxes).all() or np.any(boxes[:, 2:] <= boxes[:, :2]):
        raise ValueError('bboxes must be finite x1, y1, x2, y2 rows with '
                         f'x2 > x1 and y2 > y1, got {boxes}')
    height, width = image_shape[:2]
    inside = (np.clip(boxes[:, 2], 0, width) - np.clip(boxes[:, 0], 0, width)
              ) * (np.clip(boxes[:, 3], 0, height) -
                   np.clip(boxes[:, 1], 0, height))
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    longer = (boxes[:, 2:] - boxes[:, :2]).max(1)
    for index in range(len(boxes)):
        if longer[index] > MAX_BOX_TO_IMAGE * max(height, width):
            raise ValueError(
                f'bbox {index} {boxes[index].tolist()} is '
                f'{longer[index] / max(height, width):.1f}x the {width} x '
                f'{height} image; a face box may be at most '
                f'{MAX_BOX_TO_IMAGE:g}x the image\'s longer side')
        if inside[index] < MIN_BOX_INSIDE * area[index]:
            raise ValueError(
                f'bbox {index} {boxes[index].tolist()} has '
                f'{inside[index] / area[index]:.0%} of its area inside the '
                f'{width} x {height} image; a face box needs at least '
                f'{MIN_BOX_INSIDE:.0%} (are the coordinates of another '
                'image, or x, y, w, h?)')
    return boxes


def check_angles(angles: Optional[np.ndarray], count: int) -> np.ndarray:
    """Crop rotations (degrees) given with ``count`` boxes as a float32
    (count, ) array; zeros for ``None``."""
    if angles is None:
        return np.zeros(count, np.float32)
    try:
        angles = np.asarray(angles, np.float32).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError('angles must be numbers, one per box (degrees); got '
                        f'{str(angles)[:80]}') from None
    if len(angles) != count or not np.isfinite(angles).all():
        raise ValueError(f'angles must be {count} finite numbers (degrees), '
                         f'one per box; got {angles}')
    return angles


#: ``FaceLandmarker(detector=dict(...))``: what picks the faces
DETECTOR_DEFAULTS = dict(
    model='blazeface',
    weights=None,
    bbox_thr=0.3,
    upright=True,
    min_roll=15.,
    orientation_check=True)
#: ``FaceLandmarker(runtime=dict(...))``: what runs the landmark network
RUNTIME_DEFAULTS = dict(
    backend='auto',
    precision='fp32',
    flip_test=None,
    fast=True,
    threads='auto',
    batch_size=32,
    int8_onnx=None,
    calib_images=64)
#: keyword arguments of releases before the grouped options -> their group
#: and key (they still work, with a ``DeprecationWarning``)
DEPRECATED_KEYWORDS = dict(
    detector_weights=('detector', 'weights'),
    bbox_thr=('detector', 'bbox_thr'),
    upright=('detector', 'upright'),
    min_roll=('detector', 'min_roll'),
    orientation_check=('detector', 'orientation_check'),
    **{
        key: ('runtime', key)
        for key in ('backend', 'precision', 'flip_test', 'fast', 'threads',
                    'int8_onnx', 'calib_images')
    })


def per_image(name: str, values: Optional[Sequence], count: int) -> list:
    """``bboxes`` / ``angles`` of a call with ``count`` images: ``None``
    for all, else a list or tuple of ``count`` entries (each ``None`` or
    that image's array)."""
    if values is None:
        return [None] * count
    if not isinstance(values, (list, tuple)) or len(values) != count:
        raise ValueError(
            f'with a list of {count} images, {name} must be a list of '
            f'{count} entries (None or the boxes of each image), got '
            f'{type(values).__name__}'
            + (f' of {len(values)}' if hasattr(values, '__len__') else ''))
    return list(values)


def grouped_options(detector: Union[str, dict, object],
                    runtime: Optional[dict],
                    deprecated: dict) -> Tuple[dict, dict]:
    """The complete ``detector`` and ``runtime`` dicts of a
    :class:`FaceLandmarker` from what its caller gave: unknown keys are an
    error, keywords of earlier releases are moved into their group with a
    ``DeprecationWarning``."""
    if isinstance(detector, dict):
        detector_cfg = dict(detector)
    else:
        detector_cfg = dict(model=detector)
    if runtime is not None and not isinstance(runtime, dict):
        raise TypeError(
            'runtime must be a dict of runtime options (backend, precision, '
            f'flip_test, ...), got {type(runtime).__name__} {runtime!r}; '
            'the detector weights go in detector=dict(weights=...)')
    runtime_cfg = dict(runtime or {})
    unknown = set(deprecated) - set(DEPRECATED_KEYWORDS)
    if unknown:
        raise TypeError('FaceLandmarker got unexpected keyword argument(s) '
                        f'{sorted(unknown)}')
    groups = dict(detector=detector_cfg, runtime=runtime_cfg)
    for key, value in deprecated.items():
        group, name = DEPRECATED_KEYWORDS[key]
        warnings.warn(
            f'FaceLandmarker({key}=...) is deprecated and will be removed '
            f'in a later release; use {group}=dict({name}=...)',
            DeprecationWarning, stacklevel=3)
        if name in groups[group]:
            raise TypeError(f'{name} given twice: as {key}=... and in '
                            f'{group}=dict(...)')
        groups[group][name] = value
    for cfg, defaults, group in ((detector_cfg, DETECTOR_DEFAULTS,
                                  'detector'),
                                 (runtime_cfg, RUNTIME_DEFAULTS, 'runtime')):
        unknown = set(cfg) - set(defaults)
        if unknown:
            raise ValueError(f'unknown {group} option(s) {sorted(unknown)}; '
                             f'{group}=dict(...) takes {sorted(defaults)}')
        for key, value in defaults.items():
            cfg.setdefault(key, value)
    return detector_cfg, runtime_cfg


class FaceLandmarker:
    """Image in, faces out: face detection + HIH landmarks in one call.

    Example (not run: needs a trained checkpoint)::

        landmarker = FaceLandmarker(
            'configs/hih_wflw.py', 'work_dirs/hih_wflw/best_NME_epoch_60.pth',
            runtime=dict(precision='auto'))
        faces = landmarker('face.jpg')  # [dict(bbox, keypoints, ...)]

    One object can serve several threads at once (a web server's pool):
    results equal those of the same calls made one at a time. The
    detectors serialise their native library's calls (MediaPipe, OpenCV,
    mmdet's inferencer keep state); the landmark network runs concurrently.

    Args:
        config (str | Config): HIH pose config (e.g.
            ``configs/hih_wflw.py``).
        checkpoint (str, optional): Its trained weights, loaded safely
            (tensors and plain data only). One made for another model
            (keypoint count, stacks, widths) or holding other objects
            raises :class:`CheckpointError`.
            Required unless ``random_weights=True``.
        detector (str | dict | object): The face detector: a name or
            config file (``model`` below), an object with
            ``detect_oriented(image)`` or ``detect(image)``
            (:func:`~hih_mmpose.models.detectors.build_face_detector`), or
            a dict of

            - ``model``: ``'blazeface'`` (MediaPipe's BlazeFace, shipped
              with mediapipe, no weights file), ``'haar'`` (OpenCV's
              cascade, the zero-dependency fallback), ``'whole_image'``
              (the image is one face crop), an mmdet detector config file
              or an object as above. Default ``'blazeface'``.
            - ``weights``: weights of a trained mmdet detector config.
            - ``bbox_thr``: minimum detection score. Default ``0.3``.
            - ``upright``: turn each crop so that the face is upright, from
              the eye keypoints of detectors that give them (BlazeFace,
              which also searches turned copies of an image where it finds
              nothing). Default ``True``.
            - ``min_roll``: with ``upright``, faces rolled less than this
              (degrees) are cropped as the detector boxes them, so that
              upright faces give exactly what they gave without ``upright``.
              Default ``15``.
            - ``orientation_check``: with ``upright``, let the landmark
              model choose the crop rotation of each detected face rolled
              by ``min_roll`` or more among the detector's angle and its
              quarter turns (:meth:`check_orientation`). Default ``True``.

            Defaults to ``'blazeface'``.
        runtime (dict, optional): How the landmark network runs:

            - ``backend``: ``'torch'``, ``'onnxruntime'``, ``'openvino'`` or
              ``'auto'``: PyTorch for ``precision='fp32'`` (the reference
              path; mmpose's top-down path with flip test or on a GPU),
              else the fastest installed backend that runs the precision
              (OpenVINO, then ONNX Runtime, then PyTorch). Default
              ``'auto'``.
            - ``precision``: ``'fp32'``, ``'bf16'``, ``'int8'`` (quantised,
              calibrated) or ``'auto'``: int8 on CPUs with int8 dot
              products (AVX-512 VNNI, AVX-VNNI, AMX) where an int8 model can
              be had, else bf16 on CPUs with native bfloat16, else fp32
              (docs/speed.md, docs/deployment.md). Default ``'fp32'``.
            - ``flip_test``: average with the mirrored face (PyTorch fp32
              only); ``None``: as the config says on PyTorch fp32, off
              otherwise. Default ``None``.
            - ``fast``: fold BatchNorm into the convolutions and run
              channels-last (:func:`optimize_for_inference`; same
              keypoints; the crop path of bf16 / int8 / no flip test always
              does). Default ``True``.
            - ``threads``: CPU threads of the landmark network, a number or
              ``'auto'``: each call runs on the cores that other processes
              left idle since the previous call
              (:class:`~hih_mmpose.utils.cpu_load.LoadAdaptiveThreads`,
              docs/speed.md, "Latency under load"). Default ``'auto'``.
            - ``batch_size``: faces run through the network at a time (the
              crops of one batch are made, run and dropped before the next),
              so that memory stays flat however many faces a call has.
              Default ``32``.
            - ``int8_onnx``: for int8, a quantised model from
              ``tools/deployment/export_onnx.py --int8`` (``.onnx``, or its
              OpenVINO ``.xml``), checked against the config and checkpoint
              (crop size, int8, the weights' stamp; a mismatch is an error:
              :mod:`~hih_mmpose.deployment.model_fingerprint`) and an error
              with another precision (a warning with ``'auto'``); without
              it the model is quantised on construction, calibrated on
              ``calib_images`` faces of the config's training set. Default
              ``None``.
            - ``calib_images``: see ``int8_onnx``. Default ``64``.

            The choice of backend and precision and its reason are logged
            and kept in ``backend_choice``. Defaults to ``None``: all
            defaults.
        device (str): ``'cpu'`` or ``'cuda:0'`` ... Defaults to ``'cpu'``.
        max_pixels (int, optional): Refuse images with more pixels
            (:func:`~hih_mmpose.utils.load_image`). Defaults to ``None``,
            ``hih_mmpose.utils.image_io.MAX_IMAGE_PIXELS`` (100 M).
        random_weights (bool): Run without a checkpoint, on untrained
            weights (speed tests); their landmarks are meaningless.
            Defaults to ``False``.
        trust_checkpoint (bool): Load ``checkpoint`` (and a detector's
            weights) with full unpickling, which can run code: only for a
            file you trust that the safe loader refuses (see
            :func:`~hih_mmpose.utils.load_checkpoint_file`).
            Defaults to ``False``.
        keypoint_scheme (str, optional): The landmarks returned:
            ``'wflw'`` (98), ``'300w'`` (68, iBUG order) or ``'cofw'``
            (29), selected from a WFLW model's 98 by
            :data:`~hih_mmpose.datasets.WFLW_TO_300W` /
            :data:`~hih_mmpose.datasets.WFLW_TO_COFW` (keypoints, scores and
            visibility alike); ``None``: the model's own. Detection,
            orientation and tracking always use the model's own landmarks.
            Defaults to ``None``.

    The keyword arguments of earlier releases (``detector_weights``,
    ``bbox_thr``, ``precision``, ``backend``, ...; see
    :data:`DEPRECATED_KEYWORDS`) still work and warn. Detector boxes that
    are not finite, have no area or a score outside [0, 1] are dropped with
    a warning.
    """

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: Optional[str] = None,
                 detector: Union[str, dict, object] = 'blazeface',
                 runtime: Optional[dict] = None,
                 device: str = 'cpu',
                 max_pixels: Optional[int] = None,
                 random_weights: bool = False,
                 trust_checkpoint: bool = False,
                 keypoint_scheme: Optional[str] = None,
                 **deprecated) -> None:
        from mmpose.apis import init_model
        detector_cfg, runtime_cfg = grouped_options(detector, runtime,
                                                    deprecated)
        if checkpoint is None and not random_weights:
            raise ValueError(
                'FaceLandmarker needs the trained weights of the config '
                '(checkpoint=...); untrained weights give meaningless '
                'landmarks (random_weights=True runs them anyway)')
        if checkpoint is not None and not osp.isfile(checkpoint):
            raise FileNotFoundError(f'checkpoint {checkpoint} not found')
        check_number('bbox_thr', detector_cfg['bbox_thr'], 0, 1)
        check_number('min_roll', detector_cfg['min_roll'], 0, 180)
        check_number('calib_images', runtime_cfg['calib_images'], 1,
                     integer=True)
        check_number('batch_size', runtime_cfg['batch_size'], 1,
                     integer=True)
        threads = runtime_cfg['threads']
        if threads != 'auto':
            check_number('threads', threads, 1, integer=True)
            cores = os.cpu_count() or 1
            if threads > cores:
                # oversubscribed OpenMP threads spin against each other
                raise ValueError(
                    f'threads={threads} exceeds the {cores} CPU cores of '
                    "this machine; give at most that, or 'auto'")
        self.model = init_model(config, None, device='cpu')
        if checkpoint is not None:
            # strict, and safe: a checkpoint of another model or one that
            # would run code when unpickled is an error
            loaded = load_checkpoint_strictly(self.model, checkpoint,
                                              trust=trust_checkpoint)
            meta = loaded.get('meta', {})
            if 'dataset_meta' in meta:
                self.model.dataset_meta = meta['dataset_meta']
        self.model.to(device)
        self.keypoint_scheme = keypoint_scheme
        self.scheme_indices = scheme_indices(
            int(self.model.dataset_meta['num_keypoints']), keypoint_scheme)
        int8_onnx = runtime_cfg['int8_onnx']
        train = self.model.cfg.train_dataloader.dataset
        self.backend_choice = resolve_runtime(
            runtime_cfg['backend'], runtime_cfg['precision'],
            runtime_cfg['flip_test'], device,
            config_flip_test=bool(self.model.test_cfg.get('flip_test')),
            int8_ready=int8_onnx is not None or osp.isfile(
                osp.join(train.get('data_root', ''),
                         train.get('ann_file', ''))))
        self.backend = self.backend_choice.backend
        self.precision = self.backend_choice.precision
        if int8_onnx is not None and self.precision != 'int8':
            message = (f'runtime int8_onnx={int8_onnx!r} is an int8 model, '
                       f'but the precision is {self.precision}')
            if runtime_cfg['precision'] != 'auto':
                raise ValueError(message + ": give precision='int8' or "
                                 'drop int8_onnx')
            warnings.warn(message + " ('auto' on this CPU); the file is "
                          'not used')
        print_log(f'FaceLandmarker: backend {self.backend}, precision '
                  f'{self.precision} ({self.backend_choice.reason}; CPU: '
                  f'{describe_cpu()})', logger='current')
        self.model.test_cfg['flip_test'] = self.backend_choice.flip_test
        self.detector_cfg = detector_cfg
        self.runtime_cfg = runtime_cfg
        self.max_pixels = max_pixels
        self.threads = threads
        self.batch_size = int(runtime_cfg['batch_size'])
        self.thread_monitor = LoadAdaptiveThreads() if (
            threads == 'auto' and device == 'cpu') else None
        self.predictor = self._build_predictor(device, int8_onnx,
                                               runtime_cfg['calib_images'])
        if runtime_cfg['fast']:
            optimize_for_inference(self.model)
        self.bbox_thr = detector_cfg['bbox_thr']
        self.upright = detector_cfg['upright']
        self.min_roll = detector_cfg['min_roll']
        self.orientation_check = detector_cfg['orientation_check']
        self.detector = build_face_detector(detector_cfg['model'],
                                            detector_cfg['weights'], device,
                                            trust_checkpoint)

    def _build_predictor(self, device: str, int8_onnx: Optional[str],
                         calib_images: int):
        """mmpose's top-down inference for PyTorch fp32 with flip test or
        on a GPU; else the crop path in the chosen backend and precision
        (a visibility head's output is part of the exported graph)."""
        if self.backend == 'torch' and self.precision == 'fp32' and (
                device != 'cpu' or self.model.test_cfg.get('flip_test')):
            return TopdownPredictor(self.model)
        calib = None
        if self.precision == 'int8' and int8_onnx is None:
            from ..deployment import calibration_crops
            calib = calibration_crops(self.model.cfg, calib_images)
        return CropPredictorPath(
            self.model,
            CropPredictor(self.model, self.precision,
                          int8_onnx if self.precision == 'int8' else None,
                          calib,
                          threads=None if self.threads == 'auto' else
                          self.threads,
                          backend=self.backend))

    def _predict(self,
                 image: Images,
                 bboxes: np.ndarray,
                 angles: Optional[np.ndarray],
                 check: Optional[np.ndarray] = None) -> Predicted:
        """The predictor's call on batches of ``batch_size`` faces (a
        checked face counts once; its turned crops run in its batch; one
        image for every box or a list of one image per box), with
        the CPU threads of ``threads``: keypoints (N, K, 2), scores (N, K),
        visibility (N, K) or ``None``, the chosen quarter turns (N, )."""
        bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
        if angles is not None:
            angles = np.asarray(angles, np.float32).reshape(-1)
        parts = []
        for start in range(0, len(bboxes), self.batch_size):
            batch = slice(start, start + self.batch_size)
            parts.append(
                self._run_batch(
                    image if isinstance(image, np.ndarray) else image[batch],
                    bboxes[batch],
                                None if angles is None else angles[batch],
                                None if check is None else check[batch]))
        keypoints, scores, visible, turns = (
            np.concatenate([part[i] for part in parts]) if
            parts[0][i] is not None else None for i in range(4))
        return keypoints, scores, visible, turns

    def _run_batch(self, image: Images, bboxes: np.ndarray,
                   angles: Optional[np.ndarray],
                   check: Optional[np.ndarray]) -> Predicted:
        """One batch through the predictor with the threads of
        ``threads``."""
        if self.thread_monitor is not None:
            with self.thread_monitor():
                return self.predictor(image, bboxes, angles, check)
        if isinstance(self.threads, int):
            with torch_threads(self.threads):
                return self.predictor(image, bboxes, angles, check)
        return self.predictor(image, bboxes, angles, check)

    def detect(self, image: np.ndarray) -> np.ndarray:
        """Face boxes (N, 5): x1, y1, x2, y2, score (BGR image in)."""
        return self.detect_faces(image)[0]

    def detect_faces(self,
                     image: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Face boxes and the crop rotations that make the faces upright.

        Args:
            image (np.ndarray): BGR uint8 image (H, W, 3).

        Returns:
            tuple: boxes (N, 5) x1, y1, x2, y2, score and angles (N, ) in
            degrees (0 without ``upright``, below ``min_roll`` or from a
            detector that gives no eye keypoints).
        """
        bboxes, scores, angles = self.detector.detect_oriented(image)
        bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
        scores = np.asarray(scores, np.float32).reshape(-1)
        boxes = np.column_stack([bboxes, scores]).astype(np.float32)
        boxes = boxes.reshape(-1, 5)
        angles = np.asarray(angles, np.float32).reshape(-1)
        if not self.upright:
            angles = np.zeros_like(angles)
        # nearly upright faces: the crop as boxed (no resampling)
        angles = np.where(np.abs(angles) < self.min_roll, 0.,
                          angles).astype(np.float32)
        keep = valid_boxes(boxes) & np.isfinite(angles)
        if not keep.all():
            warnings.warn(
                f'the detector returned {int((~keep).sum())} invalid '
                'box(es) (not finite, no area or a score outside [0, 1]); '
                'they are dropped: are its weights the right ones?')
        boxes, angles = boxes[keep], angles[keep]
        chosen = boxes[:, 4] >= self.bbox_thr
        return boxes[chosen].reshape(-1, 5), angles[chosen]

    def __call__(self,
                 image: Union[ImageType, Sequence[ImageType]],
                 bboxes: Optional[np.ndarray] = None,
                 angles: Optional[np.ndarray] = None
                 ) -> Union[List[Dict[str, np.ndarray]],
                            List[List[Dict[str, np.ndarray]]]]:
        """Detect the faces of one image, or of a list of images, and their
        landmarks.

        Args:
            image (str | np.ndarray | list): Path or BGR / gray / BGRA uint8
                array; or a list of them, whose faces run through the
                network together, in batches of ``batch_size`` faces across
                the images (the results equal those of one call per image).
            bboxes (np.ndarray, optional): Face boxes (N, 4) x1, y1, x2, y2
                to use instead of the detector (score 1), or one box as 4
                numbers. They may extend past the image border (the crop is
                padded with black, as mmpose's ``TopdownAffine`` does), but
                each needs 10 % of its area inside the image and a longer
                side of at most 4x the image's (:func:`check_given_boxes`).
                With a list of images: a list of as many (``None`` for an
                image whose faces the detector finds).
            angles (np.ndarray, optional): With ``bboxes``: the crop
                rotation of each box in degrees (N, ), mmpose's
                ``bbox_rotation`` (the crop's x axis points along
                ``(cos a, sin a)`` in the image: the eye line of the face).
                Defaults to upright boxes. With a list of images: a list of
                as many (or ``None``).

        Returns:
            list[dict]: one dict per face, ``bbox`` (4, ) xyxy,
            ``bbox_score`` float, ``bbox_angle`` float (the crop rotation,
            degrees), ``keypoint_visible`` (K, ) visibility probabilities
            (models with a visibility head, e.g.
            ``configs/hih_synthetic_wild_visibility.py``), ``keypoints``
            (K, 2) and
            ``keypoint_scores`` (K, ) in image pixels; empty if no face was
            found. Keypoints are not clipped to the image: those of a face
            cut by the border may lie outside it. With a list of images, a
            list of such lists, one per image.
        """
        if not isinstance(image, (list, tuple)):
            return self._call_images([image], [bboxes], [angles])[0]
        count = len(image)
        bboxes_list = per_image('bboxes', bboxes, count)
        angles_list = per_image('angles', angles, count)
        return self._call_images(list(image), bboxes_list, angles_list)

    def _call_images(self, images: List[ImageType],
                     bboxes_list: List[Optional[np.ndarray]],
                     angles_list: List[Optional[np.ndarray]]
                     ) -> List[List[Dict[str, np.ndarray]]]:
        """The faces of each image; all faces' crops share the batches."""
        loaded, boxes, angles, checks = [], [], [], []
        for image, bboxes, image_angles in zip(images, bboxes_list,
                                               angles_list):
            image = load_image(image, self.max_pixels)
            image_boxes, image_angles, check = self._faces_to_run(
                image, bboxes, image_angles)
            loaded.append(image)
            boxes.append(image_boxes)
            angles.append(image_angles)
            checks.append(check)
        counts = [len(b) for b in boxes]
        if not sum(counts):
            return [[] for _ in images]
        face_images = [image for image, count in zip(loaded, counts)
                       for _ in range(count)]
        all_boxes = np.concatenate(boxes)
        used, keypoints, scores, visible = self.check_orientation(
            face_images, all_boxes[:, :4], np.concatenate(angles),
            np.concatenate(checks))
        faces = [
            dict(bbox=box[:4], bbox_score=float(box[4]),
                 bbox_angle=float(angle), keypoints=kpts,
                 keypoint_scores=kpt_scores) for box, angle, kpts, kpt_scores
            in zip(all_boxes, used, keypoints, scores)
        ]
        if visible is not None:
            for face, face_visible in zip(faces, visible):
                face['keypoint_visible'] = face_visible
        self.to_scheme(faces)
        starts = np.cumsum([0] + counts)
        return [faces[a:b] for a, b in zip(starts[:-1], starts[1:])]

    def _faces_to_run(
        self, image: np.ndarray, bboxes: Optional[np.ndarray],
        angles: Optional[np.ndarray]
    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One loaded image's faces: boxes (N, 5) with scores, crop
        rotations (N, ) and the orientation-check marks (N, ) bool, from
        the detector or from the given boxes."""
        if angles is not None and bboxes is None:
            raise ValueError('angles are the rotations of given bboxes; '
                             'pass bboxes too')
        detected = bboxes is None
        if detected:
            boxes, angles = self.detect_faces(image)
        else:
            bboxes = check_given_boxes(bboxes, image.shape)
            boxes = np.column_stack([bboxes, np.ones(len(bboxes))])
            angles = check_angles(angles, len(boxes))
        # rolled faces found by the detector: the landmark model checks
        # their orientation; upright ones take the plain single pass
        check = (angles != 0) & (detected and self.upright
                                 and self.orientation_check)
        return (boxes.reshape(-1, 5).astype(np.float32),
                np.asarray(angles, np.float32).reshape(-1),
                np.asarray(check, bool).reshape(-1))

    def to_scheme(self, faces: List[Dict]) -> List[Dict]:
        """The faces with ``keypoints`` (K, 2), ``keypoint_scores`` (K, )
        and ``keypoint_visible`` (K, ) in ``keypoint_scheme`` (in place;
        unchanged for the model's own scheme)."""
        if self.scheme_indices is not None:
            for face in faces:
                for key in ('keypoints', 'keypoint_scores',
                            'keypoint_visible'):
                    if key in face:
                        face[key] = np.asarray(face[key])[
                            self.scheme_indices]
        return faces

    def check_orientation(
        self, image: Images, bboxes: np.ndarray, angles: np.ndarray,
        check: np.ndarray
    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, Optional[np.ndarray]]:
        """Landmarks of the faces, those marked ``check`` at the crop
        rotation the landmark model prefers among their angle and its three
        other quarter turns.

        The check of :mod:`~hih_mmpose.utils.orientation_check`, the one
        ``UprightTopdownPoseEstimator`` runs for ``MMPoseInferencer``: a
        checked face's crop also runs turned by 1-3 quarter turns (exact
        ``rot90``, same batch) and the turn with the highest mean keypoint
        score is kept (measured in docs/inference.md, "Faces at any roll");
        without a checked face it is the plain single pass.

        Args:
            image (np.ndarray | list): BGR uint8 image (H, W, 3), or a
                list of one such image per box.
            bboxes (np.ndarray): Face boxes (N, 4).
            angles (np.ndarray): Their crop rotations (N, ), degrees.
            check (np.ndarray): Which faces to check (N, ), bool.

        Returns:
            tuple: the rotations used (N, ), and the keypoints (N, K, 2),
            scores (N, K) and visibility (N, K) or ``None`` of the faces
            cropped so.
        """
        keypoints, scores, visible, turns = self._predict(
            image, bboxes, angles, check)
        return turned_rotation(angles, turns), keypoints, scores, visible

    def landmarks(self,
                  image: np.ndarray,
                  bboxes: np.ndarray,
                  angles: Optional[np.ndarray] = None
                  ) -> Tuple[np.ndarray, np.ndarray]:
        """Landmarks of the faces in given boxes of a loaded image.

        Args:
            image (np.ndarray): BGR uint8 image (H, W, 3).
            bboxes (np.ndarray): Valid face boxes (N, 4) x1, y1, x2, y2.
            angles (np.ndarray, optional): Crop rotations (N, ) in degrees.
                Defaults to upright crops.

        Returns:
            tuple: keypoints (N, K, 2) and scores (N, K) in image pixels.
        """
        return self._predict(image, bboxes, angles)[:2]
