# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Landmarks scored as a user gets them: the detector's faces (not the
ground-truth boxes) matched to the annotated faces, a missed face counted
as missed, and the NME of the found ones grouped by pose."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from torch import nn

from hih_mmpose.evaluation.functional import landmark_errors, per_image_nme


def match_face(faces: List[dict], gt: np.ndarray) -> Optional[int]:
    """Index of the found face that belongs to an annotated face: among the
    faces whose box centre lies inside the ground-truth landmarks' bounding
    box, the one closest to its centre; ``None`` if there is none.

    Args:
        faces (list[dict]): ``FaceLandmarker`` results (``bbox`` xyxy).
        gt (np.ndarray): Ground-truth landmarks (K, 2).

    Returns:
        int | None: The index in ``faces``.
    """
    low, high = gt.min(0), gt.max(0)
    best, best_distance = None, np.inf
    for index, face in enumerate(faces):
        centre = (np.asarray(face['bbox'][:2]) +
                  np.asarray(face['bbox'][2:])) / 2
        if np.all(centre >= low) and np.all(centre <= high):
            distance = np.linalg.norm(centre - (low + high) / 2)
            if distance < best_distance:
                best, best_distance = index, distance
    return best


def face_nme(keypoints: np.ndarray, gt: np.ndarray, visible: np.ndarray,
             metric: nn.Module) -> float:
    """NME (a fraction) of one face's predicted landmarks (K, 2) against
    the ground truth (K, 2), over the ``visible`` (K, ) landmarks,
    normalised as ``metric`` (a ``FaceAlignmentMetric``) does."""
    box = np.concatenate([gt.min(0), gt.max(0)])[None]
    norm = metric.norm_distance(gt[None], box)
    return float(per_image_nme(landmark_errors(keypoints[None], gt[None],
                                               norm), visible[None])[0])


def binned_nme(values: np.ndarray, nmes: np.ndarray, found: np.ndarray,
               edges: Sequence[float]) -> List[Dict[str, float]]:
    """Faces grouped by ``values`` (e.g. ``|yaw|``) into ``[edges[i],
    edges[i + 1])`` bins (the last bin closed).

    Args:
        values (np.ndarray): The grouping value per face (N, ).
        nmes (np.ndarray): NME per face (N, ), NaN where not found.
        found (np.ndarray): Whether the detector found the face (N, ).
        edges (Sequence[float]): Bin edges, increasing.

    Returns:
        list[dict]: Per bin ``low``, ``high``, ``faces``, ``found``,
        ``nme`` (mean over found faces) and ``failures`` (share of the
        bin's faces missed or with NME >= 0.1).
    """
    rows = []
    for index, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
        last = index == len(edges) - 2
        chosen = (values >= low) & ((values <= high) if last else
                                    (values < high))
        count = int(chosen.sum())
        hit = chosen & found
        failed = chosen & (~found | ~(np.nan_to_num(nmes, nan=1.) < 0.1))
        rows.append(dict(
            low=low, high=high, faces=count, found=int(hit.sum()),
            nme=float(np.mean(nmes[hit])) if hit.any() else float('nan'),
            failures=float(failed.sum() / count) if count else float('nan')))
    return rows
