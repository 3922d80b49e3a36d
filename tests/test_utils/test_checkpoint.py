# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Checkpoints load without running code: a file whose unpickling would
run a payload is refused by every loading path before anything runs, and
every checkpoint our tools write, the converted published checkpoint and
an mmpose checkpoint load without the opt-in."""
import os
import os.path as osp
import pickle
import subprocess
import sys
import uuid

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner, load_checkpoint

from hih_mmpose.apis import FaceLandmarker
from hih_mmpose.models.detectors import MMDetFaceDetector
from hih_mmpose.utils.checkpoint import (SAFE_GLOBALS, CheckpointError,
                                         checkpoint_loading,
                                         load_checkpoint_file, unsafe_globals)
from mmpose.registry import MODELS

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
PAYLOAD_GLOBAL = 'io.open'


class WritesAFile:
    """Unpickling this calls ``open(path, 'w')``: it creates a file, the
    harmless stand-in for any code a hostile checkpoint runs."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))


@pytest.fixture
def hostile(tiny_hih, tmp_path):
    """(config, hostile checkpoint, marker): the tiny model's real weights
    (so that every model check passes) and a payload in its meta; the
    marker file exists only if the payload ran."""
    config, checkpoint = tiny_hih
    marker = tmp_path / 'payload_ran'
    loaded = load_checkpoint_file(checkpoint)
    loaded['meta']['note'] = WritesAFile(str(marker))
    path = tmp_path / 'hostile.pth'
    torch.save(loaded, path)
    assert not marker.exists()
    return config, str(path), marker


