# Copyright (c) hih_mmpose contributors. All rights reserved.
"""MediaPipe's BlazeFace as a runtime face detector: its models run by
OpenVINO or by MediaPipe's own graph (:mod:`.blazeface_model`), tiled and
searched here."""
import contextlib
import importlib.util
import os
import tempfile
from typing import Iterator, List, Optional, Tuple

import numpy as np

from ..boxes import BLAZEFACE_BOX_CALIBRATION, suppress_duplicates
from ..rotation import eye_line_angle
from .base import CalibratedDetector
from .blazeface_model import (MediaPipeBlazeFace, OpenVINOBlazeFace,
                              mediapipe_model_path)


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


class BlazeFaceDetector(CalibratedDetector):
    """MediaPipe's BlazeFace face detector.

    The models ship inside the ``mediapipe==0.10.21`` wheel (Apache-2.0), so
    it runs offline with no weights file. BlazeFace sees the image at 192 x
    192 (full range) or 128 x 128 (short range); to find small faces in
    large images it also runs on overlapping square tiles
    (``tile_fraction`` of the shorter side) and merges the boxes with
    :func:`~hih_mmpose.runtime.boxes.suppress_duplicates`. Its eye
    keypoints give each face's
    crop rotation; its boxes (brows to chin) are mapped to the landmarks'
    extent (``box_calibration``).

    Args:
        model (str): ``'full'`` (faces up to ~5 m) or ``'short'`` (within
            ~2 m). Defaults to ``'full'``.
        score_thr (float): Minimum score of a detection (after each model's
            own threshold on its raw detections: 0.6 full range, 0.5 short
            range, MediaPipe's). Defaults to ``0.5``.
        tile_fraction (float, optional): Tile side as a fraction of the
            shorter side; ``None``: the whole image only. Defaults to
            ``0.6``.
        min_tiled_side (int): Images with a shorter side below this are not
            tiled. Defaults to ``360``.
        tile_below (float): Tile only when the whole image gives no face or
            a face whose box side is below this fraction of the image's
            shorter side (small faces: a group, where smaller ones may hide
            below the whole-image pass's range); ``1``: always tile. One
            face filling a photo then costs one pass (docs/speed.md).
            Defaults to ``0.2``.
        rotation_search (bool): When nothing is found, search the image
            turned by 90, 180 and 270 degrees. Defaults to ``True``.
        short_range_fallback (bool): With ``model='full'``, when nothing is
            found, also run the short-range model (faces that fill the
            frame). Defaults to ``True``.
        variant_search (bool): When that finds nothing either, search the
            mirrored image, then a contrast-equalised copy
            (docs/wild_faces.md). Defaults to ``True``.
        engine (str): What runs the models: ``'openvino'`` (their TFLite
            files read by OpenVINO, decoded as MediaPipe's graph does:
            :mod:`.blazeface_model`; 2x faster), ``'mediapipe'``
            (MediaPipe's own graph; needs protobuf and absl) or ``'auto'``
            (OpenVINO where it is installed). Defaults to ``'auto'``.
        box_calibration (dict, optional): Defaults to
            :data:`~hih_mmpose.runtime.boxes.BLAZEFACE_BOX_CALIBRATION`;
            ``None``: BlazeFace's
            own boxes.
    """

    def __init__(self,
                 model: str = 'full',
                 score_thr: float = 0.5,
                 tile_fraction: Optional[float] = 0.6,
                 min_tiled_side: int = 360,
                 tile_below: float = 0.2,
                 rotation_search: bool = True,
                 short_range_fallback: bool = True,
                 variant_search: bool = True,
                 engine: str = 'auto',
                 box_calibration: Optional[dict] = BLAZEFACE_BOX_CALIBRATION
                 ) -> None:
        super().__init__(box_calibration)
        if model not in ('full', 'short'):
            raise ValueError(f"model must be 'full' or 'short', got {model!r}")
        if engine not in ('auto', 'openvino', 'mediapipe'):
            raise ValueError("engine must be 'auto', 'openvino' or "
                             f"'mediapipe', got {engine!r}")
        if engine == 'auto':
            engine = 'openvino' if importlib.util.find_spec(
                'openvino') else 'mediapipe'
        runner = dict(openvino=OpenVINOBlazeFace,
                      mediapipe=MediaPipeBlazeFace)[engine]
        mediapipe_model_path(model)  # (a clear error where it is missing)
        # mediapipe's native code prints protobuf and logging noise on its
        # first use; it is shown only if that use fails
        with _native_stderr_to_file() as log:
            try:
                self._detector = runner(model)
                self._short = None
                if model == 'full' and short_range_fallback:
                    self._short = runner('short')
            except ImportError as error:
                raise ImportError(
                    f"BlazeFace's {engine} engine needs " + dict(
                        openvino='openvino (pip install openvino==2026.4.1)',
                        mediapipe='mediapipe\'s dependencies (pip install '
                        '--no-deps -r requirements/detector.txt protobuf)')
                    [engine] + "; the Haar detector (detector='haar') "
                    'needs nothing') from error
            except Exception as error:
                raise RuntimeError(
                    f'BlazeFace ({engine}) failed to start: {error}\n'
                    f'{open(log).read()}') from error
        self.engine = engine
        self.model = model
        self.score_thr = score_thr
        self.tile_fraction = tile_fraction
        self.min_tiled_side = min_tiled_side
        self.tile_below = tile_below
        self.rotation_search = rotation_search
        self.variant_search = variant_search

    def _run(self, bgr: np.ndarray, detector=None) -> np.ndarray:
        """(N, 9) rows in ``bgr``'s pixels: box x1, y1, x2, y2, score, and
        the centres (x, y) of the subject's right and left eye; scores
        below ``score_thr`` dropped."""
        with self.native_lock:  # (one call at a time per model)
            rows = (detector or self._detector)(bgr)
        return rows[rows[:, 4] >= self.score_thr]

    def _run_tiled(self, bgr: np.ndarray) -> np.ndarray:
        """:meth:`_run` on the whole image and, where it finds no face or a
        small one (``tile_below``), on its tiles, merged."""
        height, width = bgr.shape[:2]
        found = [self._run(bgr)]
        sides = np.minimum(found[0][:, 2] - found[0][:, 0],
                           found[0][:, 3] - found[0][:, 1])
        small = not len(sides) or sides.min() < self.tile_below * min(
            height, width)
        if self.tile_fraction and small and \
                min(height, width) >= self.min_tiled_side:
            side = int(round(self.tile_fraction * min(height, width)))
            for x, y in tile_grid(height, width, side):
                rows = self._run(
                    np.ascontiguousarray(bgr[y:y + side, x:x + side]))
                rows[:, [0, 2, 5, 7]] += x
                rows[:, [1, 3, 6, 8]] += y
                found.append(rows)
        rows = np.concatenate(found)
        # (boxes of faces cut by the border may extend past it)
        rows = rows[(rows[:, 2] > rows[:, 0]) & (rows[:, 3] > rows[:, 1])]
        return rows[suppress_duplicates(rows[:, :4], rows[:, 4])]

    def detect_uncalibrated(
            self, image: np.ndarray
    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Faces of one BGR uint8 image (H, W, 3), with the rotation that
        makes each upright, BlazeFace's own boxes.

        When the full-range model finds nothing on the image and its
        tiles, the image is searched again turned by 90, 180 and 270
        degrees (``rotation_search``; exact turns, no resampling) and with
        the short-range model (``short_range_fallback``), and the most
        confident detection of each face is kept, mapped back; if that
        finds nothing either, the same search runs on the mirrored image,
        then on a contrast-equalised copy (``variant_search``). The angle
        is only as good as BlazeFace's eye keypoints, which are often wrong
        on faces far from upright (the landmarker checks it with the
        landmark model).

        Returns:
            tuple: ``bboxes`` (N, 4) xyxy float32, axis-aligned in the
            image; ``scores`` (N, ); ``angles`` (N, ) degrees, the crop
            rotation from the eye line (see
            :func:`~hih_mmpose.runtime.rotation.eye_line_angle`).
        """
        # (the models' runners take BGR: OpenVINO's swaps the channels of
        # its 192 px input, not of the image)
        bgr = np.ascontiguousarray(image)
        rows = self._run_tiled(bgr)
        if not len(rows):
            rows = self._search(bgr, first_done=True)
        if not len(rows) and self.variant_search:
            # the mirrored image (boxes and eyes mirrored back), then a
            # contrast-equalised copy
            width = bgr.shape[1]
            rows = mirror_back(
                self._search(np.ascontiguousarray(bgr[:, ::-1])), width)
            if not len(rows):
                rows = self._search(equalize_contrast(bgr))
        angles = eye_line_angle(rows[:, 5:7], rows[:, 7:9])
        return rows[:, :4], rows[:, 4], angles.astype(np.float32)

    def _search(self, bgr: np.ndarray, first_done: bool = False
                ) -> np.ndarray:
        """Turned copies (full range; exact turns) and the short-range
        model (faces that fill the image) on ``bgr`` and its copies, (N, 9)
        rows in ``bgr``'s pixels: the most confident detection of each
        face wins, usually the one in the copy where the face is upright.
        ``first_done``: the full-range model already ran on ``bgr``."""
        found = [np.zeros((0, 9), np.float32)]
        for turns in (0, 1, 2, 3) if self.rotation_search else (0, ):
            turned = np.ascontiguousarray(np.rot90(bgr, turns))
            if turns or not first_done:
                found.append(turn_back(self._run_tiled(turned), turns,
                                       bgr.shape[:2]))
            if self._short is not None:
                found.append(turn_back(self._run(turned, self._short),
                                       turns, bgr.shape[:2]))
        rows = np.concatenate(found)
        return rows[suppress_duplicates(rows[:, :4], rows[:, 4])]


def mirror_back(rows: np.ndarray, width: int) -> np.ndarray:
    """Map (N, 9) detection rows of the left-right mirrored image back to
    the image: x becomes ``width - x``, and the two eyes swap places (the
    subject's right eye of the mirror image is its left eye here)."""
    rows = rows.copy()
    rows[:, [0, 2]] = width - rows[:, [2, 0]]
    right_eye = width - rows[:, 5].copy(), rows[:, 6].copy()
    rows[:, 5], rows[:, 6] = width - rows[:, 7], rows[:, 8]
    rows[:, 7], rows[:, 8] = right_eye
    return rows


def equalize_contrast(bgr: np.ndarray) -> np.ndarray:
    """``bgr`` with its lightness equalised by CLAHE (clip 2, 4x4 tiles),
    colours kept."""
    import cv2
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)
    lab[..., 0] = cv2.createCLAHE(2.0, (4, 4)).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2BGR)


