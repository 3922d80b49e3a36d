# Copyright (c) hih_mmpose contributors. All rights reserved.
import os.path as osp
import warnings
from typing import Dict, List, Optional, Tuple, Union

import cv2
import numpy as np
from mmengine.config import Config

from ..utils import check_checkpoint_matches
from .fast_inference import optimize_for_inference

ImageType = Union[str, np.ndarray]


def load_image(image: ImageType) -> np.ndarray:
    """Read an image path or accept an array; return BGR uint8 (H, W, 3).

    The one image loader of the API and the demo. A file is read as OpenCV's
    ``imread`` reads colour images: the EXIF orientation of a phone photo
    is applied, 16-bit images are scaled to 8 bits, gray is made BGR and an
    alpha channel dropped. Arrays: gray (H, W) and BGRA (H, W, 4) are
    converted, uint16 is scaled to 8 bits the same way (``>> 8``).

    Raises:
        FileNotFoundError: For a path that does not exist.
        ValueError: For a file that is not a readable image or an array of
            another shape or type.
    """
    if isinstance(image, str):
        if not osp.isfile(image):
            raise FileNotFoundError(f'image {image} does not exist')
        array = cv2.imread(image, cv2.IMREAD_COLOR)
        if array is None:
            raise ValueError(f'{image} is not a readable image')
        return array
    image = np.asarray(image)
    if image.size == 0:
        raise ValueError(f'the image is empty (shape {image.shape})')
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    if image.dtype != np.uint8:
        raise ValueError(
            f'expected a uint8 or uint16 image, got {image.dtype}')
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    raise ValueError(f'expected an (H, W), (H, W, 3) or (H, W, 4) image, '
                     f'got shape {image.shape}')


def valid_boxes(boxes: np.ndarray) -> np.ndarray:
    """Rows of (N, 5) x1, y1, x2, y2, score boxes that are finite, have
    x2 > x1 and y2 > y1 and a score in [0, 1]."""
    finite = np.isfinite(boxes).all(axis=1)
    with np.errstate(invalid='ignore'):
        keep = finite & (boxes[:, 2] > boxes[:, 0]) & (
            boxes[:, 3] > boxes[:, 1]) & (boxes[:, 4] >= 0) & (
                boxes[:, 4] <= 1)
    return keep


