# Copyright (c) hih_mmpose contributors. All rights reserved.
import os.path as osp
import warnings
from typing import Dict, List, Optional, Tuple, Union

import numpy as np
from mmengine.config import Config
from mmengine.logging import print_log

from ..deployment import (BACKENDS, PRECISIONS, BackendChoice,
                          CropPredictor, choose_backend,
                          optimize_for_inference)
from ..utils import (check_checkpoint_safe, check_number, checkpoint_loading,
                     load_checkpoint_strictly)
from ..utils.cpu_info import describe_cpu
from ..utils.cpu_load import LoadAdaptiveThreads, torch_threads
from ..utils.image_io import ImageType, load_image
from .landmark_predictors import CropPredictorPath, TopdownPredictor


def valid_boxes(boxes: np.ndarray) -> np.ndarray:
    """Rows of (N, 5) x1, y1, x2, y2, score boxes that are finite, have
    x2 > x1 and y2 > y1 and a score in [0, 1]."""
    finite = np.isfinite(boxes).all(axis=1)
    with np.errstate(invalid='ignore'):
        keep = finite & (boxes[:, 2] > boxes[:, 0]) & (
            boxes[:, 3] > boxes[:, 1]) & (boxes[:, 4] >= 0) & (
                boxes[:, 4] <= 1)
    return keep


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


