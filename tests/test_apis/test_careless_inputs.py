# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Cases a careless user hits with the API: no checkpoint, a detector
without weights or with absurd boxes, phone photos and 16-bit images."""
import warnings

import cv2
import matplotlib.cbook as cbook
import numpy as np
import pytest
from PIL import Image

from hih_mmpose.apis import FaceLandmarker, load_image

PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)


def test_no_checkpoint_is_an_error(tiny_hih):
    config, _ = tiny_hih
    with pytest.raises(TypeError, match='checkpoint'):
        FaceLandmarker(config)
    # explicitly asked for: runs, with a warning
    with pytest.warns(UserWarning, match='random weights'):
        landmarker = FaceLandmarker(config, None, detector='whole_image')
    assert len(landmarker(PHOTO)) == 1


def test_mmdet_detector_needs_weights(tiny_hih, tmp_path):
    config, checkpoint = tiny_hih
    from hih_mmpose.models.detectors import MMDetFaceDetector
    detector = 'configs/detectors/yolox-s_face.py'
    with pytest.raises(ValueError, match=r'MMDetFaceDetector\(config, '):
        FaceLandmarker(config, checkpoint, detector=detector)
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        MMDetFaceDetector(detector, str(tmp_path / 'missing.pth'))


class AbsurdDetector:
    """Boxes as an untrained detector returns them: infinite, empty,
    NaN scores, and one good face."""

    def detect(self, image):
        bboxes = np.array([[0, 0, np.inf, np.inf], [10, 10, 10, 50],
                           [5, 5, 60, 60], [180, 130, 360, 335]], np.float32)
        scores = np.array([1., 1., np.nan, 0.9], np.float32)
        return bboxes, scores


def test_invalid_detector_boxes_are_dropped(tiny_hih):
    config, checkpoint = tiny_hih
    landmarker = FaceLandmarker(config, checkpoint, detector=AbsurdDetector())
    with pytest.warns(UserWarning, match='3 box'):
        faces = landmarker(PHOTO)
    assert len(faces) == 1
    np.testing.assert_array_equal(faces[0]['bbox'], [180, 130, 360, 335])
    assert np.isfinite(faces[0]['keypoints']).all()


def test_exif_orientation_and_16_bit(tmp_path):
    """Paths are read as OpenCV reads colour images (the demo's loader):
    EXIF orientation applied, 16 bits scaled to 8; arrays alike."""
    photo = cv2.imread(PHOTO)  # (600, 512, 3): taller than wide
    rgb = Image.fromarray(photo[..., ::-1])
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to view
    path = str(tmp_path / 'phone.jpg')
    rgb.save(path, exif=exif, quality=95)
    loaded = load_image(path)
    assert loaded.shape == (512, 600, 3)  # turned: wider than tall
    np.testing.assert_array_equal(loaded, cv2.imread(path))

    deep = (photo.astype(np.uint16) * 257)  # 16-bit, same picture
    path16 = str(tmp_path / 'deep.png')
    cv2.imwrite(path16, deep)
    from_file, from_array = load_image(path16), load_image(deep)
    assert from_file.dtype == from_array.dtype == np.uint8
    np.testing.assert_array_equal(from_file, photo)
    np.testing.assert_array_equal(from_array, photo)
    with pytest.raises(ValueError, match='uint8 or uint16'):
        load_image(photo.astype(np.float32))


def test_api_and_demo_share_the_loader(tiny_hih, tmp_path):
    """A phone photo gives the same faces through the API as through the
    image the demo reads."""
    config, checkpoint = tiny_hih
    photo = cv2.imread(PHOTO)
    exif = Image.Exif()
    exif[0x0112] = 8  # rotate 90 degrees counter-clockwise to view
    path = str(tmp_path / 'phone.jpg')
    Image.fromarray(photo[..., ::-1]).save(path, exif=exif, quality=95)
    landmarker = FaceLandmarker(config, checkpoint, detector='whole_image')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        by_path = landmarker(path)
        by_array = landmarker(load_image(path))
    # the whole turned image (600 wide, 512 tall) is the face box
    np.testing.assert_array_equal(by_path[0]['bbox'], [0, 0, 600, 512])
    np.testing.assert_allclose(by_path[0]['keypoints'],
                               by_array[0]['keypoints'])


def test_empty_image_and_malformed_boxes(tiny_hih):
    config, checkpoint = tiny_hih
    with pytest.raises(ValueError, match='the image is empty'):
        load_image(np.zeros((0, 0, 3), np.uint8))
    landmarker = FaceLandmarker(config, checkpoint)
    image = np.zeros((100, 100, 3), np.uint8)
    for bboxes in ([[0, 0, 10]], np.zeros((2, 5)), np.zeros((1, 2, 4))):
        with pytest.raises(ValueError, match=r'bboxes must be \(N, 4\)'):
            landmarker(image, bboxes=bboxes)
    # a single box as a flat list is fine
    assert len(landmarker(image, bboxes=[10, 10, 90, 90])) == 1


@pytest.mark.parametrize('name, value, error, message', [
    ('bbox_thr', float('nan'), ValueError, 'bbox_thr must be finite'),
    ('bbox_thr', 1.5, ValueError, r'bbox_thr must be in \[0, 1\], got 1.5'),
    ('bbox_thr', '0.3', TypeError, "bbox_thr must be a number, got '0.3'"),
    ('batch_size', 0, ValueError, 'batch_size must be >= 1, got 0'),
    ('batch_size', 2.5, TypeError, 'batch_size must be an integer'),
])
def test_landmarker_options_are_checked(tiny_hih, name, value, error,
                                        message):
    config, checkpoint = tiny_hih
    landmarker = FaceLandmarker(config, checkpoint, 'whole_image')
    with pytest.raises(error, match=message):
        setattr(landmarker, name, value)


def test_tracker_options_are_checked(tiny_hih):
    from hih_mmpose.apis import FaceTracker
    config, checkpoint = tiny_hih
    landmarker = FaceLandmarker(config, checkpoint, detector='whole_image')
    for kwargs, message in ((dict(min_score=float('nan')), 'min_score'),
                            (dict(min_score=-1), 'min_score must be >= 0'),
                            (dict(match_iou=2.), r'match_iou must be in'),
                            (dict(redetect_every=0), 'redetect_every'),
                            (dict(fps=0), 'fps must be >=')):
        with pytest.raises(ValueError, match=message):
            FaceTracker(landmarker, **kwargs)


def test_boxes_of_the_wrong_type_are_named(tiny_hih):
    config, checkpoint = tiny_hih
    landmarker = FaceLandmarker(config, checkpoint)
    with pytest.raises(TypeError, match=r"bboxes must be numbers.*'left'"):
        landmarker(PHOTO, bboxes=[['left', 'top', 'right', 'bottom']])
    with pytest.raises(ValueError, match=r'\(N, 4\) rows.*a flat list of 3'):
        landmarker(PHOTO, bboxes=[1, 2, 3])


def test_boxes_that_cannot_hold_a_face(tiny_hih):
    """Given boxes entirely outside the image, far larger than it, or a flat
    list of several boxes' numbers are refused with the rule; a face cut by
    the border still runs."""
    from hih_mmpose.runtime.boxes import check_given_boxes
    config, checkpoint = tiny_hih
    landmarker = FaceLandmarker(config, checkpoint, detector='whole_image')
    image = np.zeros((100, 120, 3), np.uint8)
    with pytest.raises(ValueError, match=r'0% of its area inside the 120 x '
                       r'100 image; a face box needs at least 10%'):
        landmarker(image, bboxes=[[4900, 4900, 5080, 5170]])
    with pytest.raises(ValueError, match=r'100.0x the 120 x 100 image'):
        landmarker(image, bboxes=[[-6000, -5000, 6000, 5000]])
    with pytest.raises(ValueError, match='a flat list of 20 numbers'):
        landmarker(image, bboxes=list(range(1, 21)))
    # half outside: a face cut by the border
    assert len(landmarker(image, bboxes=[[-40, 10, 40, 90]])) == 1
    # the rule's edges, exactly
    check_given_boxes([[-90, 0, 10, 100]], (100, 120))  # 10 % inside
    with pytest.raises(ValueError, match='9% of its area'):
        check_given_boxes([[-91, 0, 9, 100]], (100, 120))
    check_given_boxes([[0, 0, 480, 100]], (100, 120))  # 4x the longer side
    with pytest.raises(ValueError, match='4.0x'):
        check_given_boxes([[0, 0, 481, 100]], (100, 120))
    assert check_given_boxes([], (100, 120)).shape == (0, 4)


def test_collapsed_landmarks():
    from hih_mmpose.apis import AlignedFilter, OneEuroFilter
    # all landmarks at one point: no similarity to align by; the filter
    # starts over from them instead of raising LinAlgError
    smooth = AlignedFilter(OneEuroFilter(1.0, 0.1))
    face = np.random.default_rng(0).uniform(0, 100, (98, 2))
    smooth(face, 0.)
    collapsed = np.full((98, 2), 50.)
    np.testing.assert_array_equal(smooth(collapsed, 0.04), collapsed)
    assert np.isfinite(smooth(face, 0.08)).all()


def test_int8_calibration_without_its_data(tiny_hih, tmp_path):
    """int8 calibration needs faces of the training set: none asked for, or
    the set not on disk, is named (not mmpose's bare AssertionError)."""
    from mmengine.config import Config

    from int8_quantization import calibration_crops
    config, _ = tiny_hih
    cfg = Config.fromfile(config)
    with pytest.raises(ValueError, match='at least 1 face, got 0'):
        calibration_crops(cfg, 0)
    cfg.train_dataloader.dataset.data_root = str(tmp_path / 'nowhere') + '/'
    with pytest.raises(FileNotFoundError, match='annotation file .*nowhere'):
        calibration_crops(cfg, 4)
