# Copyright (c) hih_mmpose contributors. All rights reserved.
"""mmpose's own tools and demos, as the installed mmpose ships them (its
``.mim`` folder), on our configs and on a checkpoint our training wrote,
with nothing set: no context manager, no environment variable, no publish
step."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys

import mmpose
import pytest

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
MIM = osp.join(osp.dirname(mmpose.__file__), '.mim')
HAAR = osp.join(REPO, 'configs', 'detectors', 'haar_face.py')


def mmpose_tool(script: str, *args: str, timeout: int = 300) -> str:
    """Run ``.mim/<script>`` in a fresh interpreter; its output."""
    env = {key: value for key, value in os.environ.items()
           if key != 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'}
    result = subprocess.run(
        [sys.executable, osp.join(MIM, script), *args], cwd=REPO,
        capture_output=True, text=True, timeout=timeout,
        env=dict(env, PYTHONWARNINGS='ignore'))
    output = result.stdout + result.stderr
    assert result.returncode == 0, f'{script}: {output[-3000:]}'
    return output


@pytest.fixture(scope='module')
def image(tiny_hih):
    config, _ = tiny_hih
    from mmengine.config import Config
    root = Config.fromfile(config).test_dataloader.dataset.data_root
    return sorted(glob.glob(osp.join(root, 'images', '**', '*.*'),
                            recursive=True))[0]


def test_mmpose_test_tool(tiny_hih, tmp_path):
    config, checkpoint = tiny_hih
    out = mmpose_tool('tools/test.py', config, checkpoint, '--work-dir',
                      str(tmp_path))
    assert 'NME' in out and 'FR@0.1' in out


def test_mmpose_train_tool_resumes_our_checkpoint(tiny_hih, tmp_path):
    """mmpose's tools/train.py continues from our epoch checkpoint."""
    config, checkpoint = tiny_hih
    out = mmpose_tool('tools/train.py', config, '--work-dir', str(tmp_path),
                      '--resume', checkpoint, '--cfg-options',
                      'train_cfg.max_epochs=2', 'train_cfg.val_interval=2')
    assert 'resumed epoch: 1' in out
    assert osp.isfile(tmp_path / 'epoch_2.pth')


def test_mmpose_image_demo(tiny_hih, image, tmp_path):
    config, checkpoint = tiny_hih
    out_file = str(tmp_path / 'demo.jpg')
    mmpose_tool('demo/image_demo.py', image, config, checkpoint,
                '--out-file', out_file, '--device', 'cpu')
    assert osp.getsize(out_file) > 0


def test_mmpose_inferencer_demo(tiny_hih, image, tmp_path):
    config, checkpoint = tiny_hih
    mmpose_tool('demo/inferencer_demo.py', image, '--pose2d', config,
                '--pose2d-weights', checkpoint, '--det-model', HAAR,
                '--det-cat-ids', '0', '--pred-out-dir', str(tmp_path),
                '--device', 'cpu')
    predictions = json.load(open(glob.glob(str(tmp_path / '*.json'))[0]))
    assert len(predictions[0]['keypoints']) == 98


# demo/topdown_demo_with_mmdet.py with weightless://:
# tests/test_configs/test_detector_configs.py


def test_mmpose_get_flops_and_browse_dataset(tiny_hih, tmp_path):
    config, _ = tiny_hih
    out = mmpose_tool('tools/analysis_tools/get_flops.py', config,
                      '--input-shape', '128', '128')
    assert 'Flops' in out and 'Params' in out
    mmpose_tool('tools/misc/browse_dataset.py', config, '--output-dir',
                str(tmp_path), '--not-show', '--max-item-per-dataset', '2')
    assert len(glob.glob(str(tmp_path / '*'))) == 2
