# Copyright (c) hih_mmpose contributors. All rights reserved.
"""What the face detectors found last, with the crop rotation of each face,
for the pose test pipeline.

mmpose's top-down entry points (``MMPoseInferencer``, ``inference_topdown``
after ``inference_detector``, ``demo/topdown_demo_with_mmdet.py``) pass only
a detection's box and score on to the pose pipeline. A face detector
wrapped as an mmdet model (:class:`ImageFaceDetector`) records here, for
each image it ran on, its boxes and the rotation that makes each face
upright (BlazeFace: its eye line); the pose test pipeline's
:class:`~hih_mmpose.datasets.BBoxRotationFromDetector` looks a box up and
sets mmpose's ``bbox_rotation``. A record is found only for the same image
(its shape and a fingerprint of its pixels) and the same box (within 1e-3
pixels), and only in the thread that detected; each detector call replaces
the previous record.
"""
import hashlib
import threading
from typing import Optional, Sequence

import numpy as np

_RECORD = threading.local()

#: largest distance (pixels) between a box and a recorded box that match
BOX_TOLERANCE = 1e-3


def image_fingerprint(image: np.ndarray) -> tuple:
    """Shape and a hash of about 64 x 64 evenly spaced pixels of an image
    (H, W, C) (cheap for any size; the detector and the pose pipeline see
    the same pixels of one image)."""
    image = np.asarray(image)
    step_y = max(1, image.shape[0] // 64)
    step_x = max(1, image.shape[1] // 64)
    sample = np.ascontiguousarray(image[::step_y, ::step_x]).astype(
        np.uint8, copy=False)
    return image.shape, hashlib.blake2b(sample.tobytes(),
                                        digest_size=16).hexdigest()


def record_face_rotations(images: Sequence[np.ndarray],
                          bboxes: Sequence[np.ndarray],
                          angles: Sequence[np.ndarray]) -> None:
    """Replace the record with the faces of one detector call.

    Args:
        images (Sequence[np.ndarray]): The images (H, W, 3), uint8.
        bboxes (Sequence[np.ndarray]): Per image, the boxes (N, 4) x1, y1,
            x2, y2 in image pixels, as the detector returns them.
        angles (Sequence[np.ndarray]): Per image, the crop rotation of each
            box (N, ) in degrees (mmpose's ``bbox_rotation``).
    """
    _RECORD.faces = {
        image_fingerprint(image):
        (np.asarray(boxes, np.float64).reshape(-1, 4),
         np.asarray(rotations, np.float64).reshape(-1))
        for image, boxes, rotations in zip(images, bboxes, angles)
    }


def recorded_rotation(image: np.ndarray, bbox: np.ndarray) -> Optional[float]:
    """The recorded crop rotation (degrees) of a box in an image, ``None``
    when the last detector call did not find that box in that image.

    Args:
        image (np.ndarray): The image (H, W, 3).
        bbox (np.ndarray): One box, (4, ) or (1, 4) x1, y1, x2, y2.
    """
    faces = getattr(_RECORD, 'faces', None)
    if not faces:
        return None
    found = faces.get(image_fingerprint(image))
    if found is None:
        return None
    boxes, rotations = found
    distance = np.abs(boxes - np.asarray(bbox, np.float64).reshape(1, 4))
    matches = np.flatnonzero(distance.max(1) <= BOX_TOLERANCE)
    return float(rotations[matches[0]]) if len(matches) else None


def clear_face_rotations() -> None:
    """Forget the record (of this thread)."""
    _RECORD.faces = {}
