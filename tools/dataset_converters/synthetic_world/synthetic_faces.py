# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Synthetic face images with exact WFLW-semantic 98-point landmarks.

Each face is a 3-D landmark template (face contour, eyebrows, nose, eyes,
lips, pupils; see :mod:`landmark_schemes`) deformed by an expression (mouth
opening, smile, eyebrow raise, eye opening, gaze), rotated in 3-D (yaw,
pitch, roll), projected orthographically, scaled and placed in the image,
then drawn with OpenCV at 1/16 px precision over a cluttered background, with
random skin, hair and lip colours, lighting, occluders, blur and noise.
The landmarks are the points the drawing was made from, so they are exact.

This is the embedded default data set: it needs no download and trains a
small HIH model on CPU in minutes. It is not a substitute for WFLW.
"""
from typing import Dict, Optional, Tuple

import cv2
import numpy as np

# WFLW flip pairs (mmpose's wflw.py): the right half of the template is the
# mirror image of the left half.
WFLW_FLIP_PAIRS = (
    [(i, 32 - i) for i in range(16)] +
    [(33, 46), (34, 45), (35, 44), (36, 43), (37, 42), (38, 50), (39, 49),
     (40, 48), (41, 47), (55, 59), (56, 58), (60, 72), (61, 71), (62, 70),
     (63, 69), (64, 68), (65, 75), (66, 74), (67, 73), (76, 82), (77, 81),
     (78, 80), (83, 87), (84, 86), (88, 92), (89, 91), (93, 95), (96, 97)])

SHIFT = 4  # cv2 drawing with 4 fractional bits: 1/16 px precision
SKIN_TONES = np.array([[224, 198, 176], [198, 160, 134], [168, 120, 90],
                       [120, 84, 60], [80, 56, 42], [236, 210, 196]],
                      np.float64)  # RGB


def face_template(mouth_open: float = 0., smile: float = 0.,
                  brow_raise: float = 0., eye_open: float = 1.,
                  gaze: Tuple[float, float] = (0., 0.)) -> np.ndarray:
    """3-D landmarks of a frontal face in face units (x right, y down, z
    towards the camera; the face is about 2 units wide).

    Args:
        mouth_open (float): Lip separation, 0 (closed) to ~0.25.
        smile (float): Mouth-corner lift and widening, -0.05 to ~0.1.
        brow_raise (float): Eyebrow lift, ~-0.05 to 0.12.
        eye_open (float): Eyelid opening factor, ~0.3 to 1.3.
        gaze (tuple): Pupil offset (x, y) in face units.

    Returns:
        np.ndarray: Landmarks in shape (98, 3).
    """
    points = np.zeros((98, 2))
    angle = np.pi * np.linspace(0, 1, 33)
    points[:33, 0] = -np.cos(angle) * (1 - 0.18 * np.sin(angle)**4)
    points[:33, 1] = -0.15 + (1.28 + 0.5 * mouth_open) * np.sin(angle)

    def brow_y(s):
        return -0.6 - brow_raise - 0.1 * np.sin(np.pi * (0.3 + 0.7 * s))

    upper = np.linspace(0, 1, 5)  # outer -> inner
    lower = np.array([0.8, 0.6, 0.4, 0.2])  # inner -> outer
    points[33:38] = np.column_stack([-0.82 + 0.64 * upper, brow_y(upper)])
    points[38:42] = np.column_stack(
        [-0.82 + 0.64 * lower, brow_y(lower) + 0.07 + 0.02 * lower])

    points[51:55] = np.column_stack([np.zeros(4), np.linspace(-0.42, 0.12, 4)])
    points[55:58] = [[-0.21, 0.2], [-0.1, 0.24], [0., 0.27]]

    centre_x, centre_y, half_width = -0.42, -0.3, 0.2
    up, down = 0.095 * eye_open, 0.07 * eye_open
    lid = np.array([0.25, 0.5, 0.75])
    points[60] = [centre_x - half_width, centre_y]
    points[61:64] = np.column_stack([
        centre_x - half_width + 2 * half_width * lid,
        centre_y - up * np.sin(np.pi * lid)
    ])
    points[64] = [centre_x + half_width, centre_y]
    points[65:68] = np.column_stack([
        centre_x - half_width + 2 * half_width * lid[::-1],
        centre_y + down * np.sin(np.pi * lid[::-1])
    ])

    mouth_y, mouth_w = 0.62, 0.38 + 0.4 * max(smile, 0)
    corner_y = mouth_y - smile
    points[76] = [-mouth_w, corner_y]
    points[77:80] = [[-mouth_w * 0.62, mouth_y - 0.07],
                     [-mouth_w * 0.25, mouth_y - 0.1], [0., mouth_y - 0.08]]
    bottom = mouth_y + 0.13 + mouth_open
    points[85] = [0., bottom]
    points[86:88] = [[-mouth_w * 0.35, bottom - 0.02],
                     [-mouth_w * 0.7, (bottom + corner_y) / 2]]
    points[88:91] = [[-mouth_w * 0.75, corner_y + 0.01],
                     [-mouth_w * 0.35, mouth_y - 0.02], [0., mouth_y - 0.02]]
    points[94] = [0., mouth_y + mouth_open]
    points[95] = [-mouth_w * 0.35, mouth_y + 0.92 * mouth_open]

    for first, second in WFLW_FLIP_PAIRS[16:-1]:
        # the lower lips were built on the image-left side, whose indices
        # are the larger ones of their pairs
        source, target = ((second, first) if first in (83, 84, 93) else
                          (first, second))
        points[target] = points[source] * [-1, 1]
    points[96] = [centre_x + gaze[0], centre_y + gaze[1]]
    points[97] = [-centre_x + gaze[0], centre_y + gaze[1]]

    depth = 0.55 * np.sqrt(np.clip(1 - points[:, 0]**2, 0, 1))
    depth[51:55] += np.linspace(0.1, 0.4, 4)  # nose bridge rises to the tip
    depth[55:60] += 0.15
    return np.column_stack([points, depth])


def rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """3x3 rotation (radians): yaw about y, then pitch about x, then roll
    about the viewing axis."""
    cy, sy = np.cos(yaw), np.sin(yaw)
    cp, sp = np.cos(pitch), np.sin(pitch)
    cr, sr = np.cos(roll), np.sin(roll)
    yaw_m = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    pitch_m = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    roll_m = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
    return roll_m @ pitch_m @ yaw_m


def sample_face(rng: np.random.Generator, image_size: int) -> Dict:
    """Random shape, pose, placement and appearance of one face."""
    half_width = image_size * rng.uniform(0.2, 0.32)
    margin = half_width * 1.4
    return dict(
        expression=dict(
            mouth_open=rng.choice([0., rng.uniform(0, 0.25)]),
            smile=rng.uniform(-0.04, 0.1),
            brow_raise=rng.uniform(-0.04, 0.12),
            eye_open=rng.uniform(0.35, 1.3),
            gaze=tuple(rng.uniform(-0.06, 0.06, 2))),
        rotation=rotation(*np.radians([rng.uniform(-40, 40),
                                       rng.uniform(-20, 20),
                                       rng.uniform(-30, 30)])),
        scale=half_width,
        centre=rng.uniform(margin, image_size - margin, 2),
        skin=SKIN_TONES[rng.integers(len(SKIN_TONES))] *
        rng.uniform(0.85, 1.1),
        hair=rng.uniform(10, 120, 3) * [1, 0.8, 0.6],
        lips=np.array([rng.uniform(120, 200), rng.uniform(40, 90),
                       rng.uniform(50, 100)]),
        iris=rng.uniform(20, 140, 3))


def project(points: np.ndarray, face: Dict) -> np.ndarray:
    """Face-unit 3-D points (M, 3) -> image pixels (M, 2)."""
    rotated = points @ face['rotation'].T
    return rotated[:, :2] * face['scale'] + face['centre']


def _pts(points: np.ndarray) -> np.ndarray:
    return np.round(points * (1 << SHIFT)).astype(np.int32)[:, None, :]


def _fill(image, points, colour) -> None:
    cv2.fillPoly(image, [_pts(points)], tuple(map(float, colour)),
                 cv2.LINE_AA, SHIFT)


def _line(image, points, colour, thickness, closed=False) -> None:
    cv2.polylines(image, [_pts(points)], closed, tuple(map(float, colour)),
                  max(1, int(round(thickness))), cv2.LINE_AA, SHIFT)


def _background(rng: np.random.Generator, size: int) -> np.ndarray:
    image = np.empty((size, size, 3), np.float64)
    ramp = np.linspace(0, 1, size)[:, None, None]
    image[:] = rng.uniform(0, 255, 3) * (1 - ramp) + rng.uniform(0, 255,
                                                                  3) * ramp
    image = np.ascontiguousarray(image.astype(np.uint8))
    for _ in range(rng.integers(4, 14)):
        colour = tuple(map(float, rng.uniform(0, 255, 3)))
        x, y = rng.uniform(0, size, 2)
        extent = rng.uniform(0.03, 0.3) * size
        kind = rng.integers(3)
        if kind == 0:
            cv2.circle(image, (int(x), int(y)), int(extent), colour, -1,
                       cv2.LINE_AA)
        elif kind == 1:
            cv2.rectangle(image, (int(x), int(y)),
                          (int(x + extent), int(y + extent * 0.6)), colour,
                          -1)
        else:
            end = (int(x + rng.normal() * extent), int(y + rng.normal() *
                                                       extent))
            cv2.line(image, (int(x), int(y)), end, colour,
                     int(rng.integers(1, 6)), cv2.LINE_AA)
    return image


def render_face(rng: np.random.Generator,
                image_size: int = 192) -> Tuple[np.ndarray, np.ndarray]:
    """Draw one random face.

    Args:
        rng (np.random.Generator): Random generator.
        image_size (int): Side of the square image. Defaults to ``192``.

    Returns:
        tuple: ``image`` (H, W, 3) uint8 BGR and ``landmarks`` (98, 2)
        float64 in pixels (pixel centres at integers).
    """
    face = sample_face(rng, image_size)
    background = _background(rng, image_size)
    image, landmarks = draw_face(background, face, rng.random() < 0.7)
    return _finish(rng, image, landmarks, face['scale']), landmarks


def draw_face(image: np.ndarray, face: Dict, hair: bool = True,
              hidden: Optional[np.ndarray] = None
              ) -> Tuple[np.ndarray, np.ndarray]:
    """Draw the face ``face`` (as :func:`sample_face` makes it) on a copy
    of ``image`` (H, W, 3) uint8 BGR, without noise or occluders.

    ``hidden`` (98, ) bool marks landmarks turned away from the camera
    (see :mod:`synthetic_wild`): a feature (brow, eye, nose, mouth) most of
    whose landmarks are hidden is not drawn.

    Returns:
        tuple: the drawing (H, W, 3) uint8 and the landmarks (98, 2) in
        pixels (pixel centres at integers).
    """
    image = np.ascontiguousarray(image).copy()
    template = face_template(**face['expression'])
    landmarks = project(template, face)
    skin, scale = face['skin'][::-1], face['scale']  # RGB -> BGR

    angle = np.linspace(0, np.pi, 17)
    forehead = np.column_stack([np.cos(angle), -0.15 - 0.95 * np.sin(angle),
                                0.3 * np.sin(angle)])
    neck = np.array([[-0.45, 0.7, 0.], [0.45, 0.7, 0.], [0.5, 2.5, 0.],
                     [-0.5, 2.5, 0.]])
    _fill(image, project(neck, face), skin * 0.8)
    if hair:
        hair_points = forehead * [1.12, 1.18, 1] + [0, -0.05, 0]
        hair_points = np.concatenate(
            [hair_points, [[-1.1, 0.3, 0], [1.1, 0.3, 0]]])
        _fill(image, project(hair_points[np.r_[17:19, 0:17]], face),
              face['hair'][::-1])
    def shown(indices) -> bool:
        return hidden is None or hidden[indices].mean() <= 0.5

    _fill(image, np.concatenate([landmarks[:33], project(forehead, face)]),
          skin)
    for brow in (slice(33, 42), slice(42, 51)):
        if shown(brow):
            _fill(image, landmarks[brow], face['hair'][::-1] * 0.6)

    eye_mask = np.zeros(image.shape[:2], np.uint8)
    iris = image.copy()
    eyes = [(eye, pupil) for eye, pupil in ((slice(60, 68), 96),
                                            (slice(68, 76), 97))
            if shown(eye)]
    for eye, pupil in eyes:
        _fill(image, landmarks[eye], (235, 235, 240))
        cv2.fillPoly(eye_mask, [_pts(landmarks[eye])], 255, cv2.LINE_AA,
                     SHIFT)
        centre = tuple(int(v) for v in np.round(landmarks[pupil] *
                                                (1 << SHIFT)))
        cv2.circle(iris, centre, int(0.085 * scale * (1 << SHIFT)),
                   tuple(map(float, face['iris'])), -1, cv2.LINE_AA, SHIFT)
        cv2.circle(iris, centre, int(0.035 * scale * (1 << SHIFT)),
                   (15., 15., 15.), -1, cv2.LINE_AA, SHIFT)
    alpha = (eye_mask[..., None] / 255.) * (iris != image).any(-1,
                                                               keepdims=True)
    image = (image * (1 - alpha) + iris * alpha).astype(np.uint8)
    for eye, _ in eyes:
        _line(image, landmarks[eye], skin * 0.45, scale * 0.02, closed=True)

    _line(image, landmarks[51:55], skin * 0.75, scale * 0.025)
    _line(image, landmarks[55:60], skin * 0.6, scale * 0.03)
    if not shown(slice(76, 96)):
        return image, landmarks
    _fill(image, landmarks[76:88], face['lips'][::-1])
    if np.linalg.norm(landmarks[94] - landmarks[90]) > 0.02 * scale:
        _fill(image, landmarks[88:96], (40., 30., 60.))
    else:
        _line(image, landmarks[88:93], face['lips'][::-1] * 0.6,
              scale * 0.02)
    return image, landmarks


def _finish(rng: np.random.Generator, image: np.ndarray,
            landmarks: np.ndarray, scale: float) -> np.ndarray:
    """Occluder, lighting, blur and noise."""
    size = image.shape[0]
    if rng.random() < 0.4:
        centre = landmarks[rng.integers(98)] + rng.normal(0, 0.1 * scale, 2)
        axes = rng.uniform(0.2, 0.5, 2) * scale
        colour = tuple(map(float, rng.uniform(0, 255, 3)))
        if rng.random() < 0.5:
            cv2.ellipse(image, tuple(int(v) for v in centre),
                        tuple(int(v) for v in axes), rng.uniform(0, 180), 0,
                        360, colour, -1, cv2.LINE_AA)
        else:
            top_left = centre - axes
            cv2.rectangle(image, tuple(int(v) for v in top_left),
                          tuple(int(v) for v in centre + axes), colour, -1)
    image = image.astype(np.float64)
    if rng.random() < 0.5:
        direction = rng.normal(size=2)
        grid = np.mgrid[:size, :size][::-1].transpose(1, 2, 0) / size - 0.5
        image *= (1 + rng.uniform(0.2, 0.7) * (grid @ direction))[..., None]
    image = image * rng.uniform(0.6, 1.3) + rng.uniform(-30, 30)
    if rng.random() < 0.3:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.6, 2.5))
    image += rng.normal(0, rng.uniform(0, 8), image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)
