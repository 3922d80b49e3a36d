# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The "wild" profile of the synthetic faces: what makes real faces hard.

Beside the easy profile of :mod:`synthetic_faces` (mild poses, one face
size, unflagged occluders), a wild face has

- any pose: yaw to +-90 degrees, pitch to +-45, and roll over the full
  circle for a third of the faces (sideways, upside down);
- self-occlusion: landmarks on the far side of a turned face (the far
  contour, eye and brow) are still annotated at their true positions, as
  WFLW annotates them, flagged occluded, and the far features are not
  drawn;
- occluders like those over real faces: a hand, sunglasses, a face mask,
  hair strands, an object; a landmark under one is flagged occluded (the
  flag is read from the occluders' own mask, so it is exact);
- image quality: small faces (down to ~24 px between the outer eye
  corners, rendered small), motion blur, JPEG artefacts, under- and
  over-exposure, strong side light, make-up-like colours;
- WFLW's six attributes per face (large pose, expression, illumination,
  make-up, occlusion, blur), from which the dataset writes WFLW's subset
  files.

All landmarks stay exact: they are the points the drawing is made from.
"""
from typing import Dict, Tuple

import cv2
import numpy as np

from .synthetic_faces import (SKIN_TONES, _background, _fill, _line, _pts,
                              draw_face, face_template, rotation)

#: WFLW's attribute subsets, in the order of its annotation columns
ATTRIBUTES = ('largepose', 'expression', 'illumination', 'makeup',
              'occlusion', 'blur')

OCCLUDERS = ('hand', 'sunglasses', 'mask', 'hair', 'object')


def sample_wild_face(rng: np.random.Generator, image_size: int) -> Dict:
    """Random shape, pose, placement and appearance of one wild face
    (the keys of :func:`synthetic_faces.sample_face`, plus ``pose`` in
    degrees and ``makeup``)."""
    # log-uniform face size: the smallest has ~24 px between the outer eye
    # corners on a 192 px image
    half_width = image_size * np.exp(rng.uniform(np.log(0.1), np.log(0.3)))
    yaw, pitch = rng.uniform(-90, 90), rng.uniform(-45, 45)
    if rng.random() < 1 / 3:
        roll = rng.uniform(-180, 180)
    else:
        roll = float(np.clip(rng.normal(0, 15), -45, 45))
    margin = half_width * 1.3
    makeup = rng.random() < 0.25
    lips = (np.array([rng.uniform(150, 230), rng.uniform(0, 40),
                      rng.uniform(40, 140)]) if makeup else
            np.array([rng.uniform(120, 200), rng.uniform(40, 90),
                      rng.uniform(50, 100)]))
    return dict(
        expression=dict(
            mouth_open=rng.choice([0., rng.uniform(0, 0.35)]),
            smile=rng.uniform(-0.06, 0.14),
            brow_raise=rng.uniform(-0.05, 0.16),
            eye_open=rng.uniform(0.2, 1.4),
            gaze=tuple(rng.uniform(-0.07, 0.07, 2))),
        pose=(yaw, pitch, roll),
        rotation=rotation(*np.radians([yaw, pitch, roll])),
        scale=half_width,
        centre=rng.uniform(margin, image_size - margin, 2),
        skin=SKIN_TONES[rng.integers(len(SKIN_TONES))] *
        rng.uniform(0.8, 1.15),
        hair=rng.uniform(10, 120, 3) * [1, 0.8, 0.6],
        lips=lips,
        iris=rng.uniform(20, 140, 3),
        makeup=makeup,
        eye_shadow=rng.uniform(30, 160, 3))


def landmark_normals(template: np.ndarray) -> np.ndarray:
    """Outward unit normals (98, 3) of the template's surface at its
    landmarks (depth ``0.55 sqrt(1 - x^2)``, see :func:`face_template`)."""
    x = np.clip(template[:, 0], -1, 1)
    normals = np.column_stack([0.55 * x, np.zeros_like(x),
                               np.sqrt(1 - x**2)])
    return normals / np.linalg.norm(normals, axis=1, keepdims=True)


def self_occluded(template: np.ndarray, face: Dict) -> np.ndarray:
    """Landmarks (98, ) bool turned away from the camera: the rotated
    surface normal points away by more than a margin (larger for the
    contour, which stays on the silhouette of a moderately turned face);
    and, on a face turned by more than 60 degrees, the inner points of the
    far side, behind the nose."""
    facing = (landmark_normals(template) @ face['rotation'].T)[:, 2]
    limit = np.full(98, -0.2)
    limit[:33] = -0.35
    hidden = facing < limit
    # how far the face turns its +x side away (sin of the yaw, for pitch 0)
    turn = -face['rotation'][2, 0]
    if abs(turn) > np.sin(np.radians(60)):
        behind_nose = template[:, 0] * np.sign(turn) > 0.15
        behind_nose[:33] = False
        hidden |= behind_nose
    return hidden


def _draw_occluder(kind: str, rng: np.random.Generator, image: np.ndarray,
                   mask: np.ndarray, landmarks: np.ndarray,
                   face: Dict) -> None:
    """Draw one occluder on ``image`` and, in white, on ``mask``."""
    scale = face['scale']
    targets = []

    def fill(points, colour):
        _fill(image, points, colour)
        targets.append(('fill', points))

    def line(points, colour, thickness):
        _line(image, points, colour, thickness)
        targets.append(('line', points, thickness))

    if kind == 'hand':
        skin = SKIN_TONES[rng.integers(len(SKIN_TONES))][::-1]
        centre = landmarks[rng.integers(98)] + rng.normal(0, 0.2 * scale, 2)
        angle = rng.uniform(0, 2 * np.pi)
        along = np.array([np.cos(angle), np.sin(angle)])
        across = np.array([-along[1], along[0]])
        size = rng.uniform(0.35, 0.6) * scale
        t = np.linspace(0, 2 * np.pi, 24)[:, None]
        palm = centre + size * (np.cos(t) * along + 0.8 * np.sin(t) * across)
        fill(palm, skin)
        for finger in range(4):
            base = centre + size * (0.7 * along + (finger - 1.5) * 0.42 *
                                    across)
            tip = base + size * rng.uniform(0.9, 1.3) * along
            line(np.stack([base, tip]), skin * 0.95, size * 0.32)
    elif kind == 'sunglasses':
        colour = tuple(rng.uniform(5, 60, 3))
        width = np.linalg.norm(landmarks[64] - landmarks[60]) * 0.75 + 1
        for centre in landmarks[[96, 97]]:
            t = np.linspace(0, 2 * np.pi, 24)[:, None]
            lens = centre + np.column_stack([np.cos(t[:, 0]) * width,
                                             np.sin(t[:, 0]) * width * 0.7])
            fill(lens, colour)
        line(landmarks[[64, 68]], colour, max(1., 0.04 * scale))
    elif kind == 'mask':
        colour = (rng.uniform(180, 250), rng.uniform(170, 235),
                  rng.uniform(140, 220))
        outline = np.concatenate([landmarks[4:29], landmarks[[54]]])
        fill(outline, colour)
    elif kind == 'hair':
        colour = face['hair'][::-1] * rng.uniform(0.8, 1.2)
        top = landmarks[rng.integers(33, 51)]
        for _ in range(rng.integers(4, 10)):
            start = top + rng.normal(0, 0.3 * scale, 2)
            drift = rng.normal(0, 0.3, 2) + [0, 1]
            points = start + np.outer(np.linspace(0, 1, 6),
                                      drift * rng.uniform(0.4, 1.0) * scale)
            points += rng.normal(0, 0.05 * scale, points.shape)
            line(points, colour, max(1., rng.uniform(0.03, 0.07) * scale))
    else:  # an object: a phone, a cup, a microphone...
        colour = tuple(rng.uniform(0, 255, 3))
        centre = landmarks[rng.integers(98)] + rng.normal(0, 0.3 * scale, 2)
        half = rng.uniform(0.15, 0.45, 2) * scale
        angle = rng.uniform(0, np.pi)
        rot = np.array([[np.cos(angle), -np.sin(angle)],
                        [np.sin(angle), np.cos(angle)]])
        corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half
        fill(centre + corners @ rot.T, colour)
    for target in targets:
        if target[0] == 'fill':
            cv2.fillPoly(mask, [_pts(target[1])], 255, cv2.LINE_8, 4)
        else:
            cv2.polylines(mask, [_pts(target[1])], False, 255,
                          max(1, int(round(target[2]))), cv2.LINE_8, 4)


def _makeup(image: np.ndarray, landmarks: np.ndarray, face: Dict,
            hidden: np.ndarray) -> None:
    """Eye shadow above each visible eye (the lips were already drawn in a
    saturated colour)."""
    for eye, brow in ((slice(60, 68), slice(33, 38)),
                      (slice(68, 76), slice(42, 47))):
        if hidden[eye].mean() > 0.5:
            continue
        upper = landmarks[eye][:5]
        lifted = upper + (landmarks[brow].mean(0) - upper.mean(0)) * 0.45
        _fill(image, np.concatenate([upper, lifted[::-1]]),
              face['eye_shadow'][::-1])


def _degrade(rng: np.random.Generator, image: np.ndarray,
             scale: float) -> Tuple[np.ndarray, Dict[str, bool]]:
    """Lighting, blur, noise and compression; which of them were strong."""
    size = image.shape[0]
    strong = dict(illumination=False, blur=False)
    image = image.astype(np.float64)
    if rng.random() < 0.3:  # strong side light: one side nearly dark
        direction = rng.normal(size=2)
        direction /= np.linalg.norm(direction)
        grid = np.mgrid[:size, :size][::-1].transpose(1, 2, 0) / size - 0.5
        image *= np.clip(1 + rng.uniform(1.2, 2.0) * (grid @ direction),
                         0.05, 2)[..., None]
        strong['illumination'] = True
    elif rng.random() < 0.4:
        direction = rng.normal(size=2)
        grid = np.mgrid[:size, :size][::-1].transpose(1, 2, 0) / size - 0.5
        image *= (1 + rng.uniform(0.2, 0.7) * (grid @ direction))[..., None]
    if rng.random() < 0.3:  # under- or over-exposure
        gamma = rng.choice([rng.uniform(1.8, 3.0), rng.uniform(0.3, 0.55)])
        image = 255 * (np.clip(image, 0, 255) / 255)**gamma
        strong['illumination'] = True
    else:
        image = image * rng.uniform(0.7, 1.25) + rng.uniform(-25, 25)
    if rng.random() < 0.25:  # motion blur
        length = int(rng.integers(4, 13))
        kernel = np.zeros((length, length))
        kernel[length // 2] = 1
        centre = ((length - 1) / 2, (length - 1) / 2)
        turn = cv2.getRotationMatrix2D(centre, rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, turn, (length, length))
        image = cv2.filter2D(image, -1, kernel / kernel.sum())
        strong['blur'] = True
    elif rng.random() < 0.25:
        sigma = rng.uniform(0.6, 3.0)
        image = cv2.GaussianBlur(image, (0, 0), sigma)
        strong['blur'] = sigma >= 1.5
    image += rng.normal(0, rng.uniform(0, 10), image.shape)
    image = np.clip(image, 0, 255).astype(np.uint8)
    if rng.random() < 0.35:  # JPEG artefacts
        quality = int(rng.integers(8, 45))
        _, data = cv2.imencode('.jpg', image,
                               [cv2.IMWRITE_JPEG_QUALITY, quality])
        image = cv2.imdecode(data, cv2.IMREAD_COLOR)
        strong['blur'] |= quality < 15
    return image, strong


def render_wild_face(rng: np.random.Generator, image_size: int = 192
                     ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, Dict]:
    """Draw one wild face.

    Args:
        rng (np.random.Generator): Random generator.
        image_size (int): Side of the square image. Defaults to ``192``.

    Returns:
        tuple: ``image`` (H, W, 3) uint8 BGR, ``landmarks`` (98, 2) float64
        in pixels (pixel centres at integers), ``occluded`` (98, ) bool
        (turned away or under an occluder) and ``attributes``: WFLW's six
        (:data:`ATTRIBUTES`) as bools, plus ``pose`` (yaw, pitch, roll in
        degrees), ``occluders`` (the kinds drawn) and
        ``under_occluder`` (98, ) bool.
    """
    face = sample_wild_face(rng, image_size)
    template = face_template(**face['expression'])
    hidden = self_occluded(template, face)
    background = _background(rng, image_size)
    image, landmarks = draw_face(background, face, rng.random() < 0.7,
                                 hidden=hidden)
    if face['makeup']:
        _makeup(image, landmarks, face, hidden)
    mask = np.zeros(image.shape[:2], np.uint8)
    kinds = []
    if rng.random() < 0.5:
        for _ in range(rng.integers(1, 3)):
            kind = OCCLUDERS[rng.integers(len(OCCLUDERS))]
            if kind == 'sunglasses' and hidden[[96, 97]].any():
                kind = 'object'
            _draw_occluder(kind, rng, image, mask, landmarks, face)
            kinds.append(kind)
    under = occluder_flags(mask, landmarks)
    image, strong = _degrade(rng, image, face['scale'])
    yaw, pitch, roll = face['pose']
    expression = face['expression']
    attributes = dict(
        largepose=abs(yaw) > 50 or abs(pitch) > 30 or abs(roll) > 60,
        expression=bool(expression['mouth_open'] > 0.15
                        or expression['smile'] > 0.08
                        or expression['brow_raise'] > 0.1
                        or expression['eye_open'] < 0.4),
        illumination=strong['illumination'],
        makeup=bool(face['makeup']),
        occlusion=int(under.sum()) >= 10,
        blur=bool(strong['blur']),
        pose=face['pose'],
        occluders=kinds,
        under_occluder=under)
    return image, landmarks, hidden | under, attributes


def occluder_flags(mask: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Landmarks (98, ) whose pixel (rounded position) the occluder mask
    (H, W) covers; landmarks outside the image are not covered."""
    height, width = mask.shape
    xy = np.round(landmarks).astype(int)
    inside = ((xy[:, 0] >= 0) & (xy[:, 0] < width) & (xy[:, 1] >= 0) &
              (xy[:, 1] < height))
    covered = np.zeros(len(landmarks), bool)
    covered[inside] = mask[xy[inside, 1], xy[inside, 0]] > 127
    return covered
