# Copyright (c) hih_mmpose contributors. All rights reserved.
import os.path as osp
import warnings
from typing import Dict, List, Optional, Union

import cv2
import numpy as np

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
        config (str): HIH pose config (e.g. ``configs/hih_wflw.py``).
        checkpoint (str, optional): Its trained weights (a trusted file:
            checkpoints are pickles). One made for another model (keypoint
            count, stacks, widths) raises :class:`CheckpointError`.
            Required unless ``random_weights=True``.
        detector (str): ``'haar'`` (OpenCV's cascade, no weights needed),
            ``'whole_image'`` (the image is one face crop) or an mmdet
            detector config file. Defaults to ``'haar'``.
        detector_weights (str, optional): Weights of an mmdet detector
            (required with an mmdet config).
        device (str): ``'cpu'`` or ``'cuda:0'`` ... Defaults to ``'cpu'``.
        bbox_thr (float): Minimum detection score. Defaults to ``0.3``.
        fast (bool): Fold BatchNorm into the convolutions and run
            channels-last (:func:`optimize_for_inference`; same keypoints,
            ~1.3x faster on CPU). Defaults to ``True``.
        random_weights (bool): Run without a checkpoint, on untrained
            weights (speed tests); their landmarks are meaningless.
            Defaults to ``False``.

    Detector boxes that are not finite, have no area or a score outside
    [0, 1] are dropped with a warning.
    """

    def __init__(self,
                 config: str,
                 checkpoint: Optional[str] = None,
                 detector: str = 'haar',
                 detector_weights: Optional[str] = None,
                 device: str = 'cpu',
                 bbox_thr: float = 0.3,
                 fast: bool = True,
                 random_weights: bool = False) -> None:
        from mmengine.runner.checkpoint import _load_checkpoint_to_model

        from mmpose.apis import init_model
        if checkpoint is None and not random_weights:
            raise ValueError(
                'FaceLandmarker needs the trained weights of the config '
                '(checkpoint=...); untrained weights give meaningless '
                'landmarks (random_weights=True runs them anyway)')
        if checkpoint is not None and not osp.isfile(checkpoint):
            raise FileNotFoundError(f'checkpoint {checkpoint} not found')
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
        if fast:
            optimize_for_inference(self.model)
        self.bbox_thr = bbox_thr
        self.detector_name = detector
        if detector == 'haar':
            from ..models.detectors import HaarCascadeFaceDetector
            self.detector = HaarCascadeFaceDetector()
        elif detector in ('whole_image', 'whole-image'):
            self.detector = None
        elif osp.isfile(detector):
            if detector_weights is None:
                raise ValueError(
                    f'detector {detector} is an mmdet config: give its '
                    'trained weights (detector_weights=...); an untrained '
                    'detector returns meaningless boxes')
            if not osp.isfile(detector_weights):
                raise FileNotFoundError(
                    f'detector weights {detector_weights} not found')
            from mmdet.apis import DetInferencer
            self.detector = DetInferencer(
                model=detector, weights=detector_weights, device=device,
                show_progress=False)
        else:
            raise ValueError("detector must be 'haar', 'whole_image' or an "
                             f'mmdet config file, got {detector!r}')

    def detect(self, image: np.ndarray) -> np.ndarray:
        """Face boxes (N, 5): x1, y1, x2, y2, score (BGR image in)."""
        height, width = image.shape[:2]
        if self.detector is None:
            return np.array([[0, 0, width, height, 1.]], np.float32)
        if self.detector_name == 'haar':
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
        from mmpose.apis import inference_topdown
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
        samples = inference_topdown(self.model, image, bboxes=boxes[:, :4],
                                    bbox_format='xyxy')
        return [
            dict(bbox=box[:4], bbox_score=float(box[4]),
                 keypoints=sample.pred_instances.keypoints[0],
                 keypoint_scores=sample.pred_instances.keypoint_scores[0])
            for box, sample in zip(boxes, samples)
        ]
