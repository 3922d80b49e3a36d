# Copyright (c) hih_mmpose contributors. All rights reserved.
"""What the demo writes: recursive folders, COCO keypoint files that
pycocotools and mmpose read, keypoint schemes, and outputs only inside
--out-dir (links never followed, the folder checked before any work, the
work done kept when a later image fails)."""
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import cv2
import matplotlib.cbook as cbook
import numpy as np
import pytest

from hih_mmpose.utils.output_folder import OutputFolder

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)


def run_demo(source: str, tiny_hih, *options,
             cwd: str = REPO) -> subprocess.CompletedProcess:
    config, checkpoint = tiny_hih
    return subprocess.run(
        [sys.executable, osp.join(REPO, 'demo', 'face_demo.py'), source,
         '--config', config, '--checkpoint', checkpoint, '--detector',
         'whole_image', *options],
        cwd=cwd, capture_output=True, text=True, timeout=300)


def test_recursive_folder_bad_entries_coco_and_300w(tiny_hih, tmp_path):
    folder = tmp_path / 'photos'
    (folder / 'sub').mkdir(parents=True)
    shutil.copy(PHOTO, folder / 'a.jpg')
    small = cv2.resize(cv2.imread(PHOTO), (160, 200))
    cv2.imwrite(str(folder / 'sub' / 'c.png'), small)
    # a folder named like an image (searched too) and a broken link
    (folder / 'b_sub.jpg').mkdir()
    cv2.imwrite(str(folder / 'b_sub.jpg' / 'x.png'), small)
    os.symlink(tmp_path / 'gone.jpg', folder / 'gone.jpg')
    out = tmp_path / 'out'
    result = run_demo(str(folder), tiny_hih, '--out-dir', str(out),
                      '--keypoint-scheme', '300w')
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'gone.jpg: a broken link' in result.stderr
    assert 'b_sub.jpg: a folder' in result.stderr
    assert '2 skipped' in result.stderr
    predictions = json.loads((out / 'photos_predictions.json').read_text())
    names = {'a.jpg', 'sub/c.png', 'b_sub.jpg/x.png'}
    assert set(predictions) == names
    assert all(len(faces) == 1 and len(faces[0]['keypoints']) == 68
               for faces in predictions.values())
    assert (out / 'sub' / 'c.png').is_file()
    assert (out / 'b_sub.jpg' / 'x.png').is_file()

    # the COCO keypoint file: pycocotools, mmpose's 300W dataset and
    # CocoMetric read it, with the predictions' numbers
    coco_file = str(out / 'photos_coco.json')
    from pycocotools.coco import COCO
    coco = COCO(coco_file)
    assert len(coco.getImgIds()) == 3 and len(coco.getAnnIds()) == 3
    by_name = {image['file_name']: image for image in coco.imgs.values()}
    assert set(by_name) == names
    assert (by_name['sub/c.png']['height'],
            by_name['sub/c.png']['width']) == (200, 160)
    from mmpose.datasets import Face300WDataset
    dataset = Face300WDataset(
        ann_file=coco_file, data_root='', data_prefix=dict(img=str(folder)),
        pipeline=[], test_mode=True)
    assert len(dataset) == 3
    for index in range(3):
        item = dataset.get_data_info(index)
        name = osp.relpath(item['img_path'], str(folder))
        face = predictions[name][0]
        np.testing.assert_allclose(item['keypoints'][0], face['keypoints'],
                                   atol=1e-4)
        # (mmpose's 300W dataset makes its box a square from center and
        # scale: the face box's centre and longer side)
        box = np.asarray(face['bbox'])
        np.testing.assert_allclose(item['bbox_center'][0],
                                   (box[:2] + box[2:]) / 2, atol=1e-3)
        np.testing.assert_allclose(item['bbox_scale'][0],
                                   (box[2:] - box[:2]).max(), atol=1e-3)
        assert (item['keypoints_visible'][0] == 1).all()
    from mmpose.evaluation import CocoMetric
    metric = CocoMetric(ann_file=coco_file)
    assert len(metric.coco.getAnnIds()) == 3