class FaceLandmarker:
    """Image in, faces out: face detection + HIH landmarks in one call.

    Example (not run: needs a trained checkpoint)::

        landmarker = FaceLandmarker('configs/hih_wflw.py', 'hih_wflw.pth')
        faces = landmarker('face.jpg')  # [dict(bbox, keypoints, ...)]

    Args:
        config (str | Config): HIH pose config (e.g.
            ``configs/hih_wflw.py``).
        checkpoint (str, optional): Its trained weights, loaded safely
            (tensors and plain data only). One made for another model
            (keypoint count, stacks, widths) or holding other objects
            raises :class:`CheckpointError`.
            Required unless ``random_weights=True``.
        detector (str): ``'blazeface'`` (MediaPipe's BlazeFace, shipped
            with mediapipe, no weights file), ``'haar'`` (OpenCV's cascade,
            the zero-dependency fallback), ``'whole_image'`` (the image is
            one face crop) or an mmdet detector config file. Defaults to
            ``'blazeface'``.
        detector_weights (str, optional): Weights of an mmdet detector
            (required with a trained mmdet config; not with the configs of
            ``configs/detectors/blazeface.py`` / ``haar_face.py``).
        device (str): ``'cpu'`` or ``'cuda:0'`` ... Defaults to ``'cpu'``.
        bbox_thr (float): Minimum detection score. Defaults to ``0.3``.
        fast (bool): Fold BatchNorm into the convolutions and run
            channels-last (:func:`optimize_for_inference`; same keypoints,
            ~1.3x faster on CPU; the crop path of bf16 / int8 / no flip
            test always runs it). Defaults to ``True``.
        random_weights (bool): Run without a checkpoint, on untrained
            weights (speed tests); their landmarks are meaningless.
            Defaults to ``False``.
        precision (str): ``'fp32'``, ``'bf16'``, ``'int8'`` (quantised,
            calibrated) or ``'auto'``: int8 on CPUs with int8 dot products
            (AVX-512 VNNI, AVX-VNNI, AMX) where an int8 model can be had,
            else bf16 on CPUs with native bfloat16, else fp32 (measured
            speed and accuracy: docs/speed.md, docs/deployment.md).
            Defaults to ``'fp32'``.
        backend (str): ``'torch'``, ``'onnxruntime'``, ``'openvino'`` or
            ``'auto'``: PyTorch for ``precision='fp32'`` (the reference
            path; mmpose's top-down path with flip test or on a GPU), else
            the fastest installed backend that runs the precision
            (OpenVINO, then ONNX Runtime, then PyTorch). The choice and its
            reason are logged and kept in ``backend_choice``. Defaults to
            ``'auto'``.
        flip_test (bool, optional): Average with the mirrored face (two
            forward passes; PyTorch fp32 only). ``None``: as the config
            says with ``precision='fp32'`` on PyTorch or ``'auto'``
            backend, off otherwise. Defaults to ``None``.
        int8_onnx (str, optional): For int8, a quantised model from
            ``tools/deployment/export_onnx.py --int8`` (``.onnx``, or its
            OpenVINO ``.xml`` for OpenVINO); without it the model is
            quantised on construction, calibrated on ``calib_images`` faces
            of the config's training set.
        calib_images (int): See ``int8_onnx``. Defaults to ``64``.
        trust_checkpoint (bool): Load ``checkpoint`` with full unpickling,
            which can run code: only for a file you trust that the safe
            loader refuses (see
            :func:`~hih_mmpose.utils.load_checkpoint_file`).
            Defaults to ``False``.
        max_pixels (int, optional): Refuse images with more pixels
            (:func:`~hih_mmpose.utils.load_image`). Defaults to ``None``,
            ``hih_mmpose.utils.image_io.MAX_IMAGE_PIXELS`` (100 M).
        upright (bool): Turn each crop so that the face is upright, from
            the eye keypoints of detectors that give them (BlazeFace,
            which also searches turned copies of an image where it finds
            nothing); other detectors give no rotation. Defaults to
            ``True``.
        min_roll (float): With ``upright``, faces rolled less than this
            (degrees) are cropped as the detector boxes them, so that
            upright faces give exactly what they gave without ``upright``
            (the models train with roll augmentation). Defaults to ``15``.
        threads (int | str): CPU threads of the landmark network: a number,
            or ``'auto'``: PyTorch runs each call on the cores that other
            processes left idle since the previous call
            (:class:`~hih_mmpose.utils.cpu_load.LoadAdaptiveThreads`), so
            that a busy neighbour slows it in proportion instead of
            stalling its OpenMP threads (docs/speed.md, "Latency under
            load"); ONNX Runtime / OpenVINO use PyTorch's thread count and
            do not spin between calls. Defaults to ``'auto'``.
        orientation_check (bool): With ``upright``, let the landmark model
            choose the crop rotation of each detected face rolled by
            ``min_roll`` or more among the detector's angle and its quarter
            turns (:meth:`check_orientation`; four landmark passes for such
            a face, one for an upright face). Defaults to ``True``.

    Detector boxes that are not finite, have no area or a score outside
    [0, 1] are dropped with a warning.
    """

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: Optional[str] = None,
                 detector: str = 'blazeface',
                 detector_weights: Optional[str] = None,
                 device: str = 'cpu',
                 bbox_thr: float = 0.3,
                 fast: bool = True,
                 random_weights: bool = False,
                 precision: str = 'fp32',
                 backend: str = 'auto',
                 flip_test: Optional[bool] = None,
                 int8_onnx: Optional[str] = None,
                 calib_images: int = 64,
                 trust_checkpoint: bool = False,
                 max_pixels: Optional[int] = None,
                 upright: bool = True,
                 min_roll: float = 15.,
                 orientation_check: bool = True,
                 threads: Union[int, str] = 'auto') -> None:
        from mmpose.apis import init_model
        if checkpoint is None and not random_weights:
            raise ValueError(
                'FaceLandmarker needs the trained weights of the config '
                '(checkpoint=...); untrained weights give meaningless '
                'landmarks (random_weights=True runs them anyway)')
        if checkpoint is not None and not osp.isfile(checkpoint):
            raise FileNotFoundError(f'checkpoint {checkpoint} not found')
        if backend not in ('auto', ) + BACKENDS:
            raise ValueError(f"backend must be 'auto' or one of {BACKENDS}, "
                             f'got {backend!r}')
        if precision not in ('auto', ) + PRECISIONS:
            raise ValueError(f"precision must be 'auto' or one of "
                             f'{PRECISIONS}, got {precision!r}')
        if precision not in ('fp32', 'auto') and flip_test:
            raise ValueError(f'precision={precision!r} runs without flip '
                             'test; use fp32 for flip_test=True')
        if precision not in ('fp32', 'auto') and device != 'cpu':
            raise ValueError(f'precision={precision!r} runs on the CPU '
                             f'only, got device={device!r}')
        check_number('bbox_thr', bbox_thr, 0, 1)
        check_number('calib_images', calib_images, 1, integer=True)
        if threads != 'auto':
            check_number('threads', threads, 1, integer=True)
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
        self.backend_choice = self._choose_backend(
            backend, precision, device, flip_test, int8_onnx)
        self.backend = self.backend_choice.backend
        self.precision = self.backend_choice.precision
        print_log(f'FaceLandmarker: backend {self.backend}, precision '
                  f'{self.precision} ({self.backend_choice.reason}; CPU: '
                  f'{describe_cpu()})', logger='current')
        if flip_test is not None or self.backend != 'torch':
            self.model.test_cfg['flip_test'] = bool(
                flip_test) and self.backend == 'torch'
        self.max_pixels = max_pixels
        self.threads = threads
        self.thread_monitor = LoadAdaptiveThreads() if (
            threads == 'auto' and device == 'cpu') else None
        self.predictor = self._build_predictor(device, int8_onnx,
                                               calib_images)
        if fast:
            optimize_for_inference(self.model)
        self.bbox_thr = bbox_thr
        self.upright = upright
        check_number('min_roll', min_roll, 0, 180)
        self.min_roll = min_roll
        self.orientation_check = orientation_check
        self.detector_name = detector
        self.detector = build_face_detector(detector, detector_weights,
                                            device, trust_checkpoint)

    def _choose_backend(self, backend: str, precision: str, device: str,
                        flip_test: Optional[bool],
                        int8_onnx: Optional[str]) -> BackendChoice:
        """Resolve ``'auto'`` backend / precision (see the class doc)."""
        torch_fp32 = backend in ('auto', 'torch') and precision == 'fp32'
        needs_torch = None
        if device != 'cpu':
            needs_torch = f'device={device!r}'
        elif flip_test:
            needs_torch = 'flip test'
        elif flip_test is None and torch_fp32 and self.model.test_cfg.get(
                'flip_test'):
            needs_torch = "the config's flip test"
        train = self.model.cfg.train_dataloader.dataset
        int8_ready = int8_onnx is not None or osp.isfile(
            osp.join(train.get('data_root', ''), train.get('ann_file', '')))
        return choose_backend(backend, precision, int8_ready=int8_ready,
                              needs_torch=needs_torch)

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

    def _predict(
        self, image: np.ndarray, bboxes: np.ndarray,
        angles: Optional[np.ndarray]
    ) -> Tuple[np.ndarray, np.ndarray, Optional[np.ndarray]]:
        """The predictor's call with the CPU threads of ``threads``."""
        if self.thread_monitor is not None:
            with self.thread_monitor():
                return self.predictor(image, bboxes, angles)
        if isinstance(self.threads, int):
            with torch_threads(self.threads):
                return self.predictor(image, bboxes, angles)
        return self.predictor(image, bboxes, angles)

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
        from mmdet.apis import DetInferencer
        height, width = image.shape[:2]
        if self.detector is None:
            return (np.array([[0, 0, width, height, 1.]], np.float32),
                    np.zeros(1, np.float32))
        if hasattr(self.detector, 'detect_oriented'):
            # BlazeFace, Haar: detect_oriented(image) -> boxes, scores,
            # angles
            bboxes, scores, angles = self.detector.detect_oriented(image)
        elif not isinstance(self.detector, DetInferencer):
            # any object with detect(image) -> boxes, scores
            bboxes, scores = self.detector.detect(image)
            angles = np.zeros(len(bboxes), np.float32)
        else:
            instances = self.detector(
                image, return_datasamples=True)['predictions'][0]
            instances = instances.pred_instances.cpu().numpy()
            keep = instances.labels == 0
            bboxes, scores = instances.bboxes[keep], instances.scores[keep]
            angles = np.zeros(len(bboxes), np.float32)
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
                 image: ImageType,
                 bboxes: Optional[np.ndarray] = None,
                 angles: Optional[np.ndarray] = None
                 ) -> List[Dict[str, np.ndarray]]:
        """Detect the faces of one image and their landmarks.

        Args:
            image (str | np.ndarray): Path or BGR / gray / BGRA uint8 array.
            bboxes (np.ndarray, optional): Face boxes (N, 4) x1, y1, x2, y2
                to use instead of the detector (score 1). They may extend
                past the image border: the crop is padded with black, as
                mmpose's ``TopdownAffine`` does.
            angles (np.ndarray, optional): With ``bboxes``: the crop
                rotation of each box in degrees (N, ), mmpose's
                ``bbox_rotation`` (the crop's x axis points along
                ``(cos a, sin a)`` in the image: the eye line of the face).
                Defaults to upright boxes.

        Returns:
            list[dict]: one dict per face, ``bbox`` (4, ) xyxy,
            ``bbox_score`` float, ``bbox_angle`` float (the crop rotation,
            degrees), ``keypoint_visible`` (K, ) visibility probabilities
            (models with a visibility head, e.g.
            ``configs/hih_synthetic_wild_visibility.py``), ``keypoints``
            (K, 2) and
            ``keypoint_scores`` (K, ) in image pixels; empty if no face was
            found. Keypoints are not clipped to the image: those of a face
            cut by the border may lie outside it.
        """
        image = load_image(image, self.max_pixels)
        if angles is not None and bboxes is None:
            raise ValueError('angles are the rotations of given bboxes; '
                             'pass bboxes too')
        detected = bboxes is None
        if detected:
            boxes, angles = self.detect_faces(image)
        else:
            try:
                bboxes = np.asarray(bboxes, np.float32)
            except (TypeError, ValueError):
                raise TypeError('bboxes must be numbers, (N, 4) rows x1, '
                                f'y1, x2, y2; got {str(bboxes)[:80]}') \
                    from None
            if bboxes.size % 4 or bboxes.ndim > 2 or (bboxes.ndim == 2 and
                                                      bboxes.shape[1] != 4):
                raise ValueError('bboxes must be (N, 4) rows x1, y1, x2, y2,'
                                 f' got shape {bboxes.shape}')
            bboxes = bboxes.reshape(-1, 4)
            if not np.isfinite(bboxes).all() or np.any(
                    bboxes[:, 2:] <= bboxes[:, :2]):
                raise ValueError('bboxes must be finite x1, y1, x2, y2 rows '
                                 f'with x2 > x1 and y2 > y1, got {bboxes}')
            boxes = np.column_stack([bboxes, np.ones(len(bboxes))])
            angles = check_angles(angles, len(boxes))
        if not len(boxes):
            return []
        # rolled faces found by the detector: the landmark model checks
        # their orientation; upright ones take the plain single pass
        check = (angles != 0) & (detected and self.upright
                                 and self.orientation_check)
        angles, keypoints, scores, visible = self.check_orientation(
            image, boxes[:, :4], angles, check)
        faces = [
            dict(bbox=box[:4], bbox_score=float(box[4]),
                 bbox_angle=float(angle), keypoints=kpts,
                 keypoint_scores=kpt_scores) for box, angle, kpts, kpt_scores
            in zip(boxes, angles, keypoints, scores)
        ]
        if visible is not None:
            for face, face_visible in zip(faces, visible):
                face['keypoint_visible'] = face_visible
        return faces

    def check_orientation(
        self, image: np.ndarray, bboxes: np.ndarray, angles: np.ndarray,
        check: np.ndarray
    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, Optional[np.ndarray]]:
        """Landmarks of the faces, those marked ``check`` at the crop
        rotation the landmark model prefers among their angle and its three
        other quarter turns.

        A detector's eye keypoints are unreliable on faces far from upright:
        BlazeFace finds some upside-down faces as they are and places their
        eyes as if upright, and, searching turned copies of an image, can
        find a face in a copy where it lies sideways. A checked face is
        cropped at the four angles and the landmarks with the highest mean
        score are kept: a model trained on upright-ish faces scores a crop
        the right way up higher than one a quarter or half turn off
        (measured in docs/inference.md, "Faces at any roll"). All crops run
        as one batch; without a checked face it is the plain single pass.

        Args:
            image (np.ndarray): BGR uint8 image (H, W, 3).
            bboxes (np.ndarray): Face boxes (N, 4).
            angles (np.ndarray): Their crop rotations (N, ), degrees.
            check (np.ndarray): Which faces to check (N, ), bool.

        Returns:
            tuple: the rotations used (N, ), and the keypoints (N, K, 2),
            scores (N, K) and visibility (N, K) or ``None`` of the faces
            cropped so.
        """
        turns = np.where(check, 4, 1)
        owner = np.repeat(np.arange(len(angles)), turns)
        offsets = np.concatenate([90. * np.arange(n) for n in turns])
        candidates = np.where(
            offsets == 0, angles[owner],
            (angles[owner] + offsets + 180) % 360 - 180).astype(np.float32)
        keypoints, scores, visible = self._predict(image, bboxes[owner],
                                                   candidates)
        means = scores.mean(-1)
        first = np.concatenate([[0], np.cumsum(turns)[:-1]])
        chosen = np.array([
            start + means[start:start + n].argmax()
            for start, n in zip(first, turns)
        ], np.int64)
        return (candidates[chosen], keypoints[chosen], scores[chosen],
                None if visible is None else visible[chosen])

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


