# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Video: detect once, then follow each face with its own landmarks."""
from typing import Callable, Dict, List, Optional

import numpy as np

from .boxes import box_iou, box_problems
from .image_io import ImageType, load_image
from .rotation import landmark_box, oriented_landmark_box
from .validation import check_number


def thumbnail(image: np.ndarray) -> np.ndarray:
    """32 x 24 grey thumbnail (float32) of a BGR frame, for cut detection."""
    import cv2
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return cv2.resize(grey, (32, 24),
                      interpolation=cv2.INTER_AREA).astype(np.float32)


class FaceTracker:
    """Face landmarks over video frames with few detector runs.

    The detector runs on the first frame, after a cut (the mean absolute
    difference of consecutive 32 x 24 grey thumbnails exceeds
    ``cut_threshold`` grey levels: a new shot), whenever a tracked face is
    lost (its mean landmark score falls below ``min_score``: the face left
    or was occluded) and, optionally, every ``redetect_every`` frames (to
    pick up faces that enter). In between, each face's box is the bounding
    box of its landmarks in the previous frame (:func:`landmark_box`; with
    the landmarker's ``upright`` on and a face rolled by ``MIN_ROLL`` or
    more, taken along the previous eye line and cropped turned by its
    angle, :func:`oriented_landmark_box`).
    Faces found by a detection keep the id of the tracked face whose box
    overlaps theirs most (IoU at least ``match_iou``), else get a new id;
    after a cut every face gets a new id. Each track can smooth its
    landmarks with its own filter.

    Landmark models keep confident landmarks on a new face that appears
    where the old one was, so a cut is found from the frames, not from the
    scores. On the synthetic video, consecutive frames differ by at most
    1.7 grey levels and cuts by 40-63; a camera pan of 8 px per frame on
    a 512 px photo by 13, of 30 px by 32 (which then re-detects, costing one
    detection).

    Example (not run: needs a trained checkpoint)::

        landmarker = Landmarker('hih_wflw.onnx')
        tracker = FaceTracker(landmarker,
                              smoothing=lambda: OneEuroFilter(1.0, 0.05))
        for frame in frames:
            for face in tracker(frame):
                face['track_id'], face['keypoints']

    Args:
        landmarker (Landmarker): Detector and landmark model (the runtime's
            :class:`~.landmarker.Landmarker` or the full stack's
            ``FaceLandmarker``); frames go through its ``predict``, the
            path of its ``__call__``.
        min_score (float): A face whose mean keypoint score is below this
            is lost. Defaults to ``0.3``.
        redetect_every (int, optional): Also detect every this many frames.
            Defaults to ``None`` (only when a face is lost).
        match_iou (float): Box IoU that carries a track id over a
            detection. Defaults to ``0.3``.
        cut_threshold (float, optional): Thumbnail difference that counts
            as a cut; ``None`` disables cut detection. Defaults to ``30``.
        smoothing (callable, optional): Makes one filter per track, called
            as ``filter(keypoints, time)`` (e.g. ``lambda:
            OneEuroFilter(1.0, 0.05)`` or ``lambda: EMAFilter(0.5)``).
            The next frame's box comes from the unsmoothed landmarks.
        fps (float): Frame rate, for the filters' time stamps when
            ``__call__`` gets none. Defaults to ``30``.
    """

    def __init__(self,
                 landmarker,
                 min_score: float = 0.3,
                 redetect_every: Optional[int] = None,
                 match_iou: float = 0.3,
                 cut_threshold: Optional[float] = 30.,
                 smoothing: Optional[Callable[[], Callable]] = None,
                 fps: float = 30.) -> None:
        if redetect_every is not None:
            check_number('redetect_every', redetect_every, 1, integer=True)
        # above 1: every face counts as lost (re-detect on every frame)
        check_number('min_score', min_score, 0)
        check_number('match_iou', match_iou, 0, 1)
        if cut_threshold is not None:
            check_number('cut_threshold', cut_threshold, 0)
        check_number('fps', fps, 1e-3)
        self.landmarker = landmarker
        self.min_score = min_score
        self.redetect_every = redetect_every
        self.match_iou = match_iou
        self.cut_threshold = cut_threshold
        self.smoothing = smoothing
        self.fps = fps
        self.reset()

    def reset(self) -> None:
        """Forget every track (e.g. before another video)."""
        self.tracks: List[Dict] = []
        self.frame_index = -1
        self.next_id = 0
        self.detections = 0  # frames on which the detector ran
        self.cuts = 0
        self.thumbnail: Optional[np.ndarray] = None

    def __call__(self, frame: ImageType,
                 time: Optional[float] = None) -> List[Dict]:
        """Faces of the next frame.

        Args:
            frame (str | np.ndarray): The frame (see :func:`load_image`).
            time (float, optional): Its time stamp in seconds (for the
                filters). Defaults to ``frame_index / fps``.

        Returns:
            list[dict]: One dict per face: ``track_id`` (int),
            ``detected`` (whether its box came from the detector in this
            frame), ``bbox`` (4, ), ``bbox_score``, ``bbox_angle`` (the
            crop rotation in degrees: from the detector's eye keypoints or
            the previous frame's eye landmarks when the landmarker's
            ``upright`` is on, else 0), ``keypoints`` (K, 2)
            (smoothed if ``smoothing``) and ``keypoint_scores`` (K, ).
        """
        image = load_image(frame, self.landmarker.max_pixels)
        self.frame_index += 1
        if time is None:
            time = self.frame_index / self.fps
        if self.cut_threshold is not None:
            small = thumbnail(image)
            if self.thumbnail is not None and np.abs(
                    small - self.thumbnail).mean() > self.cut_threshold:
                self.tracks = []  # a new shot: new faces, new ids
                self.cuts += 1
            self.thumbnail = small
        faces = None
        scheduled = self.redetect_every is not None and (
            self.frame_index % self.redetect_every == 0)
        if self.tracks and not scheduled:
            faces = self._follow(image)
        if faces is None:
            faces = self._detect(image)
        # (the tracks keep the unsmoothed landmarks for the next boxes)
        for face, track in zip(faces, self.tracks):
            if track['filter'] is not None:
                face['keypoints'] = track['filter'](face['keypoints'], time)
        # (and the model's own landmarks; the caller's scheme on output)
        return self.landmarker.to_scheme(faces)

    def _follow(self, image: np.ndarray) -> Optional[List[Dict]]:
        """Landmarks in the boxes of the previous frame's landmarks, or
        ``None`` when a face is lost."""
        boxes, angles = [], []
        for track in self.tracks:
            box, angle = landmark_box(track['keypoints']), 0.
            if self.landmarker.upright:
                box, angle = oriented_landmark_box(track['keypoints'],
                                                   self.landmarker.info.eyes)
            boxes.append(box)
            angles.append(angle)
        boxes = np.stack(boxes)
        angles = np.asarray(angles, np.float32)
        if not np.isfinite(angles).all() or any(
                box_problems(boxes, image.shape)) or np.any(
                    boxes[:, 2:] - boxes[:, :2] < 1):
            # landmarks collapsed, diverged or left the image: detect again
            return None
        found = self.landmarker.predict([image], [boxes], [angles])[0]
        keypoints = np.stack([face['keypoints'] for face in found])
        scores = np.stack([face['keypoint_scores'] for face in found])
        if not (scores.mean(axis=1) >= self.min_score).all():
            return None  # (a NaN score is lost too)
        faces = []
        for track, box, angle, kpts, kpt_scores in zip(
                self.tracks, boxes, angles, keypoints, scores):
            track['keypoints'] = kpts
            faces.append(dict(track_id=track['id'], detected=False,
                              bbox=box, bbox_score=track['bbox_score'],
                              bbox_angle=float(angle), keypoints=kpts,
                              keypoint_scores=kpt_scores))
        return faces

    def _detect(self, image: np.ndarray) -> List[Dict]:
        """Detect, take the landmarks and carry ids over by box IoU."""
        self.detections += 1
        found = self.landmarker.predict([image], [None], [None])[0]
        if not found:
            self.tracks = []
            return []
        boxes = np.stack([np.append(face['bbox'], face['bbox_score'])
                          for face in found])
        angles = [face['bbox_angle'] for face in found]
        keypoints = [face['keypoints'] for face in found]
        scores = [face['keypoint_scores'] for face in found]
        new_boxes = np.stack([landmark_box(k) for k in keypoints])
        ids: List[Optional[int]] = [None] * len(boxes)
        if self.tracks:
            old_boxes = np.stack(
                [landmark_box(t['keypoints']) for t in self.tracks])
            iou = box_iou(new_boxes, old_boxes)
            while iou.size and iou.max() >= self.match_iou:
                i, j = np.unravel_index(iou.argmax(), iou.shape)
                ids[i] = j
                iou[i, :] = iou[:, j] = -1
        tracks, faces = [], []
        for index, (box, angle, kpts, kpt_scores) in enumerate(
                zip(boxes, angles, keypoints, scores)):
            if ids[index] is not None:
                track = self.tracks[ids[index]]
            else:
                track = dict(id=self.next_id,
                             filter=self.smoothing() if self.smoothing
                             else None)
                self.next_id += 1
            track.update(keypoints=kpts, bbox_score=float(box[4]))
            tracks.append(track)
            faces.append(dict(track_id=track['id'], detected=True,
                              bbox=box[:4], bbox_score=float(box[4]),
                              bbox_angle=float(angle), keypoints=kpts,
                              keypoint_scores=kpt_scores))
        self.tracks = tracks
        return faces
