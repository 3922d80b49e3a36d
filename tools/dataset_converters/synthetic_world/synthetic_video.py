# Copyright (c) hih_mmpose contributors. All rights reserved.
"""A synthetic face video with exact landmarks: one face of the synthetic
set moving and turning along a smooth trajectory over a fixed background,
with fresh sensor noise in every frame; the ``'wild'`` motion turns the head
to profile and rolls it upside down and back."""
from typing import Iterator, Tuple

import numpy as np

from .synthetic_faces import _background, draw_face, rotation, sample_face


def face_video(num_frames: int = 300,
               frame_size: Tuple[int, int] = (640, 480),
               seed: int = 0,
               noise: float = 3.0,
               motion: str = 'mild'
               ) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    """Frames of one synthetic face on a smooth trajectory.

    The face (shape, expression, colours) and background are drawn once
    from ``seed``; over the clip the face's centre sweeps a Lissajous path
    over the middle of the frame, its size varies by +-20 %, and it turns
    (:func:`head_pose`): ``'mild'``: up to +-35 deg yaw, +-15 deg pitch and
    +-20 deg roll, sinusoids of periods between 4 and 10 s at 30 fps;
    ``'wild'``: yaw to +-80 deg twice per clip, +-15 deg pitch, and a roll
    from 0 through 180 deg (upside down, mid-clip) back to 0. Each frame
    gets independent Gaussian noise of ``noise`` grey levels.

    Args:
        num_frames (int): Frames. Defaults to ``300`` (10 s at 30 fps).
        frame_size (tuple): (width, height). Defaults to ``(640, 480)``.
        seed (int): Random seed of the face, background and noise.
        noise (float): Noise standard deviation. Defaults to ``3.0``.
        motion (str): ``'mild'`` or ``'wild'``. Defaults to ``'mild'``.

    Yields:
        tuple: ``frame`` (H, W, 3) uint8 BGR and ``landmarks`` (98, 2)
        float64 in pixels.
    """
    if motion not in ('mild', 'wild'):
        raise ValueError(f"motion must be 'mild' or 'wild', got {motion!r}")
    width, height = frame_size
    rng, face, background, hair, phases = _clip(frame_size, seed)
    base_scale = 0.18 * min(width, height)
    for index in range(num_frames):
        t = index / 30.
        face['centre'] = np.array([
            width / 2 + 0.22 * width * np.sin(2 * np.pi * t / 7 + phases[0]),
            height / 2 + 0.15 * height * np.sin(2 * np.pi * t / 5 +
                                                 phases[1])
        ])
        face['scale'] = base_scale * (1 + 0.2 * np.sin(2 * np.pi * t / 10 +
                                                       phases[2]))
        face['rotation'] = rotation(*np.radians(
            head_pose(index, num_frames, phases[3:], motion)))
        frame, landmarks = draw_face(background, face, hair)
        frame = frame + rng.normal(0, noise, frame.shape)
        yield np.clip(frame, 0, 255).astype(np.uint8), landmarks


def _clip(frame_size: Tuple[int, int], seed: int) -> tuple:
    """What :func:`face_video` draws once: its random generator, the face,
    the background, whether the face has hair, six trajectory phases."""
    width, height = frame_size
    rng = np.random.default_rng(seed)
    face = sample_face(rng, min(width, height))
    background = _background(rng, max(width, height))[:height, :width]
    hair = rng.random() < 0.7
    phases = rng.uniform(0, 2 * np.pi, 6)
    return rng, face, background, hair, phases


def video_head_poses(num_frames: int = 300,
                     frame_size: Tuple[int, int] = (640, 480),
                     seed: int = 0,
                     motion: str = 'mild') -> np.ndarray:
    """(yaw, pitch, roll) in degrees of every frame of the
    :func:`face_video` with these arguments, (T, 3)."""
    phases = _clip(frame_size, seed)[4]
    return np.array([
        head_pose(index, num_frames, phases[3:], motion)
        for index in range(num_frames)
    ])


def head_pose(index: int, num_frames: int, phases: np.ndarray,
              motion: str = 'mild') -> Tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees of frame ``index`` of
    :func:`face_video` (30 fps; ``phases``: three phases in radians)."""
    t = index / 30.
    pitch = 15 * np.sin(2 * np.pi * t / 4 + phases[1])
    if motion == 'wild':
        # yaw: +-80 deg, two full turns per clip; roll: 0 -> 180 -> 0
        fraction = index / max(num_frames - 1, 1)
        yaw = 80 * np.sin(4 * np.pi * fraction + phases[0])
        roll = 90 * (1 - np.cos(2 * np.pi * fraction))
        return float(yaw), float(pitch), float(roll)
    return (float(35 * np.sin(2 * np.pi * t / 6 + phases[0])), float(pitch),
            float(20 * np.sin(2 * np.pi * t / 8 + phases[2])))


def write_face_video(path: str, num_frames: int = 300,
                     frame_size: Tuple[int, int] = (640, 480),
                     seed: int = 0, fps: float = 30.,
                     motion: str = 'mild') -> np.ndarray:
    """Write :func:`face_video` to ``path`` with OpenCV (``.mp4``: mp4v,
    ``.avi``: MJPG) and return its landmarks (T, 98, 2)."""
    import cv2
    fourcc = 'MJPG' if path.lower().endswith('.avi') else 'mp4v'
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*fourcc), fps,
                             frame_size)
    if not writer.isOpened():
        raise OSError(f'OpenCV cannot write the video {path}')
    landmarks = []
    try:
        for frame, points in face_video(num_frames, frame_size, seed,
                                        motion=motion):
            writer.write(frame)
            landmarks.append(points)
    finally:
        writer.release()
    return np.stack(landmarks)
