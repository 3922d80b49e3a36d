# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Inference on a real photograph: mmpose's MMPoseInferencer with the HIH
config and the offline face detectors, and the one-call API."""
import json
import os.path as osp

import cv2
import matplotlib.cbook as cbook
import numpy as np
import pytest
import torch

from mmpose.apis import MMPoseInferencer
from hih_mmpose.apis import FaceLandmarker, load_image
from hih_mmpose.utils.checkpoint import checkpoint_loading

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
HAAR = osp.join(REPO, 'configs', 'detectors', 'haar_face.py')
PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
# the face in grace_hopper.jpg (600 x 512), marked by hand: brows to chin,
# cheek to cheek
FACE = np.array([180., 130., 360., 335.])


def iou(a, b) -> float:
    inter = np.clip(np.minimum(a[2:], b[2:]) - np.maximum(a[:2], b[:2]), 0,
                    None).prod()
    area = (a[2:] - a[:2]).prod() + (b[2:] - b[:2]).prod()
    return float(inter / (area - inter))


def inside_crop(points, box, padding=1.25) -> bool:
    """Points within the crop the top-down model sees (the box x padding,
    squared), give or take the half input pixel of the decoder's edge."""
    centre = (box[:2] + box[2:]) / 2
    half_side = (box[2:] - box[:2]).max() * padding / 2
    return bool(np.all(np.abs(points - centre) <= half_side + 2))


def test_inferencer_with_offline_face_detector(tiny_hih, tmp_path):
    config, checkpoint = tiny_hih
    with checkpoint_loading():  # what the README shows
        inferencer = MMPoseInferencer(
            pose2d=config, pose2d_weights=checkpoint, det_model=HAAR,
            det_cat_ids=[0], device='cpu')
    result = next(inferencer(PHOTO, out_dir=str(tmp_path)))
    faces = result['predictions'][0]
    assert len(faces) == 1
    box = np.array(faces[0]['bbox'][0])
    assert iou(box, FACE) > 0.5, box
    keypoints = np.array(faces[0]['keypoints'])
    assert keypoints.shape == (98, 2)
    assert inside_crop(keypoints, box), (keypoints.min(0), keypoints.max(0))
    with open(tmp_path / 'predictions' / 'grace_hopper.json') as f:
        assert len(json.load(f)[0]['keypoints']) == 98
    assert (tmp_path / 'visualizations' / 'grace_hopper.jpg').is_file()

    with checkpoint_loading():
        whole = MMPoseInferencer(pose2d=config, pose2d_weights=checkpoint,
                                 det_model='whole_image', device='cpu')
    faces = next(whole(PHOTO))['predictions'][0]
    np.testing.assert_allclose(faces[0]['bbox'][0], [0, 0, 512, 600])


def test_face_landmarker(tiny_hih):
    config, checkpoint = tiny_hih
    landmarker = FaceLandmarker(config, checkpoint, detector='haar')
    # (the first pass, in the detector's crop; the second pass from the
    # landmarks: tests/test_runtime/test_landmarker.py)
    landmarker.refine_boxes = False
    faces = landmarker(PHOTO)
    assert len(faces) == 1
    assert iou(faces[0]['bbox'], FACE) > 0.5
    assert faces[0]['keypoints'].shape == (98, 2)
    assert faces[0]['keypoint_scores'].shape == (98, )
    assert inside_crop(faces[0]['keypoints'], faces[0]['bbox'])
    # the same face in gray and BGRA arrays
    image = cv2.imread(PHOTO)
    for variant in (cv2.cvtColor(image, cv2.COLOR_BGR2GRAY),
                    cv2.cvtColor(image, cv2.COLOR_BGR2BGRA)):
        faces = landmarker(variant)
        assert len(faces) == 1 and iou(faces[0]['bbox'], FACE) > 0.5
    # no face: an empty list (MMPoseInferencer falls back to the whole image)
    assert landmarker(np.full((240, 320, 3), 127, np.uint8)) == []
    whole = FaceLandmarker(config, checkpoint, detector='whole_image')
    np.testing.assert_array_equal(whole(image)[0]['bbox'], [0, 0, 512, 600])


