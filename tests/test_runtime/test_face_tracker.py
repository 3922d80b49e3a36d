# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Video mode: detect once, follow the faces, re-detect after a cut or a
lost face, stable ids; on synthetic clips with exact landmarks."""
import numpy as np
import pytest

from hih_mmpose.apis import FaceLandmarker
from hih_mmpose.datasets.landmark_schemes import eye_indices
from hih_mmpose.runtime import FaceTracker
from hih_mmpose.runtime.boxes import box_iou
from hih_mmpose.runtime.rotation import landmark_box, oriented_landmark_box
from synthetic_world.synthetic_video import (face_video, video_head_poses,
                                                 write_face_video)


def clip(seed, frames=3, size=(320, 240)):
    return [frame for frame, _ in face_video(frames, size, seed)]


@pytest.fixture(scope='module')
def landmarker(tiny_hih):
    config, checkpoint = tiny_hih
    landmarker = FaceLandmarker(config, checkpoint, flip_test=False)
    # (the one-epoch model's landmarks say little; the tracker's own boxes
    # are the subject here)
    landmarker.refine_boxes = False
    return landmarker


def test_cut_between_two_clips(landmarker):
    """Two unrelated clips back to back: the detector runs on the first
    frame and on the first frame after the cut only; the face keeps its id
    within a clip and gets a new one after the cut (min_score 0: a face is
    never lost, so only the cut can trigger the re-detection)."""
    tracker = FaceTracker(landmarker, min_score=0.)
    results = [tracker(frame) for frame in clip(0) + clip(5)]
    assert [len(faces) for faces in results] == [1] * 6
    assert [faces[0]['detected'] for faces in results] == [
        True, False, False, True, False, False]
    assert [faces[0]['track_id'] for faces in results] == [0, 0, 0, 1, 1, 1]
    assert tracker.detections == 2 and tracker.cuts == 1
    # tracked frames: the box is the previous frame's landmark box, taken
    # along its eye line when that is rolled by MIN_ROLL or more
    previous = results[0][0]['keypoints']
    box, angle = oriented_landmark_box(previous, eye_indices(98))
    np.testing.assert_allclose(results[1][0]['bbox'], box, rtol=1e-6)
    assert results[1][0]['bbox_angle'] == pytest.approx(angle, abs=1e-4)


def test_lost_face_is_redetected_and_keeps_its_id(landmarker):
    """A face whose landmark score is below min_score (here: always) is
    detected again on every frame and keeps its id by box overlap;
    redetect_every detects on schedule."""
    tracker = FaceTracker(landmarker, min_score=1.01)
    ids = [tracker(frame)[0]['track_id'] for frame in clip(0, 4)]
    assert ids == [0, 0, 0, 0] and tracker.detections == 4
    tracker = FaceTracker(landmarker, min_score=0., redetect_every=2)
    for frame in clip(0, 5):
        tracker(frame)
    assert tracker.detections == 3  # frames 0, 2 and 4


def test_collapsed_landmarks_are_lost(landmarker):
    """A track whose landmarks collapsed to a point (no box) or are not
    finite is detected again instead of cropping a box of no size."""
    tracker = FaceTracker(landmarker, min_score=0.)
    frames = clip(0, 3)
    tracker(frames[0])
    tracker.tracks[0]['keypoints'] = np.full((98, 2), 100.)
    assert tracker(frames[1])[0]['detected']
    tracker.tracks[0]['keypoints'][0] = np.nan
    assert tracker(frames[2])[0]['detected']
    assert tracker.detections == 3


def test_two_faces_keep_their_ids(landmarker):
    """Two faces side by side in one frame: two tracks with their own ids,
    and each face's landmarks stay in its own half."""
    left, right = clip(0, 3), clip(5, 3)
    tracker = FaceTracker(landmarker, min_score=0.)
    for n, frame in enumerate(np.concatenate([a, b], axis=1)
                              for a, b in zip(left, right)):
        faces = sorted(tracker(frame), key=lambda f: f['bbox'][0])
        assert len(faces) == 2
        assert [f['track_id'] for f in faces] in ([0, 1], [1, 0])
        if n == 0:
            ids = [f['track_id'] for f in faces]
        assert [f['track_id'] for f in faces] == ids
        assert faces[0]['keypoints'][:, 0].mean() < 320 < \
            faces[1]['keypoints'][:, 0].mean()


