# Copyright (c) hih_mmpose contributors. All rights reserved.
import contextlib
import os
import tempfile
from typing import Iterator, List, Optional, Tuple

import numpy as np
from mmdet.registry import MODELS as MMDET_MODELS

from .image_face_detector import ImageFaceDetector


def tile_grid(height: int, width: int, side: int,
              max_step: float = 0.75) -> List[Tuple[int, int]]:
    """Top-left corners (x, y) of square tiles of ``side`` pixels that
    cover a ``height`` x ``width`` image, neighbours overlapping by at
    least ``1 - max_step`` of a tile; tiles never leave the image."""

    def starts(length: int) -> np.ndarray:
        if length <= side:
            return np.zeros(1, int)
        count = int(np.ceil((length - side) / (max_step * side))) + 1
        return np.linspace(0, length - side, count).round().astype(int)

    return [(int(x), int(y)) for y in starts(height) for x in starts(width)]


def suppress_duplicates(boxes: np.ndarray, scores: np.ndarray,
                        iou_thr: float = 0.3,
                        contain_thr: float = 0.6) -> np.ndarray:
    """Indices of boxes kept by greedy suppression, best score first: a
    box is dropped when its IoU with a kept box exceeds ``iou_thr`` or when
    more than ``contain_thr`` of its area lies inside a kept box (a face
    cut by a tile border inside the whole face).

    Args:
        boxes (np.ndarray): (N, 4) x1, y1, x2, y2.
        scores (np.ndarray): (N, ).

    Returns:
        np.ndarray: Kept indices (int64), in descending score order.
    """
    import torch
    from mmdet.structures.bbox import bbox_overlaps
    tensor = torch.as_tensor(boxes, dtype=torch.float32).reshape(-1, 4)
    iou = bbox_overlaps(tensor, tensor).numpy()
    # share of box i's area inside box j
    inside = bbox_overlaps(tensor, tensor, mode='iof').numpy()
    kept = []
    for i in np.argsort(-scores, kind='stable'):
        if kept and ((iou[i, kept] > iou_thr).any()
                     or (inside[i, kept] > contain_thr).any()):
            continue
        kept.append(i)
    return np.asarray(kept, np.int64)


@contextlib.contextmanager
def _native_stderr_to_file() -> Iterator[str]:
    """Send what native code writes to stderr (file descriptor 2) to a
    temporary file while the block runs; yields the file's path."""
    with tempfile.NamedTemporaryFile('w+') as captured:
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            yield captured.name
        finally:
            os.dup2(saved, 2)
            os.close(saved)


@MMDET_MODELS.register_module()
class BlazeFaceDetector(ImageFaceDetector):
    """MediaPipe's BlazeFace face detector as an mmdet detector.

    The models ship inside the ``mediapipe==0.10.21`` wheel (Apache-2.0;
    installed by ``tools/setup_env.sh``), so it runs offline with no
    weights file. BlazeFace sees the image at 192 x 192 (full range) or
    128 x 128 (short range); to find small faces in large images it also
    runs on overlapping square tiles (``tile_fraction`` of the shorter
    side) and merges the boxes with :func:`suppress_duplicates`.

    Boxes are (x1, y1, x2, y2) in the input image (BlazeFace boxes span
    roughly the brows to the chin), label 0; scores are BlazeFace's.

    Args:
        model (str): ``'full'`` (full range, faces up to ~5 m) or
            ``'short'`` (short range, faces within ~2 m). Defaults to
            ``'full'``.
        score_thr (float): Minimum score. Defaults to ``0.5``.
        tile_fraction (float, optional): Tile side as a fraction of the
            image's shorter side; ``None`` runs on the whole image only.
            Defaults to ``0.6``.
        min_tiled_side (int): Images whose shorter side is below this are
            not tiled (their faces are large enough). Defaults to ``360``.
        data_preprocessor (dict, optional): mmdet data preprocessor config.
        init_cfg (dict, optional): Unused.
    """

    def __init__(self,
                 model: str = 'full',
                 score_thr: float = 0.5,
                 tile_fraction: Optional[float] = 0.6,
                 min_tiled_side: int = 360,
                 backbone: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            backbone=backbone,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        if model not in ('full', 'short'):
            raise ValueError(f"model must be 'full' or 'short', got {model!r}")
        # mediapipe's native code prints protobuf and logging noise on its
        # first use; it is shown only if that use fails
        with _native_stderr_to_file() as log:
            try:
                from mediapipe.python.solutions import face_detection
            except ImportError as error:
                raise ImportError(
                    'BlazeFaceDetector needs mediapipe==0.10.21 (installed '
                    'by tools/setup_env.sh); the Haar detector '
                    "(detector='haar') needs nothing") from error
            try:
                self._detector = face_detection.FaceDetection(
                    model_selection=int(model == 'full'),
                    min_detection_confidence=score_thr)
                self._detector.process(np.zeros((64, 64, 3), np.uint8))
            except Exception as error:
                raise RuntimeError(
                    f'MediaPipe face detection failed to start: {error}\n'
                    f'{open(log).read()}') from error
        self.model = model
        self.score_thr = score_thr
        self.tile_fraction = tile_fraction
        self.min_tiled_side = min_tiled_side

    def _run(self, rgb: np.ndarray) -> np.ndarray:
        """(N, 5) boxes in ``rgb``'s pixels with scores."""
        height, width = rgb.shape[:2]
        result = self._detector.process(rgb)
        boxes = []
        for detection in result.detections or []:
            box = detection.location_data.relative_bounding_box
            boxes.append([
                box.xmin * width, box.ymin * height,
                (box.xmin + box.width) * width,
                (box.ymin + box.height) * height, detection.score[0]
            ])
        return np.asarray(boxes, np.float32).reshape(-1, 5)

    def detect(self, image: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Faces of one BGR uint8 image (H, W, 3).

        Returns:
            tuple: ``bboxes`` (N, 4) xyxy float32 and ``scores`` (N, ).
        """
        rgb = np.ascontiguousarray(image[..., ::-1])
        height, width = rgb.shape[:2]
        found = [self._run(rgb)]
        if self.tile_fraction and min(height, width) >= self.min_tiled_side:
            side = int(round(self.tile_fraction * min(height, width)))
            for x, y in tile_grid(height, width, side):
                boxes = self._run(
                    np.ascontiguousarray(rgb[y:y + side, x:x + side]))
                boxes[:, :4] += [x, y, x, y]
                found.append(boxes)
        boxes = np.concatenate(found)
        # (boxes of faces cut by the border may extend past it)
        boxes = boxes[(boxes[:, 2] > boxes[:, 0])
                      & (boxes[:, 3] > boxes[:, 1])]
        keep = suppress_duplicates(boxes[:, :4], boxes[:, 4])
        return boxes[keep, :4], boxes[keep, 4]