def run_tool(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


def test_the_payload_is_real(hostile):
    """Full unpickling (the opt-in) does run it: what the tests below
    refuse is a real threat."""
    _, path, marker = hostile
    assert unsafe_globals(path) == [PAYLOAD_GLOBAL]
    load_checkpoint_file(path, trust=True)
    assert marker.exists()


def test_refused_by_the_library_paths(hostile):
    config, path, marker = hostile
    message = f'could run code when loaded: {PAYLOAD_GLOBAL}.*' \
        'trust=True'
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint_file(path)
    with pytest.raises(CheckpointError, match=PAYLOAD_GLOBAL):
        FaceLandmarker(config, path, detector='whole_image')
    # an mmdet detector's weights
    with pytest.raises(CheckpointError, match=PAYLOAD_GLOBAL):
        MMDetFaceDetector('configs/detectors/yolox-s_face.py', path)
    # mmengine's and mmpose's own loaders after `import hih_mmpose`: torch's
    # default weights-only unpickler, with or without our allow-list
    model = MODELS.build(Config.fromfile(config).model)
    with pytest.raises(pickle.UnpicklingError, match='Weights only'):
        load_checkpoint(model, path)
    from mmpose.apis import MMPoseInferencer
    with checkpoint_loading(), pytest.raises(pickle.UnpicklingError,
                                             match='io.open'):
        MMPoseInferencer(pose2d=config, pose2d_weights=path,
                         det_model='whole_image', device='cpu')
    assert not marker.exists()


@pytest.mark.parametrize('tool', ['test', 'resume', 'load_from', 'export',
                                  'convert', 'ablation'])
def test_refused_by_the_tools(hostile, tmp_path, tool):
    config, path, marker = hostile
    commands = dict(
        test=['tools/test.py', config, path, '--work-dir', str(tmp_path)],
        resume=['tools/train.py', config, '--resume', path, '--work-dir',
                str(tmp_path)],
        load_from=['tools/train.py', config, '--work-dir', str(tmp_path),
                   '--cfg-options', f'load_from={path}'],
        export=['tools/deployment/export_onnx.py', config, path,
                str(tmp_path / 'out.onnx')],
        convert=['tools/model_converters/convert_official_checkpoint.py',
                 path, str(tmp_path / 'out.pth')],
        ablation=['tools/analysis_tools/decoder_ablation.py', config, path])
    result = run_tool(*commands[tool])
    assert result.returncode != 0
    assert PAYLOAD_GLOBAL in result.stderr, result.stderr[-2000:]
    assert 'trust' in result.stderr
    assert not marker.exists()
    assert not (tmp_path / 'out.onnx').exists()
    assert not (tmp_path / 'out.pth').exists()


def test_legacy_format_is_refused_too(tiny_hih, tmp_path):
    """A pre-zip (torch < 1.6) file is scanned first too (its pickles read
    with every global replaced by a stand-in), and refused naming the
    payload."""
    _, checkpoint = tiny_hih
    marker = tmp_path / 'payload_ran'
    loaded = load_checkpoint_file(checkpoint)
    loaded['meta']['note'] = WritesAFile(str(marker))
    path = tmp_path / 'legacy.pth'
    torch.save(loaded, path, _use_new_zipfile_serialization=False)
    with pytest.raises(CheckpointError, match=PAYLOAD_GLOBAL):
        load_checkpoint_file(str(path))
    assert not marker.exists()


def test_our_checkpoints_load_without_the_opt_in(tiny_hih, monkeypatch):
    """A checkpoint our training writes is plain data (PlainCheckpointHook):
    torch's defaults, mmpose's init_model and MMPoseInferencer read it with
    nothing set, and our loader gives back the numpy arrays mmengine saved."""
    monkeypatch.delenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', raising=False)
    config, checkpoint = tiny_hih
    assert torch.serialization.get_unsafe_globals_in_checkpoint(
        checkpoint) == []
    plain = torch.load(checkpoint, map_location='cpu')  # torch's defaults
    assert isinstance(plain['meta']['dataset_meta']['sigmas'], list)
    loaded = load_checkpoint_file(checkpoint)
    assert loaded['meta']['dataset_meta']['num_keypoints'] == 98
    assert isinstance(loaded['meta']['dataset_meta']['sigmas'], np.ndarray)
    from mmpose.apis import MMPoseInferencer, init_model
    model = init_model(config, checkpoint, device='cpu')
    MMPoseInferencer(pose2d=config, pose2d_weights=checkpoint,
                     det_model='whole_image', device='cpu')
    for name, value in model.state_dict().items():
        torch.testing.assert_close(value, loaded['state_dict'][name])


def test_mmpose_checkpoint_loads(tmp_path, synthetic_root):
    """An mmpose model (heatmap head, no HIH part) trained by the Runner
    and published as mmpose's tools/misc/publish_model.py does (optimizer
    and message hub dropped, dataset_meta kept)."""
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'baseline_heatmap_dark_synthetic.py'))
    cfg.model.backbone.update(num_stacks=1, channels=16)
    cfg.model.neck.select_index = (0, )
    cfg.model.head.num_stages = 1
    cfg.train_dataloader.update(batch_size=8, num_workers=0,
                                persistent_workers=False)
    cfg.train_dataloader.dataset.data_root = synthetic_root
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    cfg.param_scheduler = []
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = uuid.uuid4().hex
    Runner.from_cfg(cfg).train()
    full = load_checkpoint_file(str(tmp_path / 'epoch_1.pth'))
    published = {k: v for k, v in full.items()
                 if k not in ('optimizer', 'message_hub')}
    path = str(tmp_path / 'published.pth')
    torch.save(published, path)
    loaded = load_checkpoint_file(path)
    assert set(loaded['meta']['dataset_meta']['flip_indices']) == set(
        range(98))
    model = MODELS.build(cfg.model)
    with checkpoint_loading():
        load_checkpoint(model, path, strict=True)


def test_restricted_stand_ins(tmp_path):
    """``builtins.getattr`` in a checkpoint reaches HistoryBuffer's
    statistics methods only; a getattr chain towards anything else is
    refused."""
    from mmengine.logging import HistoryBuffer

    class Reaches:
        def __init__(self, owner, name):
            self.owner, self.name = owner, name

        def __reduce__(self):
            return (getattr, (self.owner, self.name))

    good = tmp_path / 'good.pth'
    torch.save(dict(method=Reaches(HistoryBuffer, 'mean')), good)
    assert load_checkpoint_file(str(good))['method'] is HistoryBuffer.mean
    import numpy as np
    for owner, name in ((HistoryBuffer, '__init_subclass__'),
                        (np.ndarray, '__class__'),
                        (HistoryBuffer, '_set_default_statistics')):
        bad = tmp_path / 'bad.pth'
        torch.save(dict(method=Reaches(owner, name)), bad)
        with pytest.raises(CheckpointError,
                           match='refused by the safe loader'):
            load_checkpoint_file(str(bad))


