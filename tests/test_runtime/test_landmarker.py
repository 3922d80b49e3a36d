# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The runtime's landmarker on an exported model: the same keypoints as
FaceLandmarker (the same path on a PyTorch session), batches, lists of
images, schemes, threads and the inputs it refuses."""
import json
import shutil
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import cv2
import matplotlib.cbook as cbook
import numpy as np
import pytest

from hih_mmpose.apis import FaceLandmarker
from hih_mmpose.runtime import Landmarker, read_model_info

PHOTO = cv2.imread(cbook.get_sample_data('grace_hopper.jpg',
                                         asfileobj=False))


def synthetic_faces(config: str, count: int = 8) -> list:
    """(image, box) of the first synthetic test faces of a config."""
    from mmengine.config import Config
    dataset = Config.fromfile(config).test_dataloader.dataset
    with open(f'{dataset.data_root}/{dataset.ann_file}') as f:
        coco = json.load(f)
    faces = []
    for annotation in coco['annotations'][:count]:
        image = coco['images'][annotation['image_id']]
        x, y, w, h = annotation['bbox']
        faces.append((cv2.imread(f'{dataset.data_root}/images/'
                                 f'{image["file_name"]}'),
                      np.array([x, y, x + w, y + h], np.float32)))
    return faces


def assert_same_faces(batched, alone, atol=1e-3):
    assert len(batched) == len(alone)
    for face, ref in zip(batched, alone):
        assert set(face) == set(ref)
        for key in face:
            np.testing.assert_allclose(face[key], ref[key], atol=atol,
                                       rtol=0, err_msg=key)


def test_runtime_equals_face_landmarker(exported_tiny_hih):
    """ONNX Runtime fp32 on the exported file and FaceLandmarker (PyTorch
    fp32), no flip test, given boxes and the BlazeFace detector: the same
    keypoints within 0.01 px."""
    config, checkpoint, model = exported_tiny_hih
    runtime = Landmarker(model, backend='onnxruntime', flip_test=False)
    reference = FaceLandmarker(config, checkpoint, flip_test=False)
    errors = []
    for image, box in synthetic_faces(config):
        (ours, ) = runtime(image, bboxes=box)
        (theirs, ) = reference(image, bboxes=box)
        errors.append(np.abs(ours['keypoints'] - theirs['keypoints']).max())
        np.testing.assert_allclose(ours['keypoint_scores'],
                                   theirs['keypoint_scores'], atol=1e-4)
    assert max(errors) <= 0.01, errors
    detected = runtime(PHOTO)
    assert len(detected) == 1
    assert_same_faces(detected, reference(PHOTO), atol=0.01)


def test_flip_test_and_metadata(exported_tiny_hih):
    """The metadata carries the config's flip test and flip pairs; the
    runtime's flip test equals FaceLandmarker's (mmpose's own flip test is
    compared with FaceLandmarker in tests/test_apis)."""
    config, checkpoint, model = exported_tiny_hih
    info = read_model_info(model)
    assert info.flip_test and len(info.flip_indices) == 98
    assert info.input_size == (128, 128) and info.bbox_padding == 1.25
    assert info.eyes is not None and sorted(info.schemes) == [
        '300w', 'cofw', 'wflw']
    runtime = Landmarker(model, 'whole_image', backend='onnxruntime')
    reference = FaceLandmarker(config, checkpoint, 'whole_image')
    image, box = synthetic_faces(config, 1)[0]
    assert_same_faces(runtime(image, box), reference(image, box), atol=0.01)


def test_metadata_errors(exported_tiny_hih, tmp_path):
    _, _, model = exported_tiny_hih
    lone = tmp_path / 'lone.onnx'
    shutil.copy(model, lone)
    with pytest.raises(FileNotFoundError, match='lone.json'):
        Landmarker(str(lone))
    (tmp_path / 'lone.json').write_text('{"version": 1, "input_size": 7}')
    with pytest.raises(ValueError, match='not the metadata'):
        Landmarker(str(lone))
    with pytest.raises(FileNotFoundError, match='not found'):
        Landmarker(str(tmp_path / 'missing.onnx'))
    with pytest.raises(ValueError, match='int8'):
        Landmarker(model, backend='onnxruntime', precision='int8')
    with pytest.raises(ValueError, match='runs'):
        Landmarker(model, backend='onnxruntime', precision='bf16')


def test_batches_and_lists_of_images(exported_tiny_hih):
    """Faces in batches of 3 equal one batch; a list of images equals one
    call per image (detected faces, none, a rolled face whose orientation is
    checked, given boxes spanning the batches)."""
    _, _, model = exported_tiny_hih
    landmarker = Landmarker(model, 'haar', backend='onnxruntime')
    calls = []
    session = landmarker.session

    def counted(crops):
        calls.append(len(crops))
        return session(crops)

    rng = np.random.default_rng(0)
    corners = rng.uniform(100, 250, (7, 2))
    boxes = np.concatenate([corners, corners + rng.uniform(80, 200, (7, 2))],
                           axis=1)
    angles = rng.uniform(-40, 40, 7)
    expected = landmarker(PHOTO, boxes, angles)
    landmarker.session, landmarker.batch_size = counted, 3
    got = landmarker(PHOTO, boxes, angles)
    assert calls == [6, 6, 2]  # (each batch with its mirror images)
    assert_same_faces(got, expected)
    images = [PHOTO, np.full((240, 320, 3), 127, np.uint8),
              np.ascontiguousarray(np.rot90(PHOTO)), cv2.flip(PHOTO, 1)]
    batched = landmarker(images)
    assert [len(faces) for faces in batched] == [1, 0, 1, 1]
    for faces, image in zip(batched, images):
        assert_same_faces(faces, landmarker(image))
    given = [np.array([[180, 130, 360, 335], [150, 100, 400, 380]]), None,
             None, np.array([[10, 10, 300, 300]])]
    batched = landmarker(images, given)
    assert [len(faces) for faces in batched] == [2, 0, 1, 1]
    for faces, image, box in zip(batched, images, given):
        assert_same_faces(faces, landmarker(image, box))
    assert landmarker([]) == []
    with pytest.raises(ValueError, match='list of 2 entries'):
        landmarker([PHOTO, PHOTO], np.array([[0, 0, 100, 100]]))


def test_keypoint_schemes(exported_tiny_hih):
    _, _, model = exported_tiny_hih
    box = np.array([180, 130, 360, 335])
    (wflw, ) = Landmarker(model, 'whole_image')(PHOTO, box)
    from hih_mmpose.datasets.landmark_schemes import (WFLW_TO_300W,
                                                      WFLW_TO_COFW)
    for scheme, indices in (('300w', WFLW_TO_300W), ('cofw', WFLW_TO_COFW)):
        (face, ) = Landmarker(model, 'whole_image',
                              keypoint_scheme=scheme)(PHOTO, box)
        np.testing.assert_array_equal(face['keypoints'],
                                      wflw['keypoints'][indices])
    (same, ) = Landmarker(model, 'whole_image',
                          keypoint_scheme='wflw')(PHOTO, box)
    np.testing.assert_array_equal(same['keypoints'], wflw['keypoints'])
    with pytest.raises(ValueError, match='keypoint_scheme'):
        Landmarker(model, keypoint_scheme='aflw')


def test_boxes_given_and_detected_follow_one_rule(exported_tiny_hih):
    """A user's detector returning a box far outside the image, a NaN box
    and a score above 1: dropped with a warning (as a given box there is an
    error naming it)."""
    _, _, model = exported_tiny_hih

    def detector(image):
        return ([[5000, 5000, 5100, 5100], [np.nan, 0, 10, 10],
                 [10, 10, 90, 90], [180, 130, 360, 335]],
                [0.9, 0.9, 1.5, 0.8])

    landmarker = Landmarker(model, detector)
    with pytest.warns(UserWarning, match='3 box'):
        faces = landmarker(PHOTO)
    assert len(faces) == 1 and faces[0]['bbox_score'] == pytest.approx(0.8)
    with pytest.raises(ValueError, match='bbox 0'):
        landmarker(PHOTO, bboxes=[5000, 5000, 5100, 5100])
    with pytest.raises(ValueError, match='pass bboxes too'):
        landmarker(PHOTO, angles=[1.])
    with pytest.raises(ValueError, match='one per box'):
        landmarker(PHOTO, bboxes=[10, 10, 90, 90], angles=[1., 2.])
    for bad in (float('nan'), '100', 1.5):
        with pytest.raises(TypeError, match='max_pixels'):
            Landmarker(model, max_pixels=bad)


def test_one_landmarker_shared_by_threads(exported_tiny_hih):
    """4 threads x 8 calls on one landmarker with BlazeFace, half the images
    turned by 90 degrees: every result equals the call made alone."""
    _, _, model = exported_tiny_hih
    landmarker = Landmarker(model)
    images = [PHOTO, np.ascontiguousarray(np.rot90(PHOTO)),
              cv2.resize(PHOTO, None, fx=0.8, fy=0.8),
              np.ascontiguousarray(np.rot90(PHOTO, 3))]
    alone = [landmarker(image) for image in images]
    assert all(len(faces) == 1 for faces in alone)
    assert alone[1][0]['bbox_angle'] != 0
    barrier = threading.Barrier(4)

    def worker(index: int):
        barrier.wait()
        return [((index + call) % 4, landmarker(images[(index + call) % 4]))
                for call in range(8)]

    with ThreadPoolExecutor(4) as pool, warnings.catch_warnings():
        for future in [pool.submit(worker, i) for i in range(4)]:
            for which, faces in future.result():
                assert_same_faces(faces, alone[which], atol=1e-4)


def test_refine_boxes_crops_from_the_first_pass(exported_tiny_hih):
    """refine_boxes (the default): a detected face's keypoints are those of
    a second call given the first pass's oriented landmark box and angle,
    where that box overlaps the detector's (IoU >= REFINE_MIN_IOU) and
    scores no lower; given boxes are used as given; a face whose landmark
    box breaks the box rule keeps its first pass."""
    from hih_mmpose.runtime.boxes import box_iou
    from hih_mmpose.runtime.landmarker import REFINE_MIN_IOU
    from hih_mmpose.runtime.rotation import oriented_landmark_box
    config, _, model = exported_tiny_hih
    refined_faces = 0
    for image, truth in synthetic_faces(config, 6):
        # a detector whose box is off by 15 % of the face, as on photos
        size = truth[2:] - truth[:2]
        box = (truth + np.tile(0.15 * size, 2))[None]
        landmarker = Landmarker(model, lambda image: (box, [0.9]),
                                backend='onnxruntime')
        assert landmarker.refine_boxes
        (new, ) = landmarker(image)
        (given, ) = landmarker(image, box)
        landmarker.refine_boxes = False
        (old, ) = landmarker(image)
        np.testing.assert_array_equal(old['keypoints'], given['keypoints'])
        landmark_box, angle = oriented_landmark_box(old['keypoints'],
                                                    landmarker.info.eyes)
        (again, ) = landmarker(image, landmark_box[None], [angle])
        overlap = box_iou(landmark_box[None], box)[0, 0]
        if overlap >= REFINE_MIN_IOU and again['keypoint_scores'].mean() \
                >= old['keypoint_scores'].mean():
            np.testing.assert_allclose(new['keypoints'], again['keypoints'],
                                       atol=1e-4)
            assert new['bbox_angle'] == pytest.approx(angle, abs=1e-4)
            refined_faces += 1
        else:
            np.testing.assert_array_equal(new['keypoints'], old['keypoints'])
        np.testing.assert_array_equal(new['bbox'], old['bbox'])
    assert refined_faces >= 3  # (the trained model refines most)
    # a first pass whose landmarks leave the image: kept as it was
    session = landmarker.session
    landmarker.session = lambda crops: (session(crops)[0] + 1e5, ) + \
        session(crops)[1:]
    (far, ) = landmarker(image)
    landmarker.refine_boxes = True
    np.testing.assert_array_equal(landmarker(image)[0]['keypoints'],
                                  far['keypoints'])
