# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Shared fixtures: small generated data, built once per session (once per
run under pytest-xdist: the workers share them, :func:`shared`)."""
import json
import os
import os.path as osp
import struct
import sys
import uuid
import zlib
from typing import Tuple

import cv2
import numpy as np
import pytest

if os.environ.get('PYTEST_XDIST_WORKER'):
    # one core per worker (the suite runs a worker per core, setup.cfg):
    # OpenMP threads of two workers on the same cores spin against each
    # other; subprocesses of the tests inherit it
    os.environ['OMP_NUM_THREADS'] = '1'

import hih_mmpose  # noqa: F401  (registers the HIH modules)
from mmpose.utils import register_all_modules

register_all_modules()

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

# The tools' helper packages, importable as their scripts import them (each
# script's folder is first on its sys.path): ``launch_helpers`` of tools/,
# ``research`` of tools/analysis_tools, ``converters`` and
# ``synthetic_world`` of tools/dataset_converters, ``published_checkpoint``
# of tools/model_converters, ``int8_quantization`` of tools/deployment.
for _folder in ('', 'analysis_tools', 'dataset_converters',
                'model_converters', 'deployment'):
    _path = osp.join(REPO_ROOT, 'tools', _folder).rstrip(osp.sep)
    if _path not in sys.path:
        sys.path.insert(0, _path)


def shared(tmp_path_factory, name: str, make):
    """``make(folder)`` of a session fixture, made once per test run: under
    pytest-xdist the first worker to ask makes it in a folder all workers
    see and the others wait for it and read its (JSON) result.

    Args:
        tmp_path_factory: pytest's factory.
        name (str): The fixture's folder and lock name.
        make (callable): ``folder -> result`` (str or tuple of str).
    """
    if not os.environ.get('PYTEST_XDIST_WORKER'):
        return make(tmp_path_factory.mktemp(name))
    from filelock import FileLock
    root = tmp_path_factory.getbasetemp().parent
    done = root / f'{name}.json'
    with FileLock(str(root / f'{name}.lock')):
        if not done.is_file():
            folder = root / name
            folder.mkdir()
            done.write_text(json.dumps(make(folder)))
    result = json.loads(done.read_text())
    return tuple(result) if isinstance(result, list) else result


@pytest.fixture(scope='session', autouse=True)
def measured_choices_in_tmp(tmp_path_factory):
    """The runtime's measured 'auto' choices (hih_mmpose.runtime.
    measured_choice) go to a file of this session, not the user's cache:
    no test depends on a choice an earlier run cached."""
    path = str(tmp_path_factory.mktemp('choices') / 'runtime_choices.json')
    saved = os.environ.get('HIH_MMPOSE_CHOICES')
    os.environ['HIH_MMPOSE_CHOICES'] = path
    yield path
    if saved is None:
        os.environ.pop('HIH_MMPOSE_CHOICES', None)
    else:
        os.environ['HIH_MMPOSE_CHOICES'] = saved


def write_wflw_like(root: str, num_images: int, seed: int = 0) -> str:
    """Write a tiny dataset in mmpose's WFLW layout (COCO-style json with
    ``center``/``scale``, 98 keypoints) with noise images; returns the
    annotation file path relative to ``root``."""
    rng = np.random.default_rng(seed)
    images, annotations = [], []
    for index in range(num_images):
        height, width = 180 + 10 * index, 200
        image = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
        file_name = f'{index:04d}.png'
        cv2.imwrite(osp.join(root, 'images', file_name), image)
        x0, y0, size = 40., 30., 110.
        keypoints = np.column_stack([
            rng.uniform(x0, x0 + size, 98),
            rng.uniform(y0, y0 + size, 98),
            np.full(98, 2.)
        ])
        images.append(dict(id=index, file_name=file_name, height=height,
                           width=width))
        annotations.append(dict(
            id=index, image_id=index, category_id=1, iscrowd=0,
            num_keypoints=98, keypoints=keypoints.ravel().tolist(),
            bbox=[x0, y0, size, size], area=size * size,
            center=[x0 + size / 2, y0 + size / 2], scale=size / 200))
    ann_file = 'annotations/face_landmarks_wflw_tiny.json'
    with open(osp.join(root, ann_file), 'w') as f:
        json.dump(dict(images=images, annotations=annotations,
                       categories=[dict(id=1, name='face')]), f)
    return ann_file


def write_png_header(path: str, width: int, height: int) -> None:
    """A PNG whose header announces ``width`` x ``height`` (8-bit RGB) and
    whose pixel data is missing: nothing decodes it if its size is
    checked first."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack('>I', len(data)) + kind + data +
                struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))

    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) +
                chunk(b'IEND', b''))


def rotate_points(points: np.ndarray, turns: int, shape) -> np.ndarray:
    """Continuous coordinates (..., 2) of an image of ``shape`` (h, w)
    through ``np.rot90(image, turns)``."""
    height, width = shape
    for _ in range(turns):
        points = np.stack([points[..., 1], width - points[..., 0]], -1)
        height, width = width, height
    return points


@pytest.fixture
def turn_points():
    """``turn(points, turns, shape)``: see :func:`rotate_points`."""
    return rotate_points


@pytest.fixture
def png_header():
    """``write(path, width, height)``: a header-only PNG (see
    :func:`write_png_header`)."""
    return write_png_header