def test_bad_inputs(tiny_hih, tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing.jpg'):
        load_image(str(tmp_path / 'nothing.jpg'))
    (tmp_path / 'text.jpg').write_text('not an image')
    with pytest.raises(ValueError, match='not a readable image'):
        load_image(str(tmp_path / 'text.jpg'))
    with pytest.raises(ValueError, match='shape'):
        load_image(np.zeros((4, 4, 2), np.uint8))
    config, checkpoint = tiny_hih
    with pytest.raises(ValueError, match='detector'):
        FaceLandmarker(config, checkpoint, detector='yolo')
    with pytest.raises(FileNotFoundError):
        FaceLandmarker(config, str(tmp_path / 'missing.pth'))


def test_image_sizes_and_border_faces(tiny_hih):
    """Defined results for tiny and very large images and for a face cut by
    the image border."""
    config, checkpoint = tiny_hih
    photo = load_image(PHOTO)
    haar = FaceLandmarker(config, checkpoint, detector='haar')
    haar.refine_boxes = False  # (keypoints in the detector's crop)
    whole = FaceLandmarker(config, checkpoint, detector='whole_image')

    tiny = cv2.resize(photo, (12, 14))
    assert haar(tiny) == []  # smaller than the detector's smallest face
    faces = whole(tiny)
    assert len(faces) == 1 and np.isfinite(faces[0]['keypoints']).all()
    np.testing.assert_array_equal(faces[0]['bbox'], [0, 0, 12, 14])

    # 3600 x 3072: detection runs on a 1280 px copy, boxes come back in
    # the large image's pixels
    large = cv2.resize(photo, None, fx=6, fy=6)
    faces = haar(large)
    face = max(faces, key=lambda face: iou(face['bbox'], FACE * 6))
    assert iou(face['bbox'], FACE * 6) > 0.5, face['bbox']
    assert inside_crop(face['keypoints'], face['bbox'])

    # the left third of the face is cut off: the box reaches past the
    # border, the crop is padded, keypoints may lie left of x = 0
    cut = np.ascontiguousarray(photo[:, 240:])
    box = FACE - [240, 0, 240, 0]
    (face, ) = haar(cut, bboxes=box[None])
    np.testing.assert_array_equal(face['bbox'], box)
    assert face['bbox_score'] == 1.
    assert np.isfinite(face['keypoints']).all()
    assert inside_crop(face['keypoints'], box)
    with pytest.raises(ValueError, match='x2 > x1'):
        haar(cut, bboxes=[[10, 10, 5, 20]])


def test_visibility_head_fields(tmp_path):
    """A config with a visibility head: each face carries keypoint_visible
    probabilities (random weights: the plumbing is checked) on PyTorch
    with and without flip test and on the exported graph's ``visible``
    output through ONNX Runtime and OpenVINO (fp32: equal to mmpose's own
    prediction) and OpenVINO bf16 (range only)."""
    from hih_mmpose.apis import build_pose_model
    from hih_mmpose.deployment import (export_onnx, model_info,
                                       write_model_info)
    from hih_mmpose.runtime import Landmarker
    from synthetic_world.synthetic_faces import render_face
    from mmpose.apis import inference_topdown
    config = osp.join(REPO, 'configs', 'hih_synthetic_wild_visibility.py')
    image, _ = render_face(np.random.default_rng(0), 128)
    box = np.array([[0., 0., 128., 128.]])
    torch.manual_seed(0)  # the same random weights every time
    model = build_pose_model(config, None)
    model.test_cfg['flip_test'] = False
    (sample, ) = inference_topdown(model, image, bboxes=box,
                                   bbox_format='xyxy')
    reference = sample.pred_instances.keypoints_visible[0]
    exported = str(tmp_path / 'visibility.onnx')
    export_onnx(model, exported, (128, 128))
    write_model_info(model_info(model), exported)
    landmarkers = {}
    for flip_test in (True, False):
        torch.manual_seed(0)
        landmarkers[f'torch flip {flip_test}'] = FaceLandmarker(
            config, None, 'whole_image', flip_test=flip_test)
    for backend, precision in (('onnxruntime', 'fp32'), ('openvino', 'fp32'),
                               ('openvino', 'bf16')):
        landmarkers[f'{backend} {precision}'] = Landmarker(
            exported, 'whole_image', backend, precision, flip_test=False)
    for name, landmarker in landmarkers.items():
        (face, ) = landmarker(image, bboxes=box)
        visible = face['keypoint_visible']
        assert visible.shape == (98, ), name
        assert np.all((visible >= 0) & (visible <= 1)), name
        # (random weights saturate the logits: bf16 is only checked for
        # range)
        if 'flip True' not in name and 'bf16' not in name:
            np.testing.assert_allclose(visible, reference, atol=1e-4,
                                       err_msg=name)


def test_keypoint_schemes(tiny_hih):
    """keypoint_scheme='300w' / 'cofw': the 68 / 29 points that
    WFLW_TO_300W / WFLW_TO_COFW select from the same call's 98, scores
    alike; the tracker returns them too (and tracks on the 98)."""
    from hih_mmpose.apis import FaceTracker
    from hih_mmpose.datasets.landmark_schemes import (WFLW_TO_300W,
                                                      WFLW_TO_COFW)
    config, checkpoint = tiny_hih
    image = cv2.imread(PHOTO)
    own = FaceLandmarker(config, checkpoint, detector='haar')(image)[0]
    for scheme, convert, count in (('300w', lambda k: k[..., WFLW_TO_300W,
                                                        :], 68),
                                   ('cofw', lambda k: k[..., WFLW_TO_COFW,
                                                        :], 29),
                                   ('wflw', lambda k: k, 98)):
        landmarker = FaceLandmarker(config, checkpoint, detector='haar',
                                    keypoint_scheme=scheme)
        face = landmarker(image)[0]
        assert face['keypoints'].shape == (count, 2)
        np.testing.assert_array_equal(face['keypoints'],
                                      convert(own['keypoints']))
        np.testing.assert_array_equal(
            face['keypoint_scores'],
            convert(own['keypoint_scores'][:, None])[:, 0])
        tracker = FaceTracker(landmarker)
        for _ in range(2):  # detected, then followed from the 98
            tracked = tracker(image)
            assert tracked[0]['keypoints'].shape == (count, 2)
    with pytest.raises(ValueError, match="keypoint_scheme 'ibug'"):
        FaceLandmarker(config, checkpoint, keypoint_scheme='ibug')