def test_smoothing_and_box_iou():
    tracker_boxes = np.array([[0., 0., 10., 10.], [20., 20., 30., 40.]])
    np.testing.assert_allclose(
        box_iou(tracker_boxes, np.array([[5., 0., 15., 10.]])),
        [[50 / 150], [0.]])
    np.testing.assert_array_equal(
        landmark_box(np.array([[3., 4.], [1., 9.], [2., 2.]])),
        [1., 2., 3., 9.])


def test_synthetic_video_has_exact_landmarks(tmp_path):
    """The video writer's landmarks are the generator's, frame by frame,
    and the video reads back with its frame count and size."""
    import cv2
    path = str(tmp_path / 'face.avi')
    landmarks = write_face_video(path, 5, (160, 120), seed=3)
    expected = np.stack([points for _, points in face_video(5, (160, 120),
                                                            3)])
    np.testing.assert_array_equal(landmarks, expected)
    capture = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    assert len(frames) == 5 and frames[0].shape == (120, 160, 3)
    # the face moves: landmarks differ between frames, stay in the frame
    assert np.abs(np.diff(landmarks, axis=0)).max() > 0.1
    assert landmarks.min() > 0 and landmarks[..., 0].max() < 160 \
        and landmarks[..., 1].max() < 120


def test_oriented_landmark_box():
    """A face's landmarks turned by any angle: the box follows the eye line
    (the angle is the turn plus the face's own eye-line angle), and its
    size in the turned frame does not change; below MIN_ROLL, or without
    known eyes, the plain landmark box and angle 0."""
    from hih_mmpose.runtime.rotation import MIN_ROLL, eye_line_angle
    eyes = eye_indices(98)
    rng = np.random.default_rng(0)
    face = rng.uniform(-40, 40, (98, 2))
    face[60:68] += [-25, 0]
    face[68:76] += [25, 0]
    face[96], face[97] = [-25, 0], [25, 0]

    def turn(points, degrees):
        theta = np.radians(degrees)
        rotation = np.array([[np.cos(theta), -np.sin(theta)],
                             [np.sin(theta), np.cos(theta)]])
        return points @ rotation.T

    own = float(eye_line_angle(face[eyes[0]].mean(0), face[eyes[1]].mean(0)))
    assert abs(own) < MIN_ROLL
    box, angle = oriented_landmark_box(face + [200, 150], eyes)
    assert angle == 0
    np.testing.assert_allclose(box, landmark_box(face + [200, 150]))
    base = turn(face, 60.)  # rolled well past MIN_ROLL
    box, angle = oriented_landmark_box(base + [200, 150], eyes)
    assert angle == pytest.approx(own + 60)
    size = box[2:] - box[:2]
    for degrees in (30., 90., 180., -120.):
        turned_box, turned_angle = oriented_landmark_box(
            turn(base, degrees) + [200, 150], eyes)
        assert (turned_angle - angle - degrees + 180) % 360 - 180 == \
            pytest.approx(0, abs=1e-6)
        np.testing.assert_allclose(turned_box[2:] - turned_box[:2], size,
                                   atol=1e-6)
    # no eyes known: the plain landmark box
    box, angle = oriented_landmark_box(base[:5], None)
    assert angle == 0
    np.testing.assert_allclose(box, np.concatenate([base[:5].min(0),
                                                    base[:5].max(0)]))


def test_wild_video_turns_to_profile_and_upside_down():
    """The wild motion: yaw reaches +-80 deg, roll runs 0 -> 180 -> 0 deg;
    the landmarks follow the rendered head (upright at the start, upside
    down mid-clip)."""
    poses = video_head_poses(301, (320, 240), seed=1, motion='wild')
    assert poses.shape == (301, 3)
    assert poses[:, 0].max() > 79 and poses[:, 0].min() < -79
    np.testing.assert_allclose(poses[[0, 150, 300], 2], [0, 180, 0],
                               atol=1e-9)
    assert np.abs(poses[:, 1]).max() <= 15
    frames = face_video(301, (320, 240), seed=1, motion='wild')
    for index, (frame, landmarks) in enumerate(frames):
        # WFLW: eyes 60-75, mouth 76-95; image y points down
        eyes_above_mouth = (landmarks[60:76, 1].mean() <
                            landmarks[76:96, 1].mean())
        if index == 0:
            assert eyes_above_mouth
        if index == 150:
            assert not eyes_above_mouth
            break
    with pytest.raises(ValueError, match="motion must be 'mild' or 'wild'"):
        next(face_video(2, motion='spin'))