def turn_back(rows: np.ndarray, turns: int,
              shape: Tuple[int, int]) -> np.ndarray:
    """Map detections in ``np.rot90(image, turns)`` back to ``image``.

    Args:
        rows (np.ndarray): (N, 9) rows as :meth:`BlazeFaceDetector._run`
            gives them, in the turned image's continuous pixel coordinates.
        turns (int): Counter-clockwise quarter turns, 0-3.
        shape (tuple): ``(height, width)`` of the original image.

    Returns:
        np.ndarray: (N, 9) rows in the original image (boxes still
        axis-aligned, corners re-ordered).
    """
    rows = rows.copy()
    height, width = shape
    points = rows[:, [0, 1, 2, 3, 5, 6, 7, 8]].reshape(-1, 4, 2)
    for turn in range(turns, 0, -1):
        # one counter-clockwise turn maps (x, y) of an image of width w to
        # (y, w - x); undo the last turn first
        turned_width = width if turn % 2 == 1 else height
        points = np.stack([turned_width - points[..., 1], points[..., 0]],
                          -1)
    corners = points[:, :2]
    rows[:, 0:2] = corners.min(1)
    rows[:, 2:4] = corners.max(1)
    rows[:, 5:9] = points[:, 2:].reshape(-1, 4)
    return rows
