# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Upright crops: faces at any roll found by BlazeFace (turned copies of
the image) and cropped upright through mmpose's ``bbox_rotation``, their
keypoints mapped back exactly."""
import os.path as osp

import cv2
import matplotlib.cbook as cbook
import numpy as np
import pytest

from hih_mmpose.apis import FaceLandmarker
from hih_mmpose.models.detectors import BlazeFaceDetector
from hih_mmpose.models.detectors.blazeface_detector import (mirror_back,
                                                            turn_back)
from hih_mmpose.utils.crop_transforms import eye_line_angle

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))

PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
FACE = np.array([180., 130., 360., 335.])  # marked by hand, brows to chin


def turn_points(points: np.ndarray, turns: int, shape) -> np.ndarray:
    """Continuous coordinates through ``np.rot90(image, turns)``."""
    height, width = shape
    for _ in range(turns):
        points = np.stack([points[..., 1], width - points[..., 0]], -1)
        height, width = width, height
    return points


def nearly_upright_test_face(config: str) -> np.ndarray:
    """The image (BGR) of the first test face of a synthetic-set config
    rolled by under 5 degrees (the set rolls up to 30)."""
    import json

    from mmengine.config import Config
    root = Config.fromfile(config).test_dataloader.dataset.data_root
    with open(f'{root}/annotations/face_landmarks_synthetic_test.json') as f:
        coco = json.load(f)
    for annotation in coco['annotations']:
        points = np.reshape(annotation['keypoints'], (-1, 3))[:, :2]
        if abs(eye_line_angle(points[60:68].mean(0),
                              points[68:76].mean(0))) < 5:
            break
    name = coco['images'][annotation['image_id']]['file_name']
    return cv2.imread(f'{root}/images/{name}')


def test_turn_back_inverts_rot90():
    rng = np.random.default_rng(0)
    shape = (60, 80)
    points = rng.uniform(0, 60, (3, 4, 2))
    for turns in (1, 2, 3):
        turned = turn_points(points, turns, shape)
        rows = np.zeros((3, 9), np.float32)
        rows[:, [0, 1, 2, 3, 5, 6, 7, 8]] = turned.reshape(3, 8)
        back = turn_back(rows, turns, shape)
        np.testing.assert_allclose(back[:, 5:9].reshape(3, 2, 2),
                                   points[:, 2:], atol=1e-4)
        np.testing.assert_allclose(back[:, :2], points[:, :2].min(1),
                                   atol=1e-4)
        np.testing.assert_allclose(back[:, 2:4], points[:, :2].max(1),
                                   atol=1e-4)


def test_mirror_back_maps_boxes_and_swaps_eyes():
    """A detection in the mirrored image of width 100: box x 10-50 maps to
    50-90; the mirror image's subject-right eye (20, 30) is the subject's
    left eye (80, 30) here, and the eye line of an upright face stays
    level (angle 0), of a face rolled by 30 degrees flips to -30."""
    rows = np.array([[10, 20, 50, 60, 0.9, 20, 30, 40, 30]], np.float32)
    back = mirror_back(rows, 100)
    np.testing.assert_array_equal(
        back, np.array([[50, 20, 90, 60, 0.9, 60, 30, 80, 30]], np.float32))
    assert eye_line_angle(back[:, 5:7], back[:, 7:9])[0] == 0
    tilted = rows.copy()
    tilted[0, 7:9] = tilted[0, 5:7] + 20 * np.array(
        [np.cos(np.radians(30)), np.sin(np.radians(30))])
    back = mirror_back(tilted, 100)
    np.testing.assert_allclose(
        eye_line_angle(back[:, 5:7], back[:, 7:9]), [-30], atol=1e-4)
    np.testing.assert_allclose(mirror_back(back, 100), tilted, atol=1e-5)


@pytest.mark.parametrize('turns,angle', [(0, 0.), (1, -90.), (2, 180.),
                                         (3, 90.)])
def test_blazeface_finds_turned_faces(turns, angle):
    """A photo turned by quarter turns: one face, its box where the face
    went, and the crop rotation of its eye line (within 10 degrees)."""
    image = cv2.imread(PHOTO)
    turned = np.ascontiguousarray(np.rot90(image, turns))
    bboxes, scores, angles = BlazeFaceDetector().detect_oriented(turned)
    assert len(bboxes) == 1 and scores[0] > 0.5
    corners = turn_points(FACE.reshape(2, 2), turns, image.shape[:2])
    marked = np.concatenate([corners.min(0), corners.max(0)])
    inter = np.clip(np.minimum(bboxes[0, 2:], marked[2:]) -
                    np.maximum(bboxes[0, :2], marked[:2]), 0, None).prod()
    union = np.prod(bboxes[0, 2:] - bboxes[0, :2]) + np.prod(
        marked[2:] - marked[:2]) - inter
    assert inter / union > 0.5
    difference = (angles[0] - angle + 180) % 360 - 180
    assert abs(difference) < 10, angles


@pytest.mark.parametrize('turns', [1, 2])
def test_turned_crops_map_back_exactly(trained_tiny_hih, turns):
    """A test face turned by a quarter / half turn, its box turned and the
    crop rotation of the turn: the crop is the upright face's crop, so the
    keypoints are the upright face's keypoints turned, in fp32 with flip
    test (mmpose's test_step) and without (the crop path). OpenCV's warp
    quantises sample positions to 1/32 pixel, so the two crops differ by
    rounding and a few argmaxes may move by a decimal interval (0.5 crop
    pixels here); a wrong rotation would move every keypoint by tens of
    pixels."""
    from mmengine.config import Config
    config, checkpoint = trained_tiny_hih
    cfg = Config.fromfile(config)
    root = cfg.test_dataloader.dataset.data_root
    image = cv2.imread(f'{root}/images/test/000000.png')
    box = np.array([[20., 18., 100., 104.]])
    size = image.shape[:2]
    turned = np.ascontiguousarray(np.rot90(image, turns))
    # pixel centres: x -> y, y -> W - 1 - x per turn
    corners = turn_points(box.reshape(2, 2) + 0.5, turns, size) - 0.5
    turned_box = np.concatenate([corners.min(0), corners.max(0)])[None]
    angle = {1: -90., 2: 180.}[turns]
    for flip_test in (True, False):
        landmarker = FaceLandmarker(
            config, checkpoint, detector='whole_image',
            runtime=dict(flip_test=flip_test))
        (upright, ) = landmarker(image, bboxes=box)
        (face, ) = landmarker(turned, bboxes=turned_box, angles=[angle])
        assert face['bbox_angle'] == angle and upright['bbox_angle'] == 0
        assert 'keypoint_visible' not in face  # no visibility head
        expected = turn_points(upright['keypoints'] + 0.5, turns, size) - 0.5
        error = np.linalg.norm(face['keypoints'] - expected, axis=-1)
        assert np.mean(error < 1e-2) >= 0.9 and error.max() < 2., error
        np.testing.assert_allclose(face['keypoint_scores'],
                                   upright['keypoint_scores'], atol=1e-2)
    with pytest.raises(ValueError, match='one per box'):
        landmarker(turned, bboxes=turned_box, angles=[1., 2.])
    with pytest.raises(ValueError, match='pass bboxes too'):
        landmarker(turned, angles=[1.])


def test_upright_faces_are_unchanged(tiny_hih):
    """A nearly upright face (the photo: BlazeFace's eye line within a
    degree, below min_roll) is cropped as boxed, so upright=True gives
    exactly what upright=False gives."""
    config, checkpoint = tiny_hih
    image = cv2.imread(PHOTO)
    plain = FaceLandmarker(
        config, checkpoint, detector=dict(upright=False))(image)
    (face, ) = FaceLandmarker(
        config, checkpoint, detector=dict(orientation_check=False))(image)
    assert len(plain) == 1 and face['bbox_angle'] == 0
    np.testing.assert_array_equal(face['keypoints'], plain[0]['keypoints'])
    np.testing.assert_array_equal(face['bbox'], plain[0]['bbox'])


def test_orientation_check_turns_the_crop(trained_tiny_hih):
    """A synthetic test face upright and upside down, through the default
    detector: the upright face takes one pass, exactly the landmarks of
    upright=False; the upside-down one is found in a turned copy and
    cropped half a turn round (the landmark model checks the orientation),
    where its landmarks are the upright ones turned."""
    config, checkpoint = trained_tiny_hih
    image = nearly_upright_test_face(config)
    landmarker = FaceLandmarker(config, checkpoint)
    (face, ) = landmarker(image)
    (plain, ) = FaceLandmarker(
        config, checkpoint, detector=dict(upright=False))(image)
    assert face['bbox_angle'] == 0
    np.testing.assert_array_equal(face['keypoints'], plain['keypoints'])
    (turned, ) = landmarker(np.ascontiguousarray(image[::-1, ::-1]))
    assert abs(abs(turned['bbox_angle']) - 180) < 20, turned['bbox_angle']
    size = np.array(image.shape[1::-1]) - 1
    error = np.linalg.norm(size - turned['keypoints'] - face['keypoints'],
                           axis=-1)
    assert np.median(error) < 3., np.median(error)


def test_published_config_unchanged_on_upright_faces():
    """The published network (configs/hih_wflw_published.py, the converted
    checkpoint's config; the same random weights twice): on an upright
    face the default landmarker (upright crops, load-adaptive threads,
    backend 'auto') gives bit-identical keypoints to the axis-aligned crop
    on PyTorch with a fixed thread count."""
    import torch
    config = osp.join(REPO, 'configs', 'hih_wflw_published.py')
    image = cv2.imread(PHOTO)
    faces = []
    for options in (dict(), dict(upright=False, backend='torch',
                                 threads=torch.get_num_threads())):
        torch.manual_seed(0)
        landmarker = FaceLandmarker(config, random_weights=True, **options)
        assert (landmarker.backend, landmarker.precision) == ('torch', 'fp32')
        faces.append(landmarker(image))
    assert len(faces[0]) == len(faces[1]) == 1
    assert faces[0][0]['bbox_angle'] == 0
    np.testing.assert_array_equal(faces[0][0]['keypoints'],
                                  faces[1][0]['keypoints'])


def test_mmpose_inferencer_crops_upright(trained_tiny_hih):
    """mmpose's MMPoseInferencer with the config (BBoxRotationFromDetector,
    UprightTopdownPoseEstimator) and configs/detectors/blazeface.py: an
    upright face gives exactly what the axis-aligned config gives; the face
    upside down is cropped upright, so its landmarks are the upright ones
    turned (as FaceLandmarker's), where the axis-aligned crop's are far
    off; mmpose's inference_detector + inference_topdown (its
    topdown_demo_with_mmdet.py) give the inferencer's numbers."""
    from mmdet.apis import inference_detector, init_detector
    from mmengine.config import Config

    from hih_mmpose.utils import checkpoint_loading
    from mmpose.apis import MMPoseInferencer, inference_topdown, init_model
    config, checkpoint = trained_tiny_hih
    cfg = Config.fromfile(config)
    image = nearly_upright_test_face(config)
    turned = np.ascontiguousarray(image[::-1, ::-1])
    detector = osp.join(REPO, 'configs', 'detectors', 'blazeface.py')
    axis_aligned = Config.fromfile(config)
    axis_aligned.test_dataloader.dataset.pipeline = [
        step for step in cfg.test_dataloader.dataset.pipeline
        if step['type'] != 'BBoxRotationFromDetector'
    ]
    keypoints = {}
    for variant, pose_cfg in (('upright', cfg), ('axis', axis_aligned)):
        with checkpoint_loading():
            inferencer = MMPoseInferencer(
                pose2d=pose_cfg, pose2d_weights=checkpoint,
                det_model=detector, det_cat_ids=[0], device='cpu')
        for key, picture in (('', image), (' turned', turned)):
            (face, ) = next(inferencer(picture))['predictions'][0]
            keypoints[variant + key] = np.asarray(face['keypoints'])
    np.testing.assert_array_equal(keypoints['upright'], keypoints['axis'])
    size = np.array(image.shape[1::-1]) - 1

    def error(found):
        return np.median(np.linalg.norm(size - found - keypoints['upright'],
                                        axis=-1))

    assert error(keypoints['upright turned']) < 3.
    assert error(keypoints['axis turned']) > 3 * error(
        keypoints['upright turned'])
    (landmarker_face, ) = FaceLandmarker(config, checkpoint)(turned)
    assert np.median(np.linalg.norm(
        landmarker_face['keypoints'] - keypoints['upright turned'],
        axis=-1)) < 1.
    # mmpose's detector + top-down calls, as its demo makes them
    with checkpoint_loading():
        pose_model = init_model(config, checkpoint, device='cpu')
    boxes = inference_detector(init_detector(detector, None, device='cpu'),
                               turned).pred_instances.bboxes.numpy()
    (sample, ) = inference_topdown(pose_model, turned, boxes)
    np.testing.assert_allclose(sample.pred_instances.keypoints[0],
                               keypoints['upright turned'], atol=1e-4)
