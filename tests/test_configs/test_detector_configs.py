# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The face detector configs build through mmdet's DetInferencer (as
MMPoseInferencer builds them) as one-class detectors."""
import os.path as osp

import matplotlib.cbook as cbook
import pytest
from mmdet.apis import DetInferencer
from mmengine.config import Config

DETECTORS = osp.abspath(
    osp.join(osp.dirname(__file__), '..', '..', 'configs', 'detectors'))
PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)


@pytest.mark.parametrize('name', ['yolox-s_face.py', 'rtmdet-s_face.py'])
def test_trainable_face_detector_configs(name):
    config = osp.join(DETECTORS, name)
    cfg = Config.fromfile(config)
    assert cfg.model.bbox_head.num_classes == 1
    assert cfg.val_dataloader.dataset.metainfo.classes == ('face', )
    # untrained here (no weights can be downloaded): only the wiring counts
    detector = DetInferencer(model=config, weights=None, device='cpu',
                             show_progress=False)
    instances = detector(PHOTO, return_datasamples=True)[
        'predictions'][0].pred_instances
    assert instances.bboxes.shape[1] == 4
    assert (instances.labels == 0).all()


@pytest.mark.parametrize('name', ['haar_face.py', 'blazeface.py'])
def test_weightless_configs_find_the_face(name):
    detector = DetInferencer(model=osp.join(DETECTORS, name),
                             weights=None, device='cpu', show_progress=False)
    instances = detector(PHOTO, return_datasamples=True)[
        'predictions'][0].pred_instances
    assert len(instances) == 1
    x1, y1, x2, y2 = instances.bboxes[0].tolist()
    assert x1 < 270 < x2 and y1 < 195 < y2  # between the eyes
    assert 0.5 < instances.scores[0] <= 1


@pytest.mark.parametrize('name', ['haar_face.py', 'blazeface.py',
                                  'yolox-s_face.py', 'rtmdet-s_face.py'])
def test_mmdet_init_detector_builds_every_config(name):
    """mmdet's own entry point (what mmpose's
    demo/topdown_demo_with_mmdet.py calls, then ``inference_detector`` on
    the pipeline ``adapt_mmdet_pipeline`` makes) builds each config; the
    weightless detectors find the face without weights."""
    from mmdet.apis import inference_detector, init_detector

    from mmpose.utils import adapt_mmdet_pipeline
    detector = init_detector(osp.join(DETECTORS, name), None, device='cpu')
    detector.cfg = adapt_mmdet_pipeline(detector.cfg)
    instances = inference_detector(detector, PHOTO).pred_instances
    assert instances.bboxes.shape[1] == 4
    if name in ('haar_face.py', 'blazeface.py'):
        assert len(instances) == 1 and (instances.labels == 0).all()
        x1, y1, x2, y2 = instances.bboxes[0].tolist()
        assert x1 < 270 < x2 and y1 < 195 < y2


def test_weightless_detectors_have_no_backbone():
    from mmdet.registry import MODELS
    with pytest.raises(ValueError, match='has no backbone'):
        MODELS.build(dict(type='HaarCascadeFaceDetector',
                          backbone=dict(type='ResNet', depth=50)))


def test_mmpose_demo_runs_with_our_configs(tiny_hih, tmp_path):
    """mmpose's own demo/topdown_demo_with_mmdet.py (the copy the mmpose
    package installs) with configs/detectors/blazeface.py, ``weightless://``
    as its detector checkpoint and the checkpoint our training wrote, as it
    is: one face, 98 landmarks."""
    import json
    import subprocess
    import sys

    import mmpose
    repo = osp.dirname(osp.dirname(DETECTORS))
    demo = osp.join(osp.dirname(mmpose.__file__), '.mim', 'demo',
                    'topdown_demo_with_mmdet.py')
    config, checkpoint = tiny_hih
    result = subprocess.run(
        [sys.executable, demo, osp.join(DETECTORS, 'blazeface.py'),
         'weightless://', config, checkpoint, '--input', PHOTO, '--device',
         'cpu', '--output-root', str(tmp_path / 'out'), '--save-predictions'],
        cwd=repo, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    with open(tmp_path / 'out' / 'results_grace_hopper.json') as f:
        (face, ) = json.load(f)['instance_info']
    assert len(face['keypoints']) == 98
    assert (tmp_path / 'out' / 'grace_hopper.jpg').is_file()
