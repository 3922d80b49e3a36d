# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The orientation check of turned face crops, one implementation for
every inference path.

A detector's eye keypoints are unreliable on faces far from upright
(BlazeFace finds some upside-down faces as they are and places their eyes
as if upright). A crop marked for the check is also run at its three other
quarter turns (``np.rot90`` / ``torch.rot90`` of the square crop, exact, no
resampling), each turn's keypoints are turned back
(:func:`~hih_mmpose.utils.crop_transforms.unturn_crop_keypoints`) and the
turn with the highest mean keypoint score is kept: a model trained on
upright-ish faces scores a crop the right way up higher than one a quarter
or half turn off (docs/inference.md, "Faces at any roll").

``UprightTopdownPoseEstimator`` (mmpose's path: ``MMPoseInferencer``,
``inference_topdown``, the landmarker's flip-test path) and the landmarker's
crop path (bf16 / int8, ONNX Runtime, OpenVINO) both plan, turn and choose
with these functions, so they give the same landmarks.
"""
from typing import Sequence, Tuple

import numpy as np


def turn_plan(check: Sequence[bool],
              square: bool = True) -> Tuple[np.ndarray, np.ndarray]:
    """Which crops to run: turn 0 of every face, turns 1-3 as well for the
    faces marked ``check`` (only the half turn for crops that are not
    square).

    Args:
        check (Sequence[bool]): Per face, whether to check it (N, ).
        square (bool): Whether the crops are square. Defaults to ``True``.

    Returns:
        tuple: ``owner`` (M, ), the face of each crop to run, and ``turns``
        (M, ), its counter-clockwise quarter turns; a face's crops are
        consecutive, turn 0 first.
    """
    checked_turns = (0, 1, 2, 3) if square else (0, 2)
    owner, turns = [], []
    for index, marked in enumerate(np.asarray(check, bool).reshape(-1)):
        for turn in (checked_turns if marked else (0, )):
            owner.append(index)
            turns.append(turn)
    return np.asarray(owner, np.int64), np.asarray(turns, np.int64)


def choose_turns(owner: np.ndarray, mean_scores: np.ndarray,
                 count: int) -> np.ndarray:
    """Per face, the crop with the highest mean keypoint score (the first
    of equal ones, so turn 0 wins a tie).

    Args:
        owner (np.ndarray): The face of each crop run (M, ).
        mean_scores (np.ndarray): Each crop's mean keypoint score (M, ).
        count (int): Number of faces N.

    Returns:
        np.ndarray: Index into the M crops of each face's choice (N, ).
    """
    owner = np.asarray(owner)
    mean_scores = np.asarray(mean_scores, np.float64)
    chosen = np.empty(count, np.int64)
    for index in range(count):
        candidates = np.flatnonzero(owner == index)
        chosen[index] = candidates[mean_scores[candidates].argmax()]
    return chosen


def turned_rotation(rotation: np.ndarray, turns: np.ndarray) -> np.ndarray:
    """The crop rotation (degrees, mmpose's ``bbox_rotation``) of a crop at
    ``rotation`` turned by ``turns`` counter-clockwise quarter turns: one
    turn takes the crop's x axis to its old y axis, i.e. ``rotation + 90``;
    wrapped into ``[-180, 180)`` where turned, unchanged where not.

    Args:
        rotation (np.ndarray): Crop rotations (N, ), degrees.
        turns (np.ndarray): Quarter turns (N, ).

    Returns:
        np.ndarray: The rotations (N, ), float32.
    """
    rotation = np.asarray(rotation, np.float64).reshape(-1)
    turns = np.asarray(turns).reshape(-1)
    turned = (rotation + 90. * turns + 180.) % 360. - 180.
    return np.where(turns % 4 == 0, rotation, turned).astype(np.float32)
