# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The inference core: one detector protocol, grouped options, one
backend x precision x flip-test resolver, bounded batches and calls shared
by threads."""
import os.path as osp
import threading
from concurrent.futures import ThreadPoolExecutor

import cv2
import matplotlib.cbook as cbook
import numpy as np
import pytest

from hih_mmpose.apis import FaceLandmarker
from hih_mmpose.deployment import resolve_runtime
from hih_mmpose.models.detectors import (BoxOnlyDetector,
                                         HaarCascadeFaceDetector,
                                         OrientedFaceDetector,
                                         WholeImageDetector,
                                         build_face_detector)

PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
BLAZEFACE = osp.join(REPO, 'configs', 'detectors', 'blazeface.py')
CPU = dict(flags={'avx2'}, installed=('torch', 'onnxruntime', 'openvino'))


def test_every_detector_speaks_one_protocol():
    image = cv2.imread(PHOTO)
    whole = build_face_detector('whole_image')
    assert isinstance(whole, WholeImageDetector)
    boxes, scores, angles = whole.detect_oriented(image)
    np.testing.assert_array_equal(boxes, [[0, 0, 512, 600]])
    np.testing.assert_array_equal(scores, [1])
    np.testing.assert_array_equal(angles, [0])
    haar = build_face_detector('haar')
    assert isinstance(haar, (HaarCascadeFaceDetector, OrientedFaceDetector))

    class BoxesOnly:  # a user's detector: boxes and scores
        def detect(self, image):
            return [[10, 20, 110, 140]], [0.9]

    wrapped = build_face_detector(BoxesOnly())
    assert isinstance(wrapped, BoxOnlyDetector)
    boxes, scores, angles = wrapped.detect_oriented(image)
    np.testing.assert_array_equal(boxes, [[10, 20, 110, 140]])
    np.testing.assert_allclose(scores, [0.9])
    np.testing.assert_array_equal(angles, [0])
    assert build_face_detector(whole) is whole
    with pytest.raises(TypeError, match='detect_oriented'):
        build_face_detector(object())
    with pytest.raises(ValueError, match="'blazeface', 'haar'"):
        build_face_detector('yolo')


def test_runtime_resolved_once():
    fp32 = resolve_runtime('auto', 'fp32', None, config_flip_test=True,
                           **CPU)
    assert (fp32.backend, fp32.precision, fp32.flip_test) == ('torch',
                                                              'fp32', True)
    off = resolve_runtime('auto', 'fp32', False, config_flip_test=True,
                          **CPU)
    assert (off.backend, off.flip_test) == ('torch', False)
    # int8 on OpenVINO: no flip test, whatever the config says
    int8 = resolve_runtime('auto', 'int8', None, config_flip_test=True,
                           **CPU)
    assert (int8.backend, int8.precision, int8.flip_test) == ('openvino',
                                                              'int8', False)
    gpu = resolve_runtime('auto', 'auto', None, 'cuda:0', **CPU)
    assert (gpu.backend, gpu.precision) == ('torch', 'fp32')
    with pytest.raises(ValueError, match='without flip test'):
        resolve_runtime('auto', 'bf16', True, **CPU)
    with pytest.raises(ValueError, match='CPU only'):
        resolve_runtime('auto', 'int8', None, 'cuda:0', **CPU)
    with pytest.raises(ValueError, match='runs fp32/int8, not bf16'):
        resolve_runtime('onnxruntime', 'bf16', None, **CPU)
    with pytest.raises(ValueError, match="'auto' or one of"):
        resolve_runtime('tensorrt', 'fp32', None, **CPU)


def test_grouped_options_and_deprecated_keywords(tiny_hih):
    config, checkpoint = tiny_hih
    grouped = FaceLandmarker(
        config, checkpoint,
        detector=dict(model='whole_image', bbox_thr=0.5, min_roll=20),
        runtime=dict(flip_test=False, threads=1, batch_size=3))
    assert (grouped.bbox_thr, grouped.min_roll, grouped.batch_size,
            grouped.threads) == (0.5, 20, 3, 1)
    assert grouped.model.test_cfg['flip_test'] is False
    with pytest.warns(DeprecationWarning, match=r'runtime=dict\(threads'):
        old = FaceLandmarker(config, checkpoint, detector='whole_image',
                             bbox_thr=0.5, min_roll=20, flip_test=False,
                             threads=1)
    assert old.detector_cfg == dict(grouped.detector_cfg)
    assert old.runtime_cfg == dict(grouped.runtime_cfg, batch_size=32)
    image = cv2.imread(PHOTO)
    np.testing.assert_array_equal(grouped(image)[0]['keypoints'],
                                  old(image)[0]['keypoints'])
    with pytest.raises(TypeError, match='unexpected keyword'):
        FaceLandmarker(config, checkpoint, precison='bf16')
    with pytest.raises(ValueError, match=r"unknown runtime option.*'prec'"):
        FaceLandmarker(config, checkpoint, runtime=dict(prec='bf16'))
    with pytest.raises(TypeError, match='runtime must be a dict'):
        FaceLandmarker(config, checkpoint, 'haar', 'detector.pth')
    with pytest.raises(TypeError, match='given twice'):
        FaceLandmarker(config, checkpoint, runtime=dict(threads=1),
                       threads=2)
    with pytest.raises(ValueError, match='batch_size'):
        FaceLandmarker(config, checkpoint, runtime=dict(batch_size=0))


def test_faces_run_in_bounded_batches(tiny_hih):
    """Seven boxes in batches of 3 make 3 predictor calls of at most 3
    faces and the same landmarks as one batch of 7."""
    config, checkpoint = tiny_hih
    image = cv2.imread(PHOTO)
    rng = np.random.default_rng(0)
    corners = rng.uniform(100, 250, (7, 2))
    boxes = np.concatenate([corners, corners + rng.uniform(80, 200, (7, 2))],
                           axis=1)
    angles = rng.uniform(-40, 40, 7)
    runtime = dict(flip_test=False, threads=1)
    whole = FaceLandmarker(config, checkpoint, detector='whole_image',
                           runtime=runtime)
    small = FaceLandmarker(config, checkpoint, detector='whole_image',
                           runtime=dict(runtime, batch_size=3))
    sizes = []
    predictor = small.predictor

    def counted(image, bboxes, angles, check):
        sizes.append(len(bboxes))
        return predictor(image, bboxes, angles, check)

    small.predictor = counted
    expected = whole(image, boxes, angles)
    got = small(image, boxes, angles)
    assert sizes == [3, 3, 1]
    assert len(got) == len(expected) == 7
    for face, reference in zip(got, expected):
        np.testing.assert_allclose(face['keypoints'],
                                   reference['keypoints'], atol=1e-4)
        np.testing.assert_allclose(face['keypoint_scores'],
                                   reference['keypoint_scores'], atol=1e-6)


def test_one_landmarker_shared_by_threads(trained_tiny_hih):
    """4 threads x 10 calls on one FaceLandmarker with its default detector
    (BlazeFace), half the images turned by 90 degrees: every result equals
    the same call made alone within 0.01 px, and nothing raises."""
    config, checkpoint = trained_tiny_hih
    landmarker = FaceLandmarker(config, checkpoint)
    photo = cv2.imread(PHOTO)
    images = [photo, np.ascontiguousarray(np.rot90(photo)),
              cv2.resize(photo, None, fx=0.8, fy=0.8),
              np.ascontiguousarray(np.rot90(photo, 3))]
    alone = [landmarker(image) for image in images]
    assert all(len(faces) == 1 for faces in alone)
    assert alone[1][0]['bbox_angle'] != 0  # the turned faces are turned
    errors = []
    barrier = threading.Barrier(4)

    def worker(index: int):
        barrier.wait()
        results = []
        for call in range(10):
            which = (index + call) % len(images)
            results.append((which, landmarker(images[which])))
        return results

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(worker, index) for index in range(4)]
        for future in futures:
            try:
                for which, faces in future.result():
                    assert len(faces) == len(alone[which])
                    for face, reference in zip(faces, alone[which]):
                        np.testing.assert_allclose(face['keypoints'],
                                                   reference['keypoints'],
                                                   atol=0.01)
                        assert face['bbox_angle'] == reference['bbox_angle']
            except Exception as error:  # noqa: BLE001 (collect every one)
                errors.append(repr(error))
    assert not errors, errors[:3]


def wild_profile_faces(root: str, count: int = 3) -> list:
    """Images (BGR) of the wild synthetic test faces turned |yaw| > 50
    degrees (profiles), rendered at 256 px."""
    import json

    from hih_mmpose.datasets import generate_synthetic_dataset
    from hih_mmpose.datasets.synthetic_dataset import WILD_ATTRIBUTE_FILE
    generate_synthetic_dataset(root, num_train=1, num_test=24,
                               image_size=256, seed=3, show_progress=False,
                               profile='wild')
    with open(f'{root}/{WILD_ATTRIBUTE_FILE.format(split="test")}') as f:
        faces = json.load(f)
    names = [face['file_name'] for face in faces
             if abs(face['yaw']) > 50][:count]
    return [cv2.imread(f'{root}/images/{name}') for name in names]


def inferencer_faces(inferencer, image: np.ndarray) -> list:
    """(bbox, keypoints) of each face MMPoseInferencer finds."""
    faces = next(inferencer(image))['predictions'][0]
    return [(np.array(face['bbox'][0]), np.array(face['keypoints']))
            for face in faces]


@pytest.fixture(scope='module')
def test_images(tmp_path_factory):
    """Upright, quarter- and half-turned photos, and wild profiles."""
    photo = cv2.imread(PHOTO)
    turned = [np.ascontiguousarray(np.rot90(photo, turns))
              for turns in (1, 2)]
    return [photo] + turned + wild_profile_faces(
        str(tmp_path_factory.mktemp('wild')))


def test_inferencer_and_landmarker_agree(trained_tiny_hih, test_images):
    """For the same image and checkpoint, mmpose's MMPoseInferencer with
    the BlazeFace config and FaceLandmarker find the same faces and the
    same landmarks (within 0.01 px), upright, turned and in profile: one
    detector, one orientation check, one crop <-> image mapping."""
    from mmpose.apis import MMPoseInferencer
    config, checkpoint = trained_tiny_hih
    inferencer = MMPoseInferencer(pose2d=config, pose2d_weights=checkpoint,
                                  det_model=BLAZEFACE, det_cat_ids=[0],
                                  device='cpu')
    landmarker = FaceLandmarker(config, checkpoint,
                                runtime=dict(fast=False))
    compared = 0
    for image in test_images:
        ours = landmarker(image)
        theirs = inferencer_faces(inferencer, image)
        if not ours:  # (mmpose then falls back to the whole image)
            continue
        assert len(ours) == len(theirs)
        for face, (bbox, keypoints) in zip(ours, theirs):
            np.testing.assert_allclose(face['bbox'], bbox, atol=1e-3)
            np.testing.assert_allclose(face['keypoints'], keypoints,
                                       atol=0.01)
            compared += 1
    assert compared >= 4, compared
    # the turned photos took the orientation check on both paths
    assert landmarker(test_images[1])[0]['bbox_angle'] != 0


def test_one_inferencer_shared_by_threads(trained_tiny_hih, test_images):
    """2 threads x 10 calls on one MMPoseInferencer built from our configs
    (BlazeFace detector): every result equals the call alone, no
    exception."""
    from mmpose.apis import MMPoseInferencer
    config, checkpoint = trained_tiny_hih
    inferencer = MMPoseInferencer(pose2d=config, pose2d_weights=checkpoint,
                                  det_model=BLAZEFACE, det_cat_ids=[0],
                                  device='cpu')
    images = test_images[:3]
    alone = [inferencer_faces(inferencer, image) for image in images]
    barrier = threading.Barrier(2)

    def worker(index: int):
        barrier.wait()
        return [(call % 3, inferencer_faces(inferencer, images[call % 3]))
                for call in range(index, index + 10)]

    with ThreadPoolExecutor(2) as pool:
        results = [pool.submit(worker, index) for index in range(2)]
        results = [item for future in results for item in future.result()]
    for which, faces in results:
        assert len(faces) == len(alone[which])
        for (bbox, keypoints), (ref_bbox, ref_keypoints) in zip(
                faces, alone[which]):
            np.testing.assert_allclose(bbox, ref_bbox, atol=1e-3)
            np.testing.assert_allclose(keypoints, ref_keypoints, atol=0.01)
