# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The runtime in an environment without the training stack: a virtual
environment with only requirements/standalone.txt and ``pip install
--no-deps .`` runs ``python -m hih_mmpose.runtime`` on an exported model
and gives FaceLandmarker's keypoints (ONNX Runtime fp32, no flip test)
within 0.01 px; with OpenVINO and mediapipe's wheel (no dependencies) added,
its default detector, BlazeFace, finds a photograph's face as the full stack
does. The environments are cached by the hash of the requirements file and
the extras (the first run downloads ~100 MB and ~80 MB from the package
registry)."""
import hashlib
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest

from hih_mmpose.apis import FaceLandmarker

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
REQUIREMENTS = osp.join(REPO, 'requirements', 'standalone.txt')
STACK = ('torch', 'mmcv', 'mmengine', 'mmpose', 'mmdet')


def pinned(requirements: str, name: str) -> str:
    """The ``name==version`` line of a requirements file."""
    with open(osp.join(REPO, 'requirements', requirements)) as f:
        (line, ) = [line.split('#')[0].strip() for line in f
                    if line.startswith(f'{name}==')]
    return line


#: what the runtime's BlazeFace detector adds (requirements/standalone.txt's
#: comment): OpenVINO, and mediapipe's wheel for its model files only
DETECTOR_EXTRAS = ((pinned('runtime.txt', 'openvino'), ),
                   ('--no-deps', pinned('detector.txt', 'mediapipe')))


def standalone_python(work_dir: str, extras: tuple = ()) -> str:
    """The interpreter of the cached runtime-only environment (plus the
    ``pip install`` arguments of ``extras``), with this checkout's package
    installed into it (``pip install --no-deps``)."""
    with open(REQUIREMENTS, 'rb') as f:
        key = hashlib.sha256(f.read() + repr(extras).encode()).hexdigest()[:12]
    cache = os.environ.get('HIH_MMPOSE_CACHE') or osp.join(
        os.environ.get('XDG_CACHE_HOME') or osp.expanduser('~/.cache'),
        'hih_mmpose')
    venv = osp.join(cache, 'standalone', f'py{sys.version_info[0]}'
                    f'{sys.version_info[1]}-{key}')
    python = osp.join(venv, 'bin', 'python')
    os.makedirs(osp.dirname(venv), exist_ok=True)
    from filelock import FileLock
    with FileLock(venv + '.lock'):  # (parallel test runs build it once)
        if not osp.isfile(osp.join(venv, '.complete')):
            shutil.rmtree(venv, ignore_errors=True)
            base = getattr(sys, '_base_executable', None) or sys.executable
            subprocess.run([base, '-m', 'venv', venv], check=True)
            for args in (('-r', REQUIREMENTS), ) + tuple(extras):
                subprocess.run([python, '-m', 'pip', 'install', '-q',
                                '--disable-pip-version-check', *args],
                               check=True)
            open(osp.join(venv, '.complete'), 'w').close()
    # the package from a copy of the checkout (pip writes build files)
    source = osp.join(work_dir, 'source')
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        '.git', '.venv', 'tests', 'work_dirs', 'data', '__pycache__'))
    subprocess.run([python, '-m', 'pip', 'install', '-q', '--no-deps',
                    '--disable-pip-version-check', source], check=True)
    return python


def test_runtime_without_the_training_stack(exported_tiny_hih, tmp_path):
    config, checkpoint, model = exported_tiny_hih
    python = standalone_python(str(tmp_path))
    env = dict(os.environ, PYTHONPATH='')
    missing = subprocess.run(
        [python, '-c', 'import importlib.util, sys; print([m for m in '
         f'{STACK!r} if importlib.util.find_spec(m)])'],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    assert missing.stdout.strip() == '[]'
    # importing the package registers nothing and needs nothing of the stack
    subprocess.run([python, '-c', 'import hih_mmpose, hih_mmpose.runtime'],
                   check=True, env=env, cwd=tmp_path)
    from mmengine.config import Config
    dataset = Config.fromfile(config).test_dataloader.dataset
    image = osp.join(dataset.data_root, 'images', 'test', '000000.png')
    box = [20., 18., 100., 104.]
    result = subprocess.run(
        [python, '-m', 'hih_mmpose.runtime', model, image, '--bbox',
         *map(str, box), '--backend', 'onnxruntime', '--no-flip-test'],
        capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    (face, ) = json.loads(result.stdout)
    assert set(face) >= {'bbox', 'keypoints', 'keypoint_scores'}
    (expected, ) = FaceLandmarker(config, checkpoint, 'whole_image',
                                  flip_test=False)(cv2.imread(image), box)
    np.testing.assert_allclose(face['keypoints'], expected['keypoints'],
                               atol=0.01, rtol=0)
    np.testing.assert_allclose(face['bbox'], box)
    # errors are one line on stderr, exit 2
    bad = subprocess.run(
        [python, '-m', 'hih_mmpose.runtime', model, image, '--bbox', '0',
         '0', '-5', '5'], capture_output=True, text=True, env=env,
        cwd=tmp_path)
    assert bad.returncode == 2 and 'bbox 0' in bad.stderr


def test_blazeface_without_mediapipes_graph(exported_tiny_hih, tmp_path):
    """BlazeFace in the runtime-only environment with OpenVINO and the
    mediapipe wheel's files, none of its graph's dependencies: the face and
    keypoints of a photograph as the full stack's landmarker gives them."""
    import matplotlib.cbook as cbook

    from hih_mmpose.runtime import Landmarker
    _, _, model = exported_tiny_hih
    python = standalone_python(str(tmp_path), DETECTOR_EXTRAS)
    env = dict(os.environ, PYTHONPATH='')
    missing = subprocess.run(
        [python, '-c', 'import importlib.util; print([m for m in ("absl", '
         '"attr") if importlib.util.find_spec(m)])'],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    assert missing.stdout.strip() == '[]'  # (MediaPipe's graph needs them)
    photo = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
    result = subprocess.run(
        [python, '-m', 'hih_mmpose.runtime', model, photo, '--backend',
         'onnxruntime', '--no-flip-test'],
        capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    (face, ) = json.loads(result.stdout)
    (expected, ) = Landmarker(model, backend='onnxruntime',
                              flip_test=False)(cv2.imread(photo))
    np.testing.assert_allclose(face['bbox'], expected['bbox'], atol=1e-3)
    np.testing.assert_allclose(face['keypoints'], expected['keypoints'],
                               atol=1e-3, rtol=0)


@pytest.mark.parametrize('stack', [
    {name: None for name in STACK[1:]},
    {'mmcv': '2.1.0', 'mmengine': None, 'mmpose': '1.3.2', 'mmdet': '3.3.0'},
])
def test_broken_stack_is_not_taken_for_a_missing_one(stack):
    """No stack at all: nothing to register; part of it: an ImportError
    naming what is missing."""
    from hih_mmpose.version import stack_installed
    if all(version is None for version in stack.values()):
        assert stack_installed(stack) is False
    else:
        with pytest.raises(ImportError, match='mmengine is not installed'):
            stack_installed(stack)
