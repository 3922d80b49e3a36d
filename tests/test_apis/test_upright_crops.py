# Copyright (c) hih_mmpose contributors. All rights reserved.
"""FaceLandmarker, the runtime on a PyTorch session: faces at any roll
cropped upright and mapped back exactly, and upright faces exactly as
mmpose's own top-down inference gives them."""
import os.path as osp

import cv2
import matplotlib.cbook as cbook
import numpy as np
import pytest

from hih_mmpose.apis import FaceLandmarker
from hih_mmpose.runtime.rotation import eye_line_angle

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))

PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
FACE = np.array([180., 130., 360., 335.])  # marked by hand, brows to chin


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


@pytest.mark.parametrize('turns', [1, 2])
def test_turned_crops_map_back_exactly(trained_tiny_hih, turns, turn_points):
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
        landmarker = FaceLandmarker(config, checkpoint, 'whole_image',
                                    flip_test=flip_test)
        (upright, ) = landmarker(image, bboxes=box)
        (face, ) = landmarker(turned, bboxes=turned_box, angles=[angle])
        assert face['bbox_angle'] == angle and upright['bbox_angle'] == 0
        assert 'keypoint_visible' not in face  # no visibility head
        expected = turn_points(upright['keypoints'] + 0.5, turns, size) - 0.5
        error = np.linalg.norm(face['keypoints'] - expected, axis=-1)
        # (0.88 measured with one thread, 0.9 or more with two)
        assert np.mean(error < 1e-2) >= 0.8 and error.max() < 2., error
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
    plain = FaceLandmarker(config, checkpoint, upright=False)(image)
    (face, ) = FaceLandmarker(config, checkpoint)(image)
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
    (plain, ) = FaceLandmarker(config, checkpoint, upright=False)(image)
    assert face['bbox_angle'] == 0
    np.testing.assert_array_equal(face['keypoints'], plain['keypoints'])
    (turned, ) = landmarker(np.ascontiguousarray(image[::-1, ::-1]))
    assert abs(abs(turned['bbox_angle']) - 180) < 20, turned['bbox_angle']
    size = np.array(image.shape[1::-1]) - 1
    error = np.linalg.norm(size - turned['keypoints'] - face['keypoints'],
                           axis=-1)
    assert np.median(error) < 3., np.median(error)


def test_mmpose_top_down_gives_the_same_keypoints(trained_tiny_hih):
    """mmpose's own top-down path (init_model + inference_topdown, flip test
    as the config says; and MMPoseInferencer with the offline BlazeFace
    config) on an upright face: FaceLandmarker's keypoints, the same crops
    and decode through the runtime (BN folded on the CPU: float rounding
    only)."""
    from hih_mmpose.utils.checkpoint import checkpoint_loading
    from mmpose.apis import MMPoseInferencer, inference_topdown, init_model
    config, checkpoint = trained_tiny_hih
    image = nearly_upright_test_face(config)
    box = np.array([[20., 18., 100., 104.]], np.float32)
    with checkpoint_loading():
        pose_model = init_model(config, checkpoint, device='cpu')
    (sample, ) = inference_topdown(pose_model, image, box)
    landmarker = FaceLandmarker(config, checkpoint)
    (face, ) = landmarker(image, bboxes=box)
    np.testing.assert_allclose(face['keypoints'],
                               sample.pred_instances.keypoints[0], atol=1e-3)
    np.testing.assert_allclose(face['keypoint_scores'],
                               sample.pred_instances.keypoint_scores[0],
                               atol=1e-4)
    detector = osp.join(REPO, 'configs', 'detectors', 'blazeface.py')
    with checkpoint_loading():
        inferencer = MMPoseInferencer(
            pose2d=config, pose2d_weights=checkpoint, det_model=detector,
            det_cat_ids=[0], device='cpu')
    (found, ) = next(inferencer(image))['predictions'][0]
    landmarker.refine_boxes = False  # (mmpose's path has no second pass)
    (face, ) = landmarker(image)
    assert face['bbox_angle'] == 0
    np.testing.assert_allclose(face['bbox'], found['bbox'][0], atol=1e-3)
    np.testing.assert_allclose(face['keypoints'], found['keypoints'],
                               atol=1e-3)