class FaceLandmarker:
    """Image in, faces out: face detection + HIH landmarks in one call.

    Example (not run: needs a trained checkpoint)::

        landmarker = FaceLandmarker('configs/hih_wflw.py', 'hih_wflw.pth')
        faces = landmarker('face.jpg')  # [dict(bbox, keypoints, ...)]

    Args:
        config (str | Config): HIH pose config (e.g.
            ``configs/hih_wflw.py``).
        checkpoint (str, optional): Its trained weights (a trusted file:
            checkpoints are pickles). One made for another model (keypoint
            count, stacks, widths) raises :class:`CheckpointError`.
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
        precision (str): ``'fp32'``, ``'bf16'`` (PyTorch autocast on CPU)
            or ``'int8'`` (ONNX Runtime, quantised; see README "Low
            precision" for their measured speed and accuracy). Defaults to
            ``'fp32'``.
        flip_test (bool, optional): Average with the mirrored face (two
            forward passes). ``None``: as the config says in fp32, off in
            bf16 / int8 (which run without it). Defaults to ``None``.
        int8_onnx (str, optional): With ``precision='int8'``, a quantised
            model from ``tools/deployment/export_onnx.py --int8``; without
            it the model is quantised on construction, calibrated on
            ``calib_images`` faces of the config's training set.
        calib_images (int): See ``int8_onnx``. Defaults to ``64``.

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
                 flip_test: Optional[bool] = None,
                 int8_onnx: Optional[str] = None,
                 calib_images: int = 64) -> None:
        from mmengine.dataset import Compose
        from mmengine.runner.checkpoint import _load_checkpoint_to_model

        from mmpose.apis import init_model
        from .low_precision import PRECISIONS, CropPredictor
        if checkpoint is None and not random_weights:
            raise ValueError(
                'FaceLandmarker needs the trained weights of the config '
                '(checkpoint=...); untrained weights give meaningless '
                'landmarks (random_weights=True runs them anyway)')
        if checkpoint is not None and not osp.isfile(checkpoint):
            raise FileNotFoundError(f'checkpoint {checkpoint} not found')
        if precision not in PRECISIONS:
            raise ValueError(f'precision must be one of {PRECISIONS}, got '
                             f'{precision!r}')
        if precision != 'fp32' and flip_test:
            raise ValueError(f'precision={precision!r} runs without flip '
                             'test; use fp32 for flip_test=True')
        if precision != 'fp32' and device != 'cpu':
            raise ValueError(f'precision={precision!r} runs on the CPU '
                             f'only, got device={device!r}')
        self.model = init_model(config, None, device='cpu')
        if checkpoint is not None:
            # strict: a checkpoint of another model is an error, not random
            # weights where it does not fit
            loaded = check_checkpoint_matches(self.model, checkpoint)
            _load_checkpoint_to_model(self.model, loaded, strict=True)
            meta = loaded.get('meta', {})
            if 'dataset_meta' in meta:
                self.model.dataset_meta = meta['dataset_meta']
        self.model.to(device)
        if flip_test is not None:
            self.model.test_cfg['flip_test'] = flip_test
        self.precision = precision
        # the crop path (crops -> CropPredictor) serves bf16 / int8 and
        # fp32 without flip test; fp32 with flip test runs mmpose's
        # inference_topdown
        self.predictor = None
        if precision != 'fp32' or not self.model.test_cfg.get(
                'flip_test', False):
            calib = None
            if precision == 'int8' and int8_onnx is None:
                from .low_precision import calibration_crops
                calib = calibration_crops(self.model.cfg, calib_images)
            if device == 'cpu':
                self.predictor = CropPredictor(self.model, precision,
                                               int8_onnx, calib)
            self.pipeline = Compose(
                self.model.cfg.test_dataloader.dataset.pipeline)
        if fast:
            optimize_for_inference(self.model)
        self.bbox_thr = bbox_thr
        self.detector_name = detector
        self.detector = build_face_detector(detector, detector_weights,
                                            device)

    def detect(self, image: np.ndarray) -> np.ndarray:
        """Face boxes (N, 5): x1, y1, x2, y2, score (BGR image in)."""
        from mmdet.apis import DetInferencer
        height, width = image.shape[:2]
        if self.detector is None:
            return np.array([[0, 0, width, height, 1.]], np.float32)
        if not isinstance(self.detector, DetInferencer):
            # BlazeFace, Haar: detect(image) -> (bboxes, scores)
            bboxes, scores = self.detector.detect(image)
        else:
            instances = self.detector(
                image, return_datasamples=True)['predictions'][0]
            instances = instances.pred_instances.cpu().numpy()
            keep = instances.labels == 0
            bboxes, scores = instances.bboxes[keep], instances.scores[keep]
        boxes = np.column_stack([bboxes, scores]).astype(np.float32)
        boxes = boxes.reshape(-1, 5)
        keep = valid_boxes(boxes)
        if not keep.all():
            warnings.warn(
                f'the detector returned {int((~keep).sum())} invalid '
                'box(es) (not finite, no area or a score outside [0, 1]); '
                'they are dropped: are its weights the right ones?')
        boxes = boxes[keep]
        return boxes[boxes[:, 4] >= self.bbox_thr].reshape(-1, 5)

    def __call__(self, image: ImageType,
                 bboxes: Optional[np.ndarray] = None
                 ) -> List[Dict[str, np.ndarray]]:
        """Detect the faces of one image and their landmarks.

        Args:
            image (str | np.ndarray): Path or BGR / gray / BGRA uint8 array.
            bboxes (np.ndarray, optional): Face boxes (N, 4) x1, y1, x2, y2
                to use instead of the detector (score 1). They may extend
                past the image border: the crop is padded with black, as
                mmpose's ``TopdownAffine`` does.

        Returns:
            list[dict]: one dict per face, ``bbox`` (4, ) xyxy,
            ``bbox_score`` float, ``keypoints`` (K, 2) and
            ``keypoint_scores`` (K, ) in image pixels; empty if no face was
            found. Keypoints are not clipped to the image: those of a face
            cut by the border may lie outside it.
        """
        image = load_image(image)
        if bboxes is None:
            boxes = self.detect(image)
        else:
            bboxes = np.asarray(bboxes, np.float32)
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
        if not len(boxes):
            return []
        keypoints, scores = self.landmarks(image, boxes[:, :4])
        return [
            dict(bbox=box[:4], bbox_score=float(box[4]), keypoints=kpts,
                 keypoint_scores=kpt_scores)
            for box, kpts, kpt_scores in zip(boxes, keypoints, scores)
        ]

    def landmarks(self, image: np.ndarray,
                  bboxes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Landmarks of the faces in given boxes of a loaded image.

        Args:
            image (np.ndarray): BGR uint8 image (H, W, 3).
            bboxes (np.ndarray): Valid face boxes (N, 4) x1, y1, x2, y2.

        Returns:
            tuple: keypoints (N, K, 2) and scores (N, K) in image pixels.
        """
        if self.predictor is None:
            from mmpose.apis import inference_topdown
            samples = inference_topdown(self.model, image, bboxes=bboxes,
                                        bbox_format='xyxy')
            return (np.stack([s.pred_instances.keypoints[0]
                              for s in samples]),
                    np.stack([s.pred_instances.keypoint_scores[0]
                              for s in samples]))
        crops, centers, scales = [], [], []
        for box in bboxes:
            info = dict(img=image, bbox=box[None].astype(np.float32),
                        bbox_score=np.ones(1, np.float32))
            info.update(self.model.dataset_meta)
            packed = self.pipeline(info)
            meta = packed['data_samples'].metainfo
            crops.append(packed['inputs'].numpy())
            centers.append(meta['input_center'])
            scales.append(meta['input_scale'])
        input_size = np.asarray(meta['input_size'], np.float32)
        keypoints, scores = self.predictor(np.stack(crops).astype(np.float32))
        # crop pixels -> image pixels, as mmpose's TopdownPoseEstimator
        scales = np.asarray(scales, np.float32)[:, None]
        keypoints = keypoints / input_size * scales + np.asarray(
            centers, np.float32)[:, None] - 0.5 * scales
        return keypoints, scores


def build_face_detector(detector: str,
                        detector_weights: Optional[str] = None,
                        device: str = 'cpu'):
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
    return DetInferencer(
        model=detector, weights=detector_weights, device=device,
        show_progress=False)
