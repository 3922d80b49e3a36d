# Copyright (c) hih_mmpose contributors. All rights reserved.
"""BlazeFace's two models run by OpenVINO or by MediaPipe's own graph, as one
call ``BGR image -> detection rows``.

The models are the TFLite files inside the ``mediapipe==0.10.21`` wheel.
MediaPipe's graph letterboxes the image to the model's square input, decodes
the anchors' outputs and merges overlapping detections by a score-weighted
average; :class:`OpenVINOBlazeFace` does the same steps in numpy around
OpenVINO, which reads the TFLite files directly (2x faster on a 512 x 600
photo, docs/speed.md). Its rows equal the graph's on real photos (tests).
"""
import importlib.util
import os.path as osp
from typing import Dict, Tuple

import numpy as np

#: per model: the TFLite file in ``mediapipe/modules/face_detection``, the
#: input side, the anchor strides with anchors per cell, and the score a
#: raw detection needs (MediaPipe's graph settings, ``face_detection_*.
#: pbtxt``; ``FaceDetection(min_detection_confidence=...)`` of mediapipe
#: 0.10.21's legacy API does not reach them under protobuf >= 5)
BLAZEFACE_MODELS: Dict[str, dict] = {
    'full': dict(file='face_detection_full_range_sparse.tflite', side=192,
                 strides=(4, ), per_cell=(1, ), score_thr=0.6),
    'short': dict(file='face_detection_short_range.tflite', side=128,
                  strides=(8, 16), per_cell=(2, 6), score_thr=0.5),
}
#: detections overlapping by more IoU than this are merged (MediaPipe's)
MERGE_IOU = 0.3


def mediapipe_model_path(name: str) -> str:
    """The TFLite file of BlazeFace model ``name`` (``'full'`` or
    ``'short'``) inside the installed mediapipe package (found without
    importing it)."""
    spec = importlib.util.find_spec('mediapipe')
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            'the BlazeFace detector reads its models from the mediapipe==0.10.'
            '21 wheel (pip install --no-deps mediapipe==0.10.21); the Haar '
            "detector (detector='haar') needs nothing")
    path = osp.join(list(spec.submodule_search_locations)[0], 'modules',
                    'face_detection', BLAZEFACE_MODELS[name]['file'])
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} is missing: BlazeFace\'s models ship in mediapipe==0.10.'
            '21 (later releases ship none)')
    return path


def blazeface_anchors(side: int, strides: Tuple[int, ...],
                      per_cell: Tuple[int, ...]) -> np.ndarray:
    """Anchor centres (A, 2) x, y in [0, 1] of the input, in the models'
    output order: per stride, its grid row by row, ``per_cell`` anchors per
    cell (all of size 1: BlazeFace's anchors are fixed-size).

    Example: ``side=128, strides=(8, 16), per_cell=(2, 6)`` gives 16 x 16 x
    2 + 8 x 8 x 6 = 896 anchors, the first two at (1 / 32, 1 / 32).
    """
    centres = []
    for stride, count in zip(strides, per_cell):
        cells = side // stride
        y, x = np.mgrid[0:cells, 0:cells]
        grid = np.stack([x, y], -1).reshape(-1, 2)
        centres.append(np.repeat((grid + 0.5) / cells, count, axis=0))
    return np.concatenate(centres).astype(np.float32)


def letterbox_matrix(height: int, width: int, side: int) -> np.ndarray:
    """The 2 x 3 affine map of image pixels to the ``side`` x ``side``
    input: scaled so the longer side fills it, centred (MediaPipe's
    ``keep_aspect_ratio``: the image's edges on the input's edges)."""
    scale = side / max(height, width)
    return np.array([[scale, 0, (side - width * scale) / 2],
                     [0, scale, (side - height * scale) / 2]], np.float64)


def decode_detections(regressors: np.ndarray, logits: np.ndarray,
                      anchors: np.ndarray, side: int,
                      score_thr: float) -> np.ndarray:
    """Raw outputs to detections above ``score_thr``.

    Args:
        regressors (np.ndarray): (A, 16): box centre offset x, y and size w,
            h, then 6 keypoints x, y, in input pixels from the anchor.
        logits (np.ndarray): (A, ) scores before the sigmoid.
        anchors (np.ndarray): (A, 2) centres, :func:`blazeface_anchors`.
        side (int): The input side (pixels).
        score_thr (float): Minimum score.

    Returns:
        np.ndarray: (N, 17) rows: x1, y1, x2, y2, score, 6 keypoints x, y,
        in [0, 1] of the input, best score first.
    """
    with np.errstate(over='ignore'):
        scores = 1 / (1 + np.exp(-np.clip(logits, -100, 100)))
    keep = np.flatnonzero(scores >= score_thr)
    keep = keep[np.argsort(-scores[keep], kind='stable')]
    values = regressors[keep].astype(np.float64) / side
    centres = anchors[keep].astype(np.float64)
    middle = values[:, :2] + centres
    keypoints = values[:, 4:].reshape(-1, 6, 2) + centres[:, None]
    return np.concatenate([
        middle - values[:, 2:4] / 2, middle + values[:, 2:4] / 2,
        scores[keep, None], keypoints.reshape(-1, 12)
    ], 1)