def test_import_changes_no_loader():
    """`import hih_mmpose` leaves torch.load, torch's allow-list and
    mmengine's checkpoint loaders as they were (a fresh interpreter); the
    face detectors' package (what ``configs/detectors/`` import) adds one
    scheme, ``weightless://``, that reads nothing."""
    code = '''
import torch
import mmdet.models, mmengine.runner, mmpose.apis, mmpose.models
from mmengine.runner.checkpoint import CheckpointLoader
before = (torch.load, dict(CheckpointLoader._schemes),
          list(torch.serialization.get_safe_globals()))
import hih_mmpose
from mmpose.utils import register_all_modules
register_all_modules()
after = (torch.load, dict(CheckpointLoader._schemes),
         list(torch.serialization.get_safe_globals()))
assert before == after, 'import hih_mmpose changed a loader'
import sys
# what a training imports: no inference API, backend or detector
opt_in = ('hih_mmpose.apis', 'hih_mmpose.deployment', 'hih_mmpose.runtime',
          'hih_mmpose.models.detectors',
          'onnxruntime', 'openvino', 'mediapipe')
assert not [m for m in opt_in if m in sys.modules], sys.modules.keys()
import hih_mmpose.models.detectors
after = (torch.load, dict(CheckpointLoader._schemes),
         list(torch.serialization.get_safe_globals()))
added = set(after[1]) - set(before[1])
assert added == {'weightless://'}, added
after[1].pop('weightless://')
assert before == after, 'a loader or the allow-list changed'
from hih_mmpose.utils.checkpoint import SAFE_GLOBALS
assert not any(g in after[2] for g in SAFE_GLOBALS)
print('unchanged')
'''
    result = subprocess.run([sys.executable, '-c', code], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'unchanged' in result.stdout


def test_allow_list_context_is_scoped():
    """The allow-list is active inside ``checkpoint_loading`` only."""
    before = torch.serialization.get_safe_globals()
    with checkpoint_loading():
        inside = torch.serialization.get_safe_globals()
    assert all(g in inside for g in SAFE_GLOBALS)
    assert not any(g in before for g in SAFE_GLOBALS)
    assert set(torch.serialization.get_safe_globals()) == set(before)


def test_released_checkpoint_loads_with_torch_defaults(tiny_hih, tmp_path):
    """tools/misc/publish_model.py keeps state_dict and meta, drops what
    torch's defaults refuse; mmpose's own loaders then need nothing."""
    config, checkpoint = tiny_hih
    out = tmp_path / 'release.pth'
    result = run_tool('tools/misc/publish_model.py', checkpoint, str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'dropped message_hub, optimizer, param_schedulers' in \
        result.stdout
    # what our training writes carries no config text at all
    trained = torch.load(checkpoint, map_location='cpu')
    assert 'cfg' not in trained['meta']
    assert 'cfg' not in trained['message_hub']['runtime_info']
    released = torch.load(out, map_location='cpu')  # weights only
    assert set(released) == {'state_dict', 'meta'}
    # no config text: mmengine's inferencers run meta['cfg'] when given
    # weights without a config
    assert not {'dataset_meta', 'cfg', 'config'} & set(released['meta'])
    from mmpose.apis import init_model
    model = init_model(config, str(out), device='cpu')
    assert model.dataset_meta['num_keypoints'] == 98  # from the config
    again = run_tool('tools/misc/publish_model.py', str(out), str(out))
    assert again.returncode != 0 and 'is the input' in again.stderr


def test_tools_never_write_through_links(tiny_hih, tmp_path):
    """A link planted where a tool's named output goes (publish_model's
    release, tools/test.py's --out, the converter's output): refused, its
    target left as it is, nothing created outside."""
    import os
    config, checkpoint = tiny_hih
    victim = tmp_path / 'victim.pth'
    victim.write_bytes(b'keep me')
    os.symlink(victim, tmp_path / 'release.pth')
    os.symlink(tmp_path / 'nowhere.json', tmp_path / 'metrics.json')
    result = run_tool('tools/misc/publish_model.py', checkpoint,
                      str(tmp_path / 'release.pth'))
    assert result.returncode != 0 and 'is a link' in result.stderr
    result = run_tool('tools/test.py', config, checkpoint, '--out',
                      str(tmp_path / 'metrics.json'), '--skip-data-check')
    assert result.returncode != 0 and '--out' in result.stderr
    assert 'is a link' in result.stderr
    assert victim.read_bytes() == b'keep me'
    assert not os.path.lexists(tmp_path / 'nowhere.json')
    # the files an export writes beside its model: the OpenVINO .bin and
    # the runtime's .json
    for sidecar in ('model.bin', 'model.json'):
        os.symlink(victim, tmp_path / sidecar)
        result = run_tool('tools/deployment/export_onnx.py', config,
                          checkpoint, str(tmp_path / 'model.xml'))
        assert result.returncode != 0 and 'is a link' in result.stderr
        os.unlink(tmp_path / sidecar)
    assert victim.read_bytes() == b'keep me'
    assert not os.path.lexists(tmp_path / 'model.xml')


def test_truncated_checkpoint_through_plain_resume(tiny_hih, tmp_path):
    """--resume without a path on a work dir whose last checkpoint is cut
    short names the file and says so (it used to be torch's
    "PytorchStreamReader failed reading zip archive")."""
    config, checkpoint = tiny_hih
    work = tmp_path / 'work'
    work.mkdir()
    with open(checkpoint, 'rb') as f:
        (work / 'epoch_1.pth').write_bytes(f.read()[:5000])
    (work / 'last_checkpoint').write_text(str(work / 'epoch_1.pth'))
    result = run_tool('tools/train.py', config, '--work-dir', str(work),
                      '--resume')
    assert result.returncode != 0
    assert 'epoch_1.pth is not a readable PyTorch checkpoint' in \
        result.stderr and 'truncated' in result.stderr


@pytest.mark.parametrize('legacy', [False, True])
def test_resume_refuses_code_whatever_torch_is_told(tiny_hih, tmp_path,
                                                    legacy):
    """With ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` (which makes torch's own
    loader unpickle everything where a caller does not ask for
    weights_only, as mmengine's resume does not), ``tools/train.py
    --resume`` from the work dir's last checkpoint and ``--resume PATH``
    refuse a payload, in the zip and the legacy (pre-1.6) format: our scan
    reads the file, never torch's unpickler."""
    config, checkpoint = tiny_hih
    marker = tmp_path / 'payload_ran'
    loaded = load_checkpoint_file(checkpoint)
    loaded['meta']['note'] = WritesAFile(str(marker))
    work = tmp_path / 'work'
    work.mkdir()
    torch.save(loaded, work / 'epoch_1.pth',
               _use_new_zipfile_serialization=not legacy)
    (work / 'last_checkpoint').write_text(str(work / 'epoch_1.pth'))
    env = dict(os.environ, TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1')
    for resume in (['--resume'], ['--resume', str(work / 'epoch_1.pth')]):
        result = subprocess.run(
            [sys.executable, 'tools/train.py', config, '--work-dir',
             str(work), *resume], cwd=REPO, capture_output=True, text=True,
            timeout=300, env=env)
        assert result.returncode != 0, result.stdout[-2000:]
        assert PAYLOAD_GLOBAL in result.stderr, result.stderr[-2000:]
        assert not marker.exists()


def test_trust_is_an_opt_in_without_torch_environment(hostile, tmp_path):
    """--trust-checkpoint loads a file the safe loader refuses by allowing
    exactly the globals that file names (here the payload runs: the opt-in
    is real); no code of ours sets TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD."""
    config, path, marker = hostile
    result = run_tool('tools/test.py', config, path, '--work-dir',
                      str(tmp_path / 'work'), '--trust-checkpoint')
    assert result.returncode == 0, result.stderr[-2000:]
    assert marker.exists()
    for folder in ('hih_mmpose', 'tools', 'demo'):
        for root, _, files in os.walk(osp.join(REPO, folder)):
            for name in files:
                if name.endswith('.py'):
                    with open(osp.join(root, name)) as f:
                        assert "environ['TORCH_FORCE_NO_WEIGHTS_ONLY" not in \
                            f.read(), name
