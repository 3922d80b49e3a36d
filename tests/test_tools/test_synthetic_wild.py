# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The wild profile of the synthetic faces: exact occlusion flags, the
poses it promises, COCO visibility and WFLW's subset files."""
import json
import os.path as osp

import numpy as np

from synthetic_world import generate_synthetic_dataset
from synthetic_world.synthetic_faces import (face_template, project,
                                                 rotation)
from synthetic_world.synthetic_wild import (ATTRIBUTES, _draw_occluder,
                                                occluder_flags,
                                                render_wild_face,
                                                self_occluded)
from mmpose.datasets import WFLWDataset


def frontal_face(yaw: float = 0.) -> dict:
    return dict(rotation=rotation(np.radians(yaw), 0., 0.), scale=60.,
                centre=np.array([100., 100.]), hair=np.array([60., 40., 30.]))


def test_occluder_flags_are_read_from_the_mask():
    """A landmark is flagged exactly when the occluder mask covers its
    (rounded) pixel; landmarks outside the image are not covered."""
    mask = np.zeros((50, 60), np.uint8)
    mask[10:20, 30:40] = 255
    points = np.array([[30., 10.], [39.4, 19.4], [29.4, 15.], [40., 15.],
                       [35., 9.4], [-3., 12.], [35., 60.]])
    np.testing.assert_array_equal(occluder_flags(mask, points),
                                  [True, True, False, False, False, False,
                                   False])


def test_drawn_occluders_flag_the_points_they_cover():
    """Sunglasses cover both pupils and no contour point; a face mask
    covers the mouth and the chin, not the eyes; the flags are what was
    drawn (each flagged pixel changed colour)."""
    face = frontal_face()
    landmarks = project(face_template(), face)
    rng = np.random.default_rng(0)
    for kind, covered, free in (('sunglasses', [96, 97], range(33)),
                                ('mask', list(range(76, 96)) + [16],
                                 range(60, 76))):
        image = np.full((200, 200, 3), 128, np.uint8)
        before = image.copy()
        mask = np.zeros((200, 200), np.uint8)
        _draw_occluder(kind, rng, image, mask, landmarks, face)
        flags = occluder_flags(mask, landmarks)
        assert flags[covered].all(), f'Failed case: "{kind}"'
        assert not flags[list(free)].any(), f'Failed case: "{kind}"'
        xy = np.round(landmarks[flags]).astype(int)
        assert (image[xy[:, 1], xy[:, 0]] != before[xy[:, 1],
                                                     xy[:, 0]]).any(-1).all()


def test_turned_faces_hide_the_far_side():
    template = face_template()
    assert not self_occluded(template, frontal_face()).any()
    hidden = self_occluded(template, frontal_face(yaw=80.))
    # turned by 80 degrees: one half of the contour and that eye are hidden
    assert hidden[:33].sum() >= 8
    far_eye = hidden[60:68].all() or hidden[68:76].all()
    assert far_eye and not (hidden[60:68].all() and hidden[68:76].all())


def test_wild_faces_cover_the_promised_range():
    rng = np.random.default_rng(1)
    poses, occluded, small = [], 0, 0
    for _ in range(150):
        image, landmarks, flags, attributes = render_wild_face(rng, 192)
        assert image.shape == (192, 192, 3) and landmarks.shape == (98, 2)
        poses.append(attributes['pose'])
        occluded += attributes['under_occluder'].any()
        small += np.linalg.norm(landmarks[60] - landmarks[72]) < 40
        assert set(ATTRIBUTES) <= set(attributes)
    yaw, pitch, roll = np.abs(np.array(poses)).T
    assert yaw.max() > 80 and pitch.max() > 40 and roll.max() > 150
    assert (roll > 90).mean() > 0.1  # sideways or upside down
    assert occluded > 30 and small > 20


def test_wild_dataset_files(tmp_path):
    """COCO visibility 1 for occluded landmarks, 2 for visible ones; the
    six WFLW subsets hold exactly the test faces with that attribute and
    load with mmpose's WFLWDataset; the easy set is all visible."""
    root = str(tmp_path / 'wild')
    written = generate_synthetic_dataset(root, num_train=4, num_test=40,
                                         image_size=128, seed=0,
                                         show_progress=False,
                                         profile='wild')
    with open(written['wflw_test']) as f:
        test = json.load(f)
    flags = np.array([np.reshape(a['keypoints'], (-1, 3))[:, 2]
                      for a in test['annotations']])
    assert set(np.unique(flags)) == {1, 2}
    with open(written['attributes_test']) as f:
        rows = json.load(f)
    assert [row['file_name'] for row in rows] == [
        image['file_name'] for image in test['images']]
    for row in rows:
        assert abs(row['yaw']) <= 90 and abs(row['pitch']) <= 45
        assert abs(row['roll']) <= 180
        assert row['largepose'] == (abs(row['yaw']) > 50 or abs(
            row['pitch']) > 30 or abs(row['roll']) > 60)
    total = 0
    for attribute in ATTRIBUTES:
        with open(written[f'wflw_test_{attribute}']) as f:
            subset = json.load(f)
        names = [image['file_name'] for image in subset['images']]
        assert len(names) == len(subset['annotations'])
        # the faces the attribute file marks, no other
        assert names == [row['file_name'] for row in rows if row[attribute]]
        total += len(names)
    assert total > 0
    dataset = WFLWDataset(ann_file=written['wflw_test'], data_root='',
                          data_prefix=dict(img=osp.join(root, 'images/')),
                          test_mode=True)
    assert len(dataset) == 40
    easy = generate_synthetic_dataset(str(tmp_path / 'easy'), num_train=1,
                                      num_test=2, image_size=128,
                                      show_progress=False)
    with open(easy['wflw_test']) as f:
        annotations = json.load(f)['annotations']
    assert all(set(a['keypoints'][2::3]) == {2} for a in annotations)
    assert not any('wflw_test_' in key or 'attributes' in key
                   for key in easy)