def merge_detections(rows: np.ndarray,
                     iou_thr: float = MERGE_IOU) -> np.ndarray:
    """MediaPipe's weighted suppression: the best remaining detection and
    every remaining one overlapping it by IoU > ``iou_thr`` become one,
    its box and keypoints their score-weighted mean, its score the best's.

    Args:
        rows (np.ndarray): (N, 17) from :func:`decode_detections`, best
            score first.
        iou_thr (float): Overlap that merges.

    Returns:
        np.ndarray: (M, 17) merged rows, best score first.
    """
    from ..boxes import box_iou
    merged = []
    while len(rows):
        overlap = box_iou(rows[:1, :4], rows[:, :4])[0] > iou_thr
        overlap[0] = True
        group = rows[overlap]
        weights = group[:, 4:5] / group[:, 4].sum()
        row = (group * weights).sum(0)
        row[4] = group[0, 4]
        merged.append(row)
        rows = rows[~overlap]
    return np.asarray(merged, np.float64).reshape(-1, 17)


def rows_to_image(rows: np.ndarray, height: int, width: int,
                  side: int) -> np.ndarray:
    """Merged rows (N, 17) in [0, 1] of the letterboxed input to the
    runtime's detection rows (N, 9) float32 in image pixels: box, score,
    the subject's right and left eye (BlazeFace's first two keypoints)."""
    matrix = letterbox_matrix(height, width, side)
    scale, offset = matrix[0, 0], matrix[:2, 2]
    points = rows[:, [0, 1, 2, 3, 5, 6, 7, 8]].reshape(-1, 4, 2)
    points = (points * side - offset) / scale
    return np.column_stack([points.reshape(-1, 8)[:, :4], rows[:, 4],
                            points.reshape(-1, 8)[:, 4:]]).astype(np.float32)


class OpenVINOBlazeFace:
    """One BlazeFace model run by OpenVINO: ``bgr (H, W, 3) uint8 -> rows
    (N, 9)`` (box x1, y1, x2, y2, score, right eye x, y, left eye x, y in
    image pixels), as MediaPipe's graph gives them. Not thread-safe (one
    infer request; the detector serialises its calls).

    Args:
        name (str): ``'full'`` or ``'short'`` (:data:`BLAZEFACE_MODELS`).
    """

    def __init__(self, name: str) -> None:
        import openvino
        self.config = BLAZEFACE_MODELS[name]
        core = openvino.Core()
        # (fp32: its detections equal the graph's; bf16 moved scores by up
        # to 0.29 and boxes by up to 8 % of the face on 186 test images)
        compiled = core.compile_model(
            core.read_model(mediapipe_model_path(name)), 'CPU',
            {'INFERENCE_PRECISION_HINT': 'f32',
             'PERFORMANCE_HINT': 'LATENCY'})
        self.request = compiled.create_infer_request()
        self.anchors = blazeface_anchors(self.config['side'],
                                         self.config['strides'],
                                         self.config['per_cell'])

    def __call__(self, bgr: np.ndarray) -> np.ndarray:
        import cv2
        side = self.config['side']
        height, width = bgr.shape[:2]
        # (as MediaPipe's CPU graph: bilinear warp of the uint8 image, black
        # border, then RGB in [-1, 1])
        square = cv2.warpAffine(bgr, letterbox_matrix(height, width, side),
                                (side, side), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_CONSTANT)
        inputs = square[None, ..., ::-1].astype(np.float32) * (1 / 127.5) - 1
        self.request.infer({0: inputs})
        regressors, logits = (self.request.get_output_tensor(i).data
                              for i in range(2))
        rows = decode_detections(regressors.reshape(-1, 16),
                                 logits.reshape(-1), self.anchors, side,
                                 self.config['score_thr'])
        return rows_to_image(merge_detections(rows), height, width, side)


class MediaPipeBlazeFace:
    """One BlazeFace model run by MediaPipe's own graph (legacy solutions
    API; needs protobuf and absl besides mediapipe): the same call as
    :class:`OpenVINOBlazeFace`.

    Args:
        name (str): ``'full'`` or ``'short'``.
    """

    def __init__(self, name: str) -> None:
        from mediapipe.python.solutions import face_detection
        self.graph = face_detection.FaceDetection(
            model_selection=int(name == 'full'))
        self.graph.process(np.zeros((64, 64, 3), np.uint8))

    def __call__(self, bgr: np.ndarray) -> np.ndarray:
        import cv2
        height, width = bgr.shape[:2]
        result = self.graph.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        rows = []
        for detection in result.detections or []:
            box = detection.location_data.relative_bounding_box
            eyes = detection.location_data.relative_keypoints[:2]
            rows.append([
                box.xmin * width, box.ymin * height,
                (box.xmin + box.width) * width,
                (box.ymin + box.height) * height, detection.score[0]
            ] + [v for eye in eyes for v in (eye.x * width, eye.y * height)])
        return np.asarray(rows, np.float32).reshape(-1, 9)
