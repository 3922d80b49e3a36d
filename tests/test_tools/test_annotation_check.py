# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Bad dataset inputs: each gives an error naming the file and annotation
before a run starts (or, for keypoints outside the image, a warning)."""
import copy
import json
import os.path as osp
import shutil

import pytest
from mmengine.config import Config

from launch_helpers.annotation_check import (AnnotationError,
                                                  check_dataset_config,
                                                  check_face_annotations,
                                                  check_run_datasets)
from mmpose.datasets import WFLWDataset

REPO_ROOT = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))


@pytest.fixture
def dataset(tmp_path, wflw_like_root):
    """A private copy of the 4-image WFLW-layout set: (root, content,
    write) where ``write(content)`` saves a modified annotation file and
    returns its path."""
    source_root, ann_file = wflw_like_root
    root = tmp_path / 'wflw'
    shutil.copytree(source_root, root)
    with open(root / ann_file) as f:
        content = json.load(f)

    def write(modified: dict, name: str = 'bad.json') -> str:
        path = str(root / 'annotations' / name)
        with open(path, 'w') as f:
            json.dump(modified, f)
        return path

    return root, content, write


def check(root, path, **kwargs):
    return check_face_annotations(path, str(root / 'images'), 98,
                                  center_scale=True, **kwargs)


def test_valid_set_passes_and_counts(dataset):
    root, content, write = dataset
    assert check(root, write(content)) == dict(images=4, annotations=4,
                                              outside_image=0)


def test_missing_image_is_named(dataset):
    root, content, write = dataset
    (root / 'images' / '0002.png').unlink()
    with pytest.raises(FileNotFoundError,
                       match=r'1 of 4 images are missing .*0002\.png'):
        check(root, write(content))


def test_corrupt_image(dataset):
    """Existence is checked by default; --check-images decodes. Without
    the check, mmcv's loader stops at the file, naming it."""
    root, content, write = dataset
    (root / 'images' / '0001.png').write_bytes(b'\x89PNG\r\n\x1a\n garbage')
    path = write(content)
    check(root, path)
    with pytest.raises(AnnotationError,
                       match=r'0001\.png is not a readable image'):
        check(root, path, check_images=True)
    data = WFLWDataset(ann_file=path, data_root='',
                       data_prefix=dict(img=str(root / 'images') + '/'),
                       pipeline=[dict(type='LoadImage')])
    with pytest.raises(AssertionError, match=r'failed to load image.*0001'):
        data[1]


def test_wrong_keypoint_count(dataset):
    root, content, write = dataset
    content['annotations'][2]['keypoints'] = \
        content['annotations'][2]['keypoints'][:68 * 3]
    with pytest.raises(AnnotationError,
                       match=r'bad\.json: annotation id 2 \(image 0002\.png\)'
                       r' has 68 keypoints, expected 98'):
        check(root, write(content))


@pytest.mark.parametrize('field, value, message', [
    ('keypoints', 'text', 'keypoints that are not a list of numbers'),
    ('keypoints', None, 'keypoints that are not a list of numbers'),
    ('keypoints', ['1.5'] * 294, 'keypoints that are not a list of numbers'),
    ('scale', 'big', 'a center / scale that is not numbers'),
    ('center', ['a', 'b'], 'a center / scale that is not numbers'),
])
def test_values_of_the_wrong_type(dataset, field, value, message):
    """Strings or null where numbers belong: an error naming the
    annotation and the field, not a numpy error."""
    root, content, write = dataset
    content['annotations'][2][field] = value
    with pytest.raises(AnnotationError,
                       match=r'annotation id 2 \(image 0002\.png\) has '
                       + message):
        check(root, write(content))


def test_image_id_of_another_type(dataset):
    root, content, write = dataset
    content['annotations'][1]['image_id'] = '1'
    with pytest.raises(AnnotationError,
                       match="refers to image id '1', which is not in "
                       'images'):
        check(root, write(content))


