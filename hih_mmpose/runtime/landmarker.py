# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Image in, faces with landmarks out: detect -> crop -> run -> map back."""
import warnings
from typing import Dict, List, Optional, Sequence, Union

import numpy as np

from .boxes import box_iou, box_problems, check_given_boxes
from .crops import box_to_center_scale, crop_to_image, cut_crops
from .detectors import build_detector
from .image_io import ImageType, load_image
from .rotation import (choose_turns, crop_rotations, oriented_landmark_box,
                       turn_plan, turned_rotation, unturn_keypoints)
from .measured_choice import open_session
from .validation import check_number

Face = Dict[str, Union[np.ndarray, float]]

#: the second pass (``refine_boxes``) keeps a face's first pass where the
#: landmark box overlaps the first box by less than this IoU (the box
#: calibration leaves offsets up to ~0.3 face sizes on real faces, IoU ~0.5)
REFINE_MIN_IOU = 0.4


def flip_average(outputs: tuple, flipped: tuple, flip_indices: list,
                 input_width: int) -> tuple:
    """The flip test: outputs of crops and of their mirror images combined
    as HIH's head does (the mirrored keypoints reflected, ``x -> w - 1 -
    x``, reordered by ``flip_indices`` and averaged; scores and visibility
    reordered and averaged)."""
    keypoints = flipped[0][:, flip_indices].copy()
    keypoints[..., 0] = input_width - 1 - keypoints[..., 0]
    combined = [(outputs[0] + keypoints) * 0.5]
    for output, mirror in zip(outputs[1:], flipped[1:]):
        combined.append((output + mirror[:, flip_indices]) * 0.5)
    return tuple(combined)


def check_angles(angles: object, count: int) -> np.ndarray:
    """Crop rotations (degrees) given with ``count`` boxes, float32 (count, );
    zeros for ``None``."""
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