def build_face_detector(detector: str,
                        detector_weights: Optional[str] = None,
                        device: str = 'cpu',
                        trust_checkpoint: bool = False):
    """The face detector a :class:`FaceLandmarker` runs (``None`` for
    ``'whole_image'``); see its ``detector`` argument."""
    from mmdet.registry import MODELS as MMDET_MODELS

    from ..models.detectors import (BlazeFaceDetector,
                                    HaarCascadeFaceDetector,
                                    ImageFaceDetector)
    if detector == 'blazeface':
        return BlazeFaceDetector()
    if detector == 'haar':
        return HaarCascadeFaceDetector()
    if detector in ('whole_image', 'whole-image'):
        return None
    if not osp.isfile(detector):
        raise ValueError("detector must be 'blazeface', 'haar', "
                         "'whole_image' or an mmdet config file, got "
                         f'{detector!r}')
    from mmengine.config import Config
    model_cfg = Config.fromfile(detector).model
    detector_class = MMDET_MODELS.get(model_cfg.type)
    if detector_class is not None and issubclass(detector_class,
                                                 ImageFaceDetector):
        return MMDET_MODELS.build(model_cfg)  # runs without weights
    if detector_weights is None:
        raise ValueError(
            f'detector {detector} is an mmdet config: give its '
            'trained weights (detector_weights=...); an untrained '
            'detector returns meaningless boxes')
    if not osp.isfile(detector_weights):
        raise FileNotFoundError(
            f'detector weights {detector_weights} not found')
    from mmdet.apis import DetInferencer
    # the weights load safely too (refused before reading if they could
    # run code; mmdet's loader then reads them with the allow-list)
    if not trust_checkpoint:
        check_checkpoint_safe(detector_weights)
    with checkpoint_loading(trust_checkpoint):
        return DetInferencer(
            model=detector, weights=detector_weights, device=device,
            show_progress=False)