def test_links_in_out_dir_are_never_written_through(tiny_hih, tmp_path):
    """A link named like an output (to a file elsewhere, or dangling) is
    refused; with --overwrite it is replaced by a file, and nothing outside
    --out-dir is created or changed."""
    victim = tmp_path / 'elsewhere.json'
    victim.write_text('keep me')
    out = tmp_path / 'out'
    out.mkdir()
    os.symlink(victim, out / 'grace_hopper_predictions.json')
    os.symlink(tmp_path / 'created_outside.json',
               out / 'grace_hopper_coco.json')
    refused = run_demo(PHOTO, tiny_hih, '--out-dir', str(out))
    assert refused.returncode != 0
    assert 'never written through links' in refused.stderr
    assert 'landmarker: ' not in refused.stderr  # before work
    assert victim.read_text() == 'keep me'
    assert not osp.lexists(tmp_path / 'created_outside.json')
    forced = run_demo(PHOTO, tiny_hih, '--out-dir', str(out), '--overwrite')
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert 'replacing the link' in forced.stderr
    assert victim.read_text() == 'keep me'
    assert not osp.lexists(tmp_path / 'created_outside.json')
    for name in ('grace_hopper_predictions.json', 'grace_hopper_coco.json'):
        assert not osp.islink(out / name) and osp.isfile(out / name)
    assert sorted(os.listdir(tmp_path)) == ['elsewhere.json', 'out']


def test_sub_folder_link_out_of_out_dir_is_refused(tmp_path):
    outside = tmp_path / 'outside'
    outside.mkdir()
    out = tmp_path / 'out'
    out.mkdir()
    os.symlink(outside, out / 'sub')
    folder = OutputFolder(str(out))
    with pytest.raises(ValueError, match='outside'):
        folder.check('sub/c.png')
    with pytest.raises(ValueError, match='outside'):
        folder.path('sub/c.png')
    for name in ('../x.json', str(tmp_path / 'x.json'), '.'):
        with pytest.raises(ValueError, match='not a file name inside'):
            folder.check(name)
    assert os.listdir(outside) == []
    assert folder.path('deeper/x.json') == osp.join(str(out), 'deeper',
                                                    'x.json')


def test_out_dir_that_cannot_be_written_is_found_first(tiny_hih, tmp_path):
    a_file = tmp_path / 'file'
    a_file.write_text('')
    for out, message in ((a_file, 'is a file, not a folder'),
                         (a_file / 'sub', 'cannot be written')):
        result = run_demo(PHOTO, tiny_hih, '--out-dir', str(out))
        assert result.returncode != 0
        assert message in result.stderr
        assert 'landmarker: ' not in result.stderr


def test_options_are_checked_before_work(tiny_hih, tmp_path):
    result = run_demo(PHOTO, tiny_hih, '--one-euro', 'nan', '0.1',
                      '--out-dir', str(tmp_path / 'out'))
    assert result.returncode != 0
    assert 'min_cutoff must be finite, got nan' in result.stderr
    assert not osp.exists(tmp_path / 'out')
    result = run_demo(PHOTO, tiny_hih, '--bbox-thr', '2')
    assert result.returncode != 0 and '--bbox-thr' in result.stderr


def test_a_run_that_saves_nothing_says_so(tiny_hih):
    result = run_demo(PHOTO, tiny_hih)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'nothing will be saved' in result.stderr


def test_config_found_from_another_working_folder(tmp_path, monkeypatch,
                                                  face_demo):
    demo = face_demo
    monkeypatch.chdir(tmp_path)
    assert demo.resolve_config('configs/hih_wflw.py') == osp.join(
        REPO, 'configs', 'hih_wflw.py')
    with pytest.raises(FileNotFoundError, match='neither from the working'):
        demo.resolve_config('configs/missing.py')


def test_a_later_failure_keeps_the_work_done(tiny_hih, tmp_path,
                                             monkeypatch, face_demo):
    """The third image fails while drawing: the predictions done (those of
    the third included: only its drawing failed) are written, JSON and
    COCO, and the error is still raised."""
    demo = face_demo
    folder = tmp_path / 'photos'
    folder.mkdir()
    for name in ('a.jpg', 'b.jpg', 'c.jpg'):
        shutil.copy(PHOTO, folder / name)
    calls = []
    draw = demo.draw

    def failing_draw(image, faces, kpt_thr):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError('drawing failed')
        return draw(image, faces, kpt_thr)

    config, checkpoint = tiny_hih
    out = tmp_path / 'out'
    monkeypatch.setattr(demo, 'draw', failing_draw)
    monkeypatch.setattr(sys, 'argv', [
        'face_demo.py', str(folder), '--config', config, '--checkpoint',
        checkpoint, '--out-dir', str(out), '--detector', 'whole_image'
    ])
    with pytest.raises(RuntimeError, match='drawing failed'):
        demo.main()
    predictions = json.loads((out / 'photos_predictions.json').read_text())
    assert sorted(predictions) == ['a.jpg', 'b.jpg', 'c.jpg']
    coco = json.loads((out / 'photos_coco.json').read_text())
    assert len(coco['annotations']) == 3
    assert sorted(os.listdir(out)) == [
        'a.jpg', 'b.jpg', 'photos_coco.json', 'photos_predictions.json']