class Landmarker:
    """Face detection and HIH landmarks in one call, on an exported model.

    Example::

        landmarker = Landmarker('hih_wflw.onnx')   # + hih_wflw.json beside
        for face in landmarker('photo.jpg'):
            face['bbox'], face['keypoints'], face['keypoint_scores']

    Each face is cut once from the image (its box enlarged as in training,
    turned upright from the detector's eye line where the face is rolled,
    :mod:`.rotation`), the crops run through the session in batches of
    ``batch_size`` and the keypoints are mapped back in one step. One object
    can serve several threads (the detectors serialise their native calls).

    Args:
        model (str | session): An exported model file (with its ``.json``
            beside it) or a session object (:mod:`.sessions`; the full stack's
            ``FaceLandmarker`` passes a PyTorch one).
        detector (str | object): ``'blazeface'``, ``'haar'``,
            ``'whole_image'``, an object with ``detect_oriented`` or
            ``detect``, or a callable (:func:`~.detectors.build_detector`).
            Defaults to ``'blazeface'``.
        backend (str): For a model file: ``'onnxruntime'``, ``'openvino'``
            or ``'auto'`` (:func:`~.sessions.run_candidates`).
        precision (str, optional): For a model file: ``'fp32'``, ``'bf16'``
            (OpenVINO), ``'int8'`` (a quantised file) or ``'auto'``;
            ``None``: the file's own. Where ``'auto'`` leaves several ways,
            the first crops decide by measuring
            (:mod:`~.measured_choice`).
        keypoint_scheme (str, optional): ``'wflw'``, ``'300w'``, ``'cofw'``
            or ``None`` (the model's own landmarks).
        upright (bool): Crop rolled faces upright from the detector's eye
            keypoints, choosing among quarter turns by the landmark scores
            (:mod:`.rotation`). Defaults to ``True``.
        flip_test (bool, optional): Average with the mirrored crops;
            ``None``: as the model's config says. Defaults to ``None``.
        max_pixels (int, optional): Refuse larger images
            (:func:`~.image_io.load_image`; default 100 M).

    Attributes:
        bbox_thr (float): Minimum detection score, in [0, 1] (0.3).
        batch_size (int): Faces run at a time (32): memory stays flat
            however many faces a call has.
        refine_boxes (bool): Run each detected face a second time, cropped
            from the first pass's landmarks (their extent along the eye
            line, the box the models are trained on: :func:`~.rotation.
            oriented_landmark_box`) instead of the detector's box, whose
            convention differs, kept where its mean landmark score is not
            lower and the new box overlaps the first (IoU >= 0.4); one more
            network pass a detected face.
            Given boxes are used as given. On the quick-start model's 200
            synthetic test faces with the default detector it took the mean
            NME from 2.42 to 1.47 % (docs/inference.md). Defaults to
            ``True``.
    """

    _bbox_thr = 0.3
    _batch_size = 32
    refine_boxes = True

    @property
    def bbox_thr(self) -> float:
        return self._bbox_thr

    @bbox_thr.setter
    def bbox_thr(self, value: float) -> None:
        check_number('bbox_thr', value, 0, 1)
        self._bbox_thr = float(value)

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        check_number('batch_size', value, 1, integer=True)
        self._batch_size = int(value)

    def __init__(self,
                 model,
                 detector: object = 'blazeface',
                 backend: str = 'auto',
                 precision: Optional[str] = None,
                 keypoint_scheme: Optional[str] = None,
                 upright: bool = True,
                 flip_test: Optional[bool] = None,
                 max_pixels: Optional[int] = None) -> None:
        if max_pixels is not None:
            check_number('max_pixels', max_pixels, 1, integer=True)
        if isinstance(model, str):
            self.session = open_session(model, backend, precision)
        elif backend != 'auto' or precision is not None:
            raise ValueError('backend and precision choose how a model file '
                             'runs; a session runs as it was built')
        else:
            self.session = model
        self.info = self.session.info
        self.scheme = None
        if keypoint_scheme is not None:
            if keypoint_scheme not in self.info.schemes:
                raise ValueError(
                    f'keypoint_scheme {keypoint_scheme!r} is not one this '
                    f'model of {self.info.num_keypoints} landmarks gives: '
                    f'{sorted(self.info.schemes)} or None (its own)')
            indices = self.info.schemes[keypoint_scheme]
            if list(indices) != list(range(self.info.num_keypoints)):
                self.scheme = np.asarray(indices, np.int64)
        self.upright = bool(upright)
        self.flip_test = self.info.flip_test if flip_test is None else bool(
            flip_test)
        if self.flip_test and not self.info.flip_indices:
            raise ValueError('flip_test needs the model\'s flip_indices, '
                             'which its metadata does not have')
        self.max_pixels = max_pixels
        self.detector = build_detector(detector)

    def describe(self) -> str:
        """What runs: e.g. ``'openvino bf16, flip test off, detector
        BlazeFaceDetector (openvino) (CPU: ...)'``."""
        from ..utils.cpu_info import describe_cpu
        engine = getattr(self.detector, 'engine', None)
        return (f'{getattr(self.session, "description", "a session")}, '
                f'flip test {"on" if self.flip_test else "off"}, detector '
                f'{type(self.detector).__name__}'
                f'{f" ({engine})" if engine else ""} (CPU: {describe_cpu()})')

    def __call__(self,
                 image: Union[ImageType, Sequence[ImageType]],
                 bboxes: Optional[object] = None,
                 angles: Optional[object] = None
                 ) -> Union[List[Face], List[List[Face]]]:
        """The faces of one image, or of each of a list of images.

        Args:
            image (str | np.ndarray | list): Path or BGR / gray / BGRA uint8
                array, or a list of them (their faces share the batches).
            bboxes (array-like, optional): Face boxes (N, 4) x1, y1, x2, y2
                (score 1) instead of the detector, or one box as 4 numbers;
                each needs 10 % of its area inside the image and a longer
                side of at most 4x the image's (:mod:`.boxes`). With a list
                of images, a list of as many (``None``: detect).
            angles (array-like, optional): With ``bboxes``, each box's crop
                rotation (N, ) in degrees; default upright.

        Returns:
            list[dict]: Per face ``bbox`` (4, ), ``bbox_score``,
            ``bbox_angle`` (the crop rotation used, degrees), ``keypoints``
            (K, 2) and ``keypoint_scores`` (K, ) in image pixels (not
            clipped to the image), ``keypoint_visible`` (K, ) for a model
            with a visibility head; with a list of images, one list each.
        """
        if not isinstance(image, (list, tuple)):
            return self.to_scheme(self.predict([image], [bboxes],
                                               [angles])[0])
        count = len(image)
        for name, values in (('bboxes', bboxes), ('angles', angles)):
            if values is not None and (not isinstance(values, (list, tuple))
                                       or len(values) != count):
                raise ValueError(f'with a list of {count} images, {name} '
                                 f'must be a list of {count} entries')
        results = self.predict(list(image), bboxes or [None] * count,
                               angles or [None] * count)
        return [self.to_scheme(faces) for faces in results]

    def detect(self, image: np.ndarray) -> tuple:
        """Faces of a loaded BGR image: boxes (N, 5) x1, y1, x2, y2, score
        and crop rotations (N, ), degrees. Boxes that break the box rule
        (:func:`~.boxes.box_problems`) are dropped with a warning, scores
        below :attr:`bbox_thr` dropped."""
        bboxes, scores, angles = self.detector.detect_oriented(image)
        bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
        scores = np.asarray(scores, np.float32).reshape(-1)
        angles = np.asarray(angles, np.float32).reshape(-1)
        if not len(bboxes) == len(scores) == len(angles):
            raise ValueError(f'the detector returned {len(bboxes)} boxes, '
                             f'{len(scores)} scores and {len(angles)} angles')
        problems = box_problems(bboxes, image.shape)
        with np.errstate(invalid='ignore'):
            keep = ~np.array([bool(p) for p in problems], bool) & (
                scores >= 0) & (scores <= 1) & np.isfinite(angles)
        if not keep.all():
            warnings.warn(
                f'the detector returned {int((~keep).sum())} box(es) that '
                'break the box rule or have a score outside [0, 1] or a '
                f'non-finite angle ({[p for p in problems if p][:1]}); they '
                'are dropped')
        keep &= scores >= self.bbox_thr
        boxes = np.column_stack([bboxes, scores])[keep]
        return boxes.reshape(-1, 5), crop_rotations(angles[keep],
                                                    self.upright)

    def predict(self, images: List[ImageType], bboxes: List, angles: List
                ) -> List[List[Face]]:
        """The faces of each image in the model's own landmarks (what
        ``__call__`` returns before ``keypoint_scheme``); ``bboxes`` and
        ``angles``: one entry per image, ``None`` to detect."""
        loaded, boxes, rotations, checks, detected = [], [], [], [], []
        for image, image_boxes, image_angles in zip(images, bboxes, angles):
            image = load_image(image, self.max_pixels)
            if image_boxes is None:
                if image_angles is not None:
                    raise ValueError('angles are the rotations of given '
                                     'bboxes; pass bboxes too')
                found, rotation = self.detect(image)
                check = rotation != 0  # the detector's eyes may be wrong
            else:
                given = check_given_boxes(image_boxes, image.shape)
                found = np.column_stack([given, np.ones(len(given))])
                rotation = check_angles(image_angles, len(given))
                check = np.zeros(len(given), bool)
            loaded.append(image)
            detected.append(np.full(len(found), image_boxes is None))
            boxes.append(found.astype(np.float32))
            rotations.append(rotation)
            checks.append(check)
        counts = [len(b) for b in boxes]
        if not sum(counts):
            return [[] for _ in images]
        owners = np.repeat(np.arange(len(loaded)), counts)
        boxes = np.concatenate(boxes)
        keypoints, scores, visible, rotation = self._landmarks(
            loaded, owners, boxes[:, :4], np.concatenate(rotations),
            np.concatenate(checks))
        detected = np.concatenate(detected)
        if self.refine_boxes and detected.any():
            keypoints, scores, visible, rotation = self._second_pass(
                loaded, owners, (keypoints, scores, visible, rotation),
                detected, boxes[:, :4])
        faces = []
        for index, box in enumerate(boxes):
            face = dict(bbox=box[:4], bbox_score=float(box[4]),
                        bbox_angle=float(rotation[index]),
                        keypoints=keypoints[index],
                        keypoint_scores=scores[index])
            if visible is not None:
                face['keypoint_visible'] = visible[index]
            faces.append(face)
        starts = np.cumsum([0] + counts)
        return [faces[a:b] for a, b in zip(starts[:-1], starts[1:])]

    def _landmarks(self, images: List[np.ndarray], owners: np.ndarray,
                   bboxes: np.ndarray, rotations: np.ndarray,
                   check: np.ndarray) -> tuple:
        """Keypoints (N, K, 2), scores (N, K), visibility (N, K) or
        ``None`` in image pixels and the rotations used (N, ), batch by
        batch."""
        size = self.info.input_size
        centers, scales = box_to_center_scale(bboxes, self.info.bbox_padding,
                                              size)
        if size[0] != size[1]:
            check = np.zeros_like(check)  # (quarter turns need a square)
        parts = []
        for start in range(0, len(bboxes), self.batch_size):
            faces = slice(start, start + self.batch_size)
            crops = np.concatenate([
                cut_crops(images[owner], centers[i:i + 1], scales[i:i + 1],
                          rotations[i:i + 1], size)
                for i, owner in zip(range(len(bboxes))[faces], owners[faces])
            ])
            parts.append(self._run(crops, check[faces]))
        keypoints, scores, turns = (np.concatenate([p[i] for p in parts])
                                    for i in range(3))
        visible = None if parts[0][3] is None else np.concatenate(
            [p[3] for p in parts])
        # (the keypoints are back in the crop cut at ``rotations``; a chosen
        # quarter turn changes the rotation the face was seen at)
        keypoints = crop_to_image(keypoints, centers, scales, size, rotations)
        return keypoints, scores, visible, turned_rotation(rotations, turns)

    def _second_pass(self, images: List[np.ndarray], owners: np.ndarray,
                     first: tuple, faces: np.ndarray,
                     first_boxes: np.ndarray) -> tuple:
        """The landmarks again, each face of the mask ``faces`` (N, )
        cropped from its first-pass landmarks (:attr:`refine_boxes`). A
        face keeps its first pass where its landmark box breaks the box
        rule or overlaps its first box (N, 4) by less than
        :data:`REFINE_MIN_IOU` (landmarks that left the face: the second
        pass corrects a box, it does not move it elsewhere), or where the
        second pass scores lower (mean landmark score)."""
        keypoints = first[0]
        pairs = [oriented_landmark_box(points, self.info.eyes if
                                       self.upright else None)
                 for points in keypoints]
        boxes = np.stack([box for box, _ in pairs]).astype(np.float32)
        angles = np.array([angle for _, angle in pairs], np.float32)
        good = faces & np.isfinite(boxes).all(1) & np.all(
            boxes[:, 2:] - boxes[:, :2] >= 1, 1)
        with np.errstate(invalid='ignore'):
            good &= np.array([box_iou(a[None], b[None])[0, 0] for a, b in
                              zip(boxes, first_boxes)]) >= REFINE_MIN_IOU
        for index in np.flatnonzero(good):
            shape = images[owners[index]].shape
            good[index] = not box_problems(boxes[index:index + 1], shape)[0]
        if not good.any():
            return first
        second = self._landmarks(images, owners[good], boxes[good],
                                 angles[good], np.zeros(int(good.sum()), bool))
        # (a pass from poor landmarks can be worse: the higher mean
        # landmark score wins, as among quarter turns)
        better = second[1].mean(-1) >= first[1][good].mean(-1)
        good[np.flatnonzero(good)[~better]] = False
        second = tuple(None if part is None else part[better]
                       for part in second)
        merged = []
        for old, new in zip(first, second):
            if old is None:
                merged.append(None)
                continue
            old = old.copy()
            old[good] = new
            merged.append(old)
        return tuple(merged)

    def _run(self, crops: np.ndarray, check: np.ndarray) -> tuple:
        """One batch of crops through the session (turned copies of the
        checked ones, flip test): keypoints in crop pixels, scores, quarter
        turns chosen, visibility or ``None``."""
        owner, turns = turn_plan(check)
        if len(owner) > len(crops):
            crops = np.stack([np.rot90(crops[i], turn, axes=(-2, -1))
                              for i, turn in zip(owner, turns)])
        if self.flip_test:
            # (the crops and their mirror images in one session call)
            both = self.session(np.concatenate([crops, crops[..., ::-1]]))
            count = len(crops)
            outputs = flip_average(
                tuple(o[:count] for o in both),
                tuple(o[count:] for o in both), self.info.flip_indices,
                self.info.input_size[0])
        else:
            outputs = self.session(crops)
        keypoints, scores = outputs[:2]
        visible = outputs[2] if len(outputs) > 2 else None
        if len(owner) > len(check):
            side = crops.shape[-1]
            keypoints = np.stack([unturn_keypoints(points, turn, side)
                                  for points, turn in zip(keypoints, turns)])
            chosen = choose_turns(owner, scores.mean(-1), len(check))
            keypoints, scores, turns = (keypoints[chosen], scores[chosen],
                                        turns[chosen])
            visible = None if visible is None else visible[chosen]
        return keypoints, scores, turns, visible

    @property
    def eyes(self) -> Optional[List[List[int]]]:
        """The image-left and image-right eye's indices in the output
        landmarks (``keypoint_scheme``), or ``None``."""
        if self.info.eyes is None or self.scheme is None:
            return self.info.eyes
        eyes = [[j for j, i in enumerate(self.scheme) if i in eye]
                for eye in self.info.eyes]
        return eyes if all(eyes) else None

    def to_scheme(self, faces: List[Face]) -> List[Face]:
        """The faces with their landmarks in ``keypoint_scheme`` (in
        place)."""
        if self.scheme is not None:
            for face in faces:
                for key in ('keypoints', 'keypoint_scores',
                            'keypoint_visible'):
                    if key in face:
                        face[key] = np.asarray(face[key])[self.scheme]
        return faces
