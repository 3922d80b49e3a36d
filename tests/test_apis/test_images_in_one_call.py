# Copyright (c) hih_mmpose contributors. All rights reserved.
"""FaceLandmarker on a list of images: the faces of all images share the
network's batches, and the results equal one call per image, on both
predictor paths (mmpose's test_step and the crop path), with the detector,
with given boxes, with images without faces and with rolled faces whose
orientation is checked."""
import cv2
import matplotlib.cbook as cbook
import numpy as np
import pytest

from hih_mmpose.apis import FaceLandmarker

PHOTO = cv2.imread(cbook.get_sample_data('grace_hopper.jpg',
                                         asfileobj=False))


def assert_same_faces(batched, alone):
    assert len(batched) == len(alone)
    for image_faces, reference in zip(batched, alone):
        assert len(image_faces) == len(reference)
        for face, ref in zip(image_faces, reference):
            assert set(face) == set(ref)
            for key in face:
                np.testing.assert_allclose(face[key], ref[key], atol=1e-3,
                                           rtol=0, err_msg=key)


@pytest.mark.parametrize('path', ['topdown', 'crops'])
def test_list_of_images_equals_one_call_each(tiny_hih, path):
    config, checkpoint = tiny_hih
    landmarker = FaceLandmarker(
        config, checkpoint, detector='haar',
        runtime=dict(flip_test=path == 'topdown', batch_size=3))
    images = [
        PHOTO,
        np.full((240, 320, 3), 127, np.uint8),  # no face
        np.ascontiguousarray(np.rot90(PHOTO)),  # a rolled face: checked
        cv2.flip(PHOTO, 1),
    ]
    batched = landmarker(images)
    alone = [landmarker(image) for image in images]
    assert [len(faces) for faces in batched] == [1, 0, 1, 1]
    assert_same_faces(batched, alone)
    # given boxes, several an image (batches of 3 span the images)
    boxes = [np.array([[180, 130, 360, 335], [150, 100, 400, 380]]), None,
             None, np.array([[10, 10, 300, 300]])]
    batched = landmarker(images, boxes)
    alone = [landmarker(image, box) for image, box in zip(images, boxes)]
    assert [len(faces) for faces in batched] == [2, 0, 1, 1]
    assert_same_faces(batched, alone)
    assert landmarker([]) == []


def test_list_of_images_needs_boxes_per_image(tiny_hih):
    config, checkpoint = tiny_hih
    landmarker = FaceLandmarker(config, checkpoint, detector='haar')
    with pytest.raises(ValueError, match='list of 2 entries'):
        landmarker([PHOTO, PHOTO], np.array([[0, 0, 100, 100]]))
    with pytest.raises(ValueError, match='list of 2 entries'):
        landmarker([PHOTO, PHOTO], [None])
