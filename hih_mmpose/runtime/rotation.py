# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Which way up a face is cropped: every rotation rule of the runtime.

- A detector that gives eye keypoints (BlazeFace) gives each face the crop
  rotation of its eye line (:func:`eye_line_angle`); a face rolled less than
  :data:`MIN_ROLL` degrees is cropped as boxed (:func:`crop_rotations`), so
  upright faces give exactly what they give without rotation.
- The eyes of a detector are unreliable on faces far from upright, so a
  detected face rolled by :data:`MIN_ROLL` or more is also run at its three
  other quarter turns (``np.rot90`` of the square crop: exact, no
  resampling; :func:`turn_plan`), each turn's keypoints are turned back
  (:func:`unturn_keypoints`) and the turn with the highest mean keypoint
  score is kept (:func:`choose_turns`, :func:`turned_rotation`).
- In video, a tracked face is cropped along the eye line of its last
  landmarks (:func:`oriented_landmark_box`).

Rotation convention (mmpose's ``bbox_rotation``): a crop turned by ``r``
degrees has its x axis along ``(cos r, sin r)`` in the image (y down).
"""
from typing import Optional, Sequence, Tuple

import numpy as np

#: faces rolled less than this (degrees) are cropped as boxed
MIN_ROLL = 15.


def eye_line_angle(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The crop rotation (degrees, in ``(-180, 180]``) that makes a face
    upright, from the centres (..., 2) of the eye on the image left of the
    upright face (the subject's right eye) and of the other eye."""
    delta = np.asarray(right, np.float64) - np.asarray(left, np.float64)
    return np.degrees(np.arctan2(delta[..., 1], delta[..., 0]))


def crop_rotations(angles: np.ndarray, upright: bool = True) -> np.ndarray:
    """Detector angles (N, ) -> crop rotations (N, ) float32: 0 without
    ``upright`` or below :data:`MIN_ROLL`, else the angle."""
    angles = np.asarray(angles, np.float32).reshape(-1)
    if not upright:
        return np.zeros_like(angles)
    return np.where(np.abs(angles) < MIN_ROLL, 0., angles).astype(np.float32)


def turn_plan(check: Sequence[bool]) -> Tuple[np.ndarray, np.ndarray]:
    """The crops to run: turn 0 of every face, turns 1-3 as well for the
    faces marked ``check`` (N, ) bool.

    Returns:
        tuple: ``owner`` (M, ), the face of each crop, and ``turns`` (M, ),
        its counter-clockwise quarter turns; a face's crops are
        consecutive, turn 0 first.
    """
    owner, turns = [], []
    for index, marked in enumerate(np.asarray(check, bool).reshape(-1)):
        for turn in ((0, 1, 2, 3) if marked else (0, )):
            owner.append(index)
            turns.append(turn)
    return np.asarray(owner, np.int64), np.asarray(turns, np.int64)


def choose_turns(owner: np.ndarray, mean_scores: np.ndarray,
                 count: int) -> np.ndarray:
    """Per face, the index (N, ) into the M crops run of the one with the
    highest mean keypoint score (the first of equal ones: turn 0 wins a
    tie)."""
    owner = np.asarray(owner)
    mean_scores = np.asarray(mean_scores, np.float64)
    chosen = np.empty(count, np.int64)
    for index in range(count):
        candidates = np.flatnonzero(owner == index)
        chosen[index] = candidates[mean_scores[candidates].argmax()]
    return chosen


def unturn_keypoints(keypoints: np.ndarray, turns: int,
                     side: int) -> np.ndarray:
    """Keypoints (..., 2) found in ``np.rot90(crop, turns)`` of a square
    crop ``side`` pixels wide, in the crop's own pixels.

    One counter-clockwise turn moves the pixel centred at (x, y) to
    (y, side - 1 - x); this undoes ``turns`` of them, exactly.
    """
    points = np.array(keypoints, copy=True)
    for _ in range(int(turns) % 4):
        points = np.stack([side - 1 - points[..., 1], points[..., 0]], -1)
    return points.astype(np.asarray(keypoints).dtype, copy=False)


def turned_rotation(rotation: np.ndarray, turns: np.ndarray) -> np.ndarray:
    """The crop rotation (N, ) float32 of crops at ``rotation`` degrees
    turned by ``turns`` counter-clockwise quarter turns (one turn adds 90
    degrees); wrapped into ``[-180, 180)`` where turned."""
    rotation = np.asarray(rotation, np.float64).reshape(-1)
    turns = np.asarray(turns).reshape(-1)
    turned = (rotation + 90. * turns + 180.) % 360. - 180.
    return np.where(turns % 4 == 0, rotation, turned).astype(np.float32)


def landmark_box(keypoints: np.ndarray) -> np.ndarray:
    """The bounding box (4, ) x1, y1, x2, y2 of landmarks (K, 2): how the
    face datasets define a face box."""
    return np.concatenate([keypoints.min(0), keypoints.max(0)])


def oriented_landmark_box(keypoints: np.ndarray,
                          eyes: Optional[Tuple[Sequence[int],
                                               Sequence[int]]]
                          ) -> Tuple[np.ndarray, float]:
    """The box and crop rotation of a face from its landmarks (K, 2): the
    angle of its eye line and the landmarks' bounding box in that turned
    frame, as an xyxy box (4, ) about the same centre; below
    :data:`MIN_ROLL`, or without ``eyes`` (the index lists of the image-left
    and image-right eye), :func:`landmark_box` and 0."""
    if eyes is None:
        return landmark_box(keypoints), 0.
    left, right = (keypoints[list(eye)].mean(0) for eye in eyes)
    angle = float(eye_line_angle(left, right))
    if abs(angle) < MIN_ROLL:
        return landmark_box(keypoints), 0.
    theta = np.radians(angle)
    axes = np.array([[np.cos(theta), np.sin(theta)],
                     [-np.sin(theta), np.cos(theta)]])  # rows: crop x, y
    local = keypoints @ axes.T
    low, high = local.min(0), local.max(0)
    centre = ((low + high) / 2) @ axes
    half = (high - low) / 2
    return np.concatenate([centre - half, centre + half]), angle