def test_face_without_visible_keypoints(dataset):
    root, content, write = dataset
    content['annotations'][3]['keypoints'][2::3] = [0] * 98
    with pytest.raises(AnnotationError,
                       match=r'annotation id 3 \(image 0003\.png\) has no '
                       'visible keypoint'):
        check(root, write(content))


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_non_finite_coordinates(dataset, value):
    root, content, write = dataset
    content['annotations'][1]['keypoints'][4] = value
    with pytest.raises(AnnotationError,
                       match=r'annotation id 1 \(image 0001\.png\) has NaN '
                       'or infinite'):
        check(root, write(content))


def test_keypoints_outside_the_image_warn(dataset):
    root, content, write = dataset
    content['annotations'][0]['keypoints'][0] = -30.  # x of keypoint 0
    content['annotations'][0]['keypoints'][4] = 500.  # y of keypoint 1
    with pytest.warns(UserWarning, match='2 keypoints lie outside'):
        counts = check(root, write(content))
    assert counts['outside_image'] == 2


@pytest.mark.parametrize('change, message', [
    (dict(scale=0.), 'zero-size face box'),
    (dict(center=None, scale=None), 'no center / scale'),
    (dict(center=[float('nan'), 3.]), 'invalid center / scale'),
])
def test_bad_center_scale(dataset, change, message):
    root, content, write = dataset
    ann = content['annotations'][3]
    for key, value in change.items():
        if value is None:
            del ann[key]
        else:
            ann[key] = value
    with pytest.raises(AnnotationError, match=f'annotation id 3 .*{message}'):
        check(root, write(content))


def test_bad_bbox_when_the_dataset_uses_bboxes(dataset):
    root, content, write = dataset
    content['annotations'][0]['bbox'] = [10, 10, 0, 50]
    path = write(content)
    with pytest.raises(AnnotationError, match='zero-area bbox'):
        check_face_annotations(path, str(root / 'images'), 98)
    del content['annotations'][0]['bbox']
    with pytest.raises(AnnotationError, match='has no bbox'):
        check_face_annotations(write(content), str(root / 'images'), 98)


def test_empty_and_foreign_files(dataset):
    root, content, write = dataset
    empty = root / 'annotations' / 'empty.json'
    empty.write_text('')
    with pytest.raises(AnnotationError, match='empty.json is empty'):
        check(root, str(empty))
    with pytest.raises(AnnotationError, match='no annotations'):
        check(root, write(dict(content, annotations=[])))
    (root / 'annotations' / 'list.txt').write_text('1 2 3\n')
    with pytest.raises(AnnotationError, match='not valid JSON'):
        check(root, str(root / 'annotations' / 'list.txt'))
    with pytest.raises(AnnotationError, match='not a COCO-style'):
        check(root, write([1, 2, 3]))
    with pytest.raises(FileNotFoundError, match='does not exist'):
        check(root, str(root / 'annotations' / 'nothing.json'))


def test_image_listed_twice(dataset):
    root, content, write = dataset
    twice = copy.deepcopy(content)
    twice['images'].append(dict(twice['images'][1]))
    with pytest.raises(AnnotationError, match='image id 1 is listed twice'):
        check(root, write(twice))
    twice = copy.deepcopy(content)
    twice['images'].append(dict(twice['images'][1], id=99))
    twice['annotations'].append(
        dict(twice['annotations'][1], id=99, image_id=99))
    with pytest.raises(AnnotationError,
                       match=r'annotation id 99 \(image 0001\.png\) is listed'
                       ' twice: annotation id 1'):
        check(root, write(twice))


def test_unknown_image_id(dataset):
    root, content, write = dataset
    content['annotations'][0]['image_id'] = 1234
    with pytest.raises(AnnotationError, match='image id 1234, which is not'):
        check(root, write(content))