@pytest.fixture(scope='session')
def wflw_like_root(tmp_path_factory):
    """(data_root, ann_file) of a 4-image WFLW-layout dataset."""

    def make(root):
        (root / 'images').mkdir()
        (root / 'annotations').mkdir()
        return str(root), write_wflw_like(str(root), 4)

    return shared(tmp_path_factory, 'wflw_like', make)


@pytest.fixture(scope='session')
def synthetic_root(tmp_path_factory):
    """Data root of a small synthetic face set (16 train, 8 test faces at
    128 px) in all three layouts."""
    from synthetic_world import generate_synthetic_dataset

    def make(root):
        generate_synthetic_dataset(str(root), num_train=16, num_test=8,
                                   image_size=128, seed=0,
                                   show_progress=False)
        return str(root)

    return shared(tmp_path_factory, 'synthetic', make)


@pytest.fixture
def tiny_train_cfg(synthetic_root):
    """Factory ``make(work_dir) -> Config``: configs/hih_synthetic.py shrunk
    to a 1-stack, 32-channel HIH training one epoch (4 iterations of 4) on
    the small synthetic set, no validation, a checkpoint per epoch, a log
    line per iteration, seed 0 (deterministic)."""
    from mmengine.config import Config

    def make(work_dir: str) -> Config:
        cfg = Config.fromfile(
            osp.join(REPO_ROOT, 'configs', 'hih_synthetic.py'))
        cfg.model.backbone.update(num_stacks=1, channels=32)
        cfg.model.head.update(num_stages=1, in_channels=32,
                              decimal_channels=32)
        cfg.train_dataloader.update(batch_size=4, num_workers=0,
                                    persistent_workers=False)
        cfg.train_dataloader.dataset.data_root = synthetic_root
        cfg.train_cfg = dict(by_epoch=True, max_epochs=1)
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
        cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
        cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                            interval=1)
        cfg.default_hooks.logger.interval = 1
        cfg.param_scheduler = []
        cfg.work_dir = work_dir
        # Runners made in the same second would share one MMLogger (and
        # log file)
        cfg.experiment_name = uuid.uuid4().hex
        cfg.randomness = dict(seed=0, deterministic=True)
        return cfg

    return make


def train_narrow_hih(data_root: str, work_dir, batch_size: int,
                     epochs: int, **log) -> Tuple[str, str]:
    """Train configs/hih_synthetic.py shrunk to 1 stack of 32 channels on
    the synthetic set at ``data_root``; (config file, last checkpoint)."""
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'hih_synthetic.py'))
    cfg.model.backbone.update(num_stacks=1, channels=32)
    cfg.model.head.update(num_stages=1, in_channels=32, decimal_channels=32)
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        loader.update(num_workers=0, persistent_workers=False)
        loader.dataset.data_root = data_root
    cfg.train_dataloader.batch_size = batch_size
    cfg.test_dataloader = cfg.val_dataloader
    cfg.train_cfg = dict(by_epoch=True, max_epochs=epochs,
                         val_interval=epochs)
    cfg.param_scheduler = []
    cfg.default_hooks.logger.update(log)
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = uuid.uuid4().hex
    cfg.randomness = dict(seed=0)
    Runner.from_cfg(cfg).train()
    config_file = str(work_dir / 'narrow_hih.py')
    cfg.dump(config_file)
    return config_file, str(work_dir / f'epoch_{epochs}.pth')


@pytest.fixture(scope='session')
def tiny_hih(tmp_path_factory, synthetic_root):
    """(config file, checkpoint) of a narrow HIH trained for one epoch on
    the small synthetic set (configs/hih_synthetic.py, shrunk)."""
    return shared(tmp_path_factory, 'tiny_hih', lambda folder:
                  train_narrow_hih(synthetic_root, folder, batch_size=4,
                                   epochs=1))


@pytest.fixture(scope='session')
def trained_tiny_hih(tmp_path_factory):
    """(config file, checkpoint) of the same narrow HIH trained for 20
    epochs (~40 s) on 256 synthetic faces at 128 px: small, but it has
    learned (test NME ~5 %), so accuracy comparisons on its 32 test faces
    mean something, unlike on ``tiny_hih``."""
    from synthetic_world import generate_synthetic_dataset

    def make(folder):
        root = str(folder / 'synthetic256')
        generate_synthetic_dataset(root, num_train=256, num_test=32,
                                   image_size=128, seed=0,
                                   show_progress=False)
        (folder / 'work').mkdir()
        return train_narrow_hih(root, folder / 'work', batch_size=16,
                                epochs=20, interval=50)

    return shared(tmp_path_factory, 'trained_tiny_hih', make)


@pytest.fixture(scope='session')
def exported_tiny_hih(tmp_path_factory, trained_tiny_hih):
    """(config, checkpoint, model.onnx) of ``trained_tiny_hih``, exported
    by tools/deployment/export_onnx.py (``model.json`` beside it)."""
    import subprocess
    import sys
    config, checkpoint = trained_tiny_hih

    def make(folder):
        out = str(folder / 'model.onnx')
        subprocess.run([
            sys.executable, osp.join(REPO_ROOT, 'tools', 'deployment',
                                     'export_onnx.py'), config, checkpoint,
            out
        ], check=True, capture_output=True, cwd=REPO_ROOT)
        return config, checkpoint, out

    return shared(tmp_path_factory, 'exported', make)