def test_run_config_check_uses_the_metainfo(dataset, capsys):
    """The dataset configs of a run are found and checked with the
    keypoint count of their metainfo (98 for WFLW)."""
    root, content, write = dataset
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'hih_wflw.py'))
    good = write(content, 'good.json')
    for loader in (cfg.train_dataloader, cfg.val_dataloader,
                   cfg.test_dataloader):
        loader.dataset.update(data_root=str(root), ann_file=good,
                              data_prefix=dict(img='images/'))
    check_run_datasets(cfg)
    assert 'good.json: 4 faces in 4 images, ok' in capsys.readouterr().out

    for ann in content['annotations']:
        ann['keypoints'] = ann['keypoints'][:29 * 3]  # a COFW file
    cfg.test_dataloader.dataset.ann_file = write(content, 'cofw.json')
    with pytest.raises(AnnotationError, match='has 29 keypoints, expected 98'):
        check_run_datasets(cfg)
    with pytest.raises(AnnotationError, match='expected 98'):
        check_dataset_config(cfg.test_dataloader.dataset)


def test_zero_normalising_distance(dataset):
    """A face whose outer eye corners coincide passes every other check but
    has no defined NME: the run's data check names it (WFLW's inter-ocular
    landmarks 60 and 72, from the dataset's metainfo)."""
    root, content, write = dataset
    keypoints = content['annotations'][2]['keypoints']
    keypoints[72 * 3:72 * 3 + 2] = keypoints[60 * 3:60 * 3 + 2]
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'hih_wflw.py'))
    cfg.test_dataloader.dataset.update(data_root=str(root),
                                       ann_file=write(content),
                                       data_prefix=dict(img='images/'))
    with pytest.raises(AnnotationError,
                       match=r'annotation id 2 .* normalising distance of 0:'
                       r' the centres of landmarks \[60\] and \[72\]'):
        check_dataset_config(cfg.test_dataloader.dataset)
    # without the dataset's landmark groups it is not checked
    assert check(root, write(content))['annotations'] == 4


def test_faces_mmpose_leaves_out_are_named(tmp_path):
    """What mmpose's datasets drop silently (all keypoints unlabelled, a
    box without area, crowd) is named, so --skip-data-check runs say it."""
    import json

    from launch_helpers.annotation_check import faces_mmpose_leaves_out
    keypoints = [10., 20., 2.] * 98
    annotations = [
        dict(id=1, image_id=1, keypoints=keypoints, num_keypoints=98,
             bbox=[0, 0, 50, 50]),
        dict(id=2, image_id=1, keypoints=[0.] * 294, num_keypoints=0,
             bbox=[0, 0, 50, 50]),
        dict(id=3, image_id=2, keypoints=keypoints, num_keypoints=98,
             bbox=[0, 0, 0, 50]),
        dict(id=4, image_id=2, keypoints=keypoints, num_keypoints=98,
             bbox=[0, 0, 50, 50], iscrowd=1),
        # mmpose's face datasets box the face by centre / scale
        dict(id=5, image_id=2, keypoints=keypoints, num_keypoints=98,
             bbox=[0, 0, 50, 50], center=[25, 25], scale=0.),
    ]
    path = tmp_path / 'faces.json'
    path.write_text(json.dumps(dict(
        images=[dict(id=1, file_name='a.jpg'), dict(id=2, file_name='b.jpg')],
        annotations=annotations)))
    assert faces_mmpose_leaves_out(str(path)) == [
        'annotation 2 (a.jpg): num_keypoints 0 (every keypoint unlabelled)',
        'annotation 3 (b.jpg): a box without area',
        'annotation 4 (b.jpg): iscrowd',
        'annotation 5 (b.jpg): a centre/scale box without area (scale 0.0)',
    ]
    assert faces_mmpose_leaves_out(str(tmp_path / 'missing.json')) == []


@pytest.mark.parametrize('value', ['192', None, True])
def test_image_width_of_the_wrong_type(dataset, value):
    """An image width given as the string "192" is named with the file and
    the image (it was a TypeError deep in the check); a missing one is
    allowed (the image is read instead)."""
    root, content, write = dataset
    content['images'][1]['width'] = value
    if value is None:
        check(root, write(content))
        return
    with pytest.raises(AnnotationError,
                       match=r'bad\.json: image id 1 \(0001\.png\) has width '
                       + repr(value).replace('(', r'\(') + ' '):
        check(root, write(content))
