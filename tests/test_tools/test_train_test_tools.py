# Copyright (c) hih_mmpose contributors. All rights reserved.
"""tools/train.py, tools/test.py and tools/dist_train.sh on the synthetic
faces, run as a user runs them (subprocesses)."""
import glob
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time
import uuid

import numpy as np

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from hih_mmpose.utils.checkpoint import load_checkpoint_file

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
CONFIG = osp.join(REPO, 'configs', 'hih_synthetic.py')


def small_model(data_root: str, batch_size: int = 4) -> dict:
    """Config overrides shrinking configs/hih_synthetic.py for CPU tests."""
    options = {
        'model.backbone.num_stacks': 1,
        'model.backbone.channels': 32,
        'model.head.num_stages': 1,
        'model.head.in_channels': 32,
        'model.head.decimal_channels': 32,
        'train_dataloader.batch_size': batch_size,
        'default_hooks.logger.interval': 1,
    }
    for loader in ('train', 'val', 'test'):
        options.update({
            f'{loader}_dataloader.dataset.data_root': data_root,
            f'{loader}_dataloader.num_workers': 0,
            f'{loader}_dataloader.persistent_workers': False,
        })
    return options


def cli(options: dict) -> list:
    """``--cfg-options`` arguments for ``options``."""
    return ['--cfg-options'] + [f'{key}={value}'
                                for key, value in options.items()]


def run_tool(args: list, timeout: int = 300, ok: bool = True) -> str:
    result = subprocess.run(
        args, cwd=REPO, capture_output=True, text=True, timeout=timeout,
        env=dict(os.environ, PYTHONWARNINGS='ignore'))
    assert (result.returncode == 0) == ok, (result.stdout[-3000:] +
                                            result.stderr[-3000:])
    return result.stdout + result.stderr


def test_training_learns(tmp_path, synthetic_root):
    """Held-out NME falls far below the untrained model's within ~70
    iterations (16 faces, augmented, 4 per batch)."""
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict(small_model(synthetic_root))
    cfg.param_scheduler = []
    cfg.optim_wrapper.optimizer.lr = 2e-3
    cfg.train_cfg = dict(by_epoch=True, max_epochs=18, val_interval=100)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=100)
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = uuid.uuid4().hex
    cfg.randomness = dict(seed=0)
    runner = Runner.from_cfg(cfg)
    runner.model.init_weights()
    before = runner.val()['NME']
    runner.train()
    after = runner.val()['NME']
    print(f'synthetic NME before {before:.4f}, after {after:.4f}')
    assert after < 0.5 * before, (before, after)


@pytest.fixture(scope='module')
def trained(tmp_path_factory, synthetic_root):
    """One epoch of tools/train.py: (work_dir, options)."""
    work_dir = str(tmp_path_factory.mktemp('train_cli'))
    options = small_model(synthetic_root)
    run_tool([sys.executable, 'tools/train.py', CONFIG, '--work-dir',
              work_dir, *cli({**options, 'train_cfg.max_epochs': 1})])
    return work_dir, options


def test_train_then_resume(trained):
    work_dir, options = trained
    first = load_checkpoint_file(osp.join(work_dir, 'epoch_1.pth'))
    iters_per_epoch = first['meta']['iter']
    assert first['meta']['epoch'] == 1 and iters_per_epoch == 4
    log = run_tool([sys.executable, 'tools/train.py', CONFIG, '--work-dir',
                    work_dir, '--resume',
                    *cli({**options, 'train_cfg.max_epochs': 2})])
    assert 'resumed epoch: 1, iter: 4' in log
    assert 'data loader worker' not in log  # (num_workers=0: exact)
    second = load_checkpoint_file(osp.join(work_dir, 'epoch_2.pth'))
    assert second['meta']['epoch'] == 2
    assert second['meta']['iter'] == 2 * iters_per_epoch


def test_test_tool_writes_metrics_and_ced(trained, tmp_path):
    work_dir, options = trained
    out = str(tmp_path / 'metrics.json')
    log = run_tool([sys.executable, 'tools/test.py', CONFIG,
                    osp.join(work_dir, 'epoch_1.pth'), '--work-dir',
                    str(tmp_path), '--out', out, *cli(options)])
    assert 'Face alignment (inter_ocular NME)' in log
    with open(out) as f:
        metrics = json.load(f)
    assert set(metrics) == {'NME', 'FR@0.1', 'AUC@0.1'}
    assert osp.isfile(osp.join(str(tmp_path), 'ced', 'ced.png'))
    with open(osp.join(str(tmp_path), 'ced', 'ced.json')) as f:
        assert len(json.load(f)['curves']['all']) == 1001


def test_two_process_distributed_training(tmp_path, synthetic_root):
    """tools/dist_train.sh: 2 CPU processes (gloo), 16 faces, batch 2 per
    process -> 4 iterations per epoch, then a checkpoint."""
    log = run_tool([
        'bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir',
        str(tmp_path),
        *cli({**small_model(synthetic_root, batch_size=2),
              'train_cfg.max_epochs': 1})
    ], timeout=400)
    assert 'Distributed training: True' in log
    checkpoint = load_checkpoint_file(osp.join(str(tmp_path), 'epoch_1.pth'))
    assert checkpoint['meta']['iter'] == 4
    assert glob.glob(osp.join(str(tmp_path), '*', '*.log'))


def test_test_tool_refuses_a_checkpoint_of_another_config(trained, tmp_path):
    work_dir, options = trained
    log = run_tool([sys.executable, 'tools/test.py', CONFIG,
                    osp.join(work_dir, 'epoch_1.pth'), '--work-dir',
                    str(tmp_path),
                    *cli({**options, 'model.backbone.num_stacks': 2,
                          'model.head.num_stages': 2})], ok=False)
    assert 'CheckpointError' in log
    assert 'made for another model (another number of hourglass stacks)' \
        in log


def test_train_tool_refuses_a_bad_annotation_file(tmp_path, synthetic_root):
    """The data check runs before the Runner: the error names the file and
    the annotation."""
    with open(osp.join(synthetic_root, 'annotations',
                       'face_landmarks_synthetic_train.json')) as f:
        content = json.load(f)
    content['annotations'][5]['keypoints'][7] = None  # null -> NaN
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps(content))
    log = run_tool([sys.executable, 'tools/train.py', CONFIG, '--work-dir',
                    str(tmp_path),
                    *cli({**small_model(synthetic_root),
                          'train_dataloader.dataset.ann_file': str(bad)})],
                   ok=False)
    assert 'AnnotationError' in log
    assert f"{bad}: annotation id {content['annotations'][5]['id']}" in log
    assert 'NaN or infinite' in log


def test_sigkill_then_resume(tmp_path, synthetic_root):
    """Kill -9 tools/train.py once its first checkpoint is complete, then
    --resume: training continues from the last checkpoint and ends with the
    iteration count of an uninterrupted run (4 epochs x 4 iterations)."""
    work_dir = str(tmp_path)
    args = [sys.executable, 'tools/train.py', CONFIG, '--work-dir', work_dir,
            *cli({**small_model(synthetic_root), 'train_cfg.max_epochs': 4,
                  'train_cfg.val_interval': 100})]
    process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    marker = osp.join(work_dir, 'last_checkpoint')
    deadline = time.time() + 240
    while not osp.isfile(marker) and process.poll() is None:
        assert time.time() < deadline, 'no checkpoint within 240 s'
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, 'finished before the kill'
    with open(marker) as f:
        saved = f.read().strip()
    saved_epoch = load_checkpoint_file(saved)['meta']['epoch']
    assert saved_epoch < 4

    # resumed with one loader worker: said to be not bit-identical
    log = run_tool(args[:-1 - len(args[args.index('--cfg-options') + 1:])] +
                   cli({**small_model(synthetic_root),
                        'train_cfg.max_epochs': 4,
                        'train_cfg.val_interval': 100,
                        'train_dataloader.num_workers': 1}) + ['--resume'])
    assert f'resumed epoch: {saved_epoch}, iter: {4 * saved_epoch}' in log
    assert 'resumed with 1 data loader worker(s)' in log
    final = load_checkpoint_file(osp.join(work_dir, 'epoch_4.pth'))
    assert final['meta']['epoch'] == 4 and final['meta']['iter'] == 16


def test_decoder_ablation_tool(tiny_hih, tmp_path):
    """tools/analysis_tools/decoder_ablation.py on a tiny trained model:
    every row, finite NMEs, accuracies in [0, 1]."""
    config, checkpoint = tiny_hih
    out = tmp_path / 'ablation.json'
    result = subprocess.run(
        [sys.executable, 'tools/analysis_tools/decoder_ablation.py', config,
         checkpoint, '--out', str(out), '--dark-kernels', '3', '5'],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'decimal interval top-1 accuracy' in result.stdout
    assert 'mmpose DARK (blur 5)' in result.stdout
    rows = json.loads(out.read_text())
    names = ['hih', 'hih_expectation', 'cell_centre', 'quarter_offset',
             'dark_k3', 'dark_k5', 'hih_expectation_dark_k3',
             'hih_expectation_dark_k5', 'decimal_oracle']
    groups = ['contour', 'brows', 'nose', 'eyes', 'mouth']
    assert [k for k in rows if k.startswith('NME/')] == [
        f'NME/{n}{g}' for n in names for g in [''] + [f'/{g}' for g in groups]]
    assert all(np.isfinite(rows[k]) for k in rows if k.startswith('NME/'))
    # the groups' NMEs average to the whole face's (same faces, each face's
    # NME a mean over its points: 33 + 18 + 9 + 18 + 20 = 98)
    sizes = dict(contour=33, brows=18, nose=9, eyes=18, mouth=20)
    for name in names:
        np.testing.assert_allclose(
            sum(sizes[g] * rows[f'NME/{name}/{g}'] for g in groups) / 98,
            rows[f'NME/{name}'], rtol=1e-9)
    assert 'contour    brows     nose     eyes    mouth' in result.stdout
    assert rows['chance_decimal'] == 1 / 64
    assert 0 <= rows['acc_decimal'] <= 1 and 0 <= rows['acc_cell'] <= 1
    # it never writes over its inputs
    result = subprocess.run(
        [sys.executable, 'tools/analysis_tools/decoder_ablation.py', config,
         checkpoint, '--out', checkpoint],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and 'would overwrite' in result.stderr


@pytest.mark.parametrize('branch', ['published', 'cell'])
def test_decimal_probe_tool(tiny_hih, tmp_path, branch):
    """tools/analysis_tools/decimal_probe.py trains a fresh decimal branch
    on the frozen features of a tiny model and reports its accuracy."""
    config, checkpoint = tiny_hih
    out = tmp_path / 'probe.jsonl'
    result = subprocess.run(
        [sys.executable, 'tools/analysis_tools/decimal_probe.py', config,
         checkpoint, '--branch', branch, '--soft-label', 'gaussian',
         '--reduction', 'landmark', '--loss-weight', '1', '--iters', '4',
         '--eval-interval', '2', '--batch-size', '4', '--max-train', '8',
         '--out', str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'final decimal top-1' in result.stdout
    row = json.loads(out.read_text())
    assert row['branch'] == branch and row['chance'] == 1 / 64
    assert [step for step, _ in row['curve']] == [2, 4]
    assert 0 <= row['final_acc'] <= 1 and row['first_step_mean_abs_grad'] > 0


def test_test_tool_never_overwrites_its_inputs(trained, tmp_path):
    """``--out`` naming the checkpoint (or not a .json) stops before the
    run; the checkpoint is unchanged."""
    work_dir, options = trained
    checkpoint = osp.join(work_dir, 'epoch_1.pth')
    with open(checkpoint, 'rb') as f:
        before = f.read()
    for out, message in ((checkpoint, 'would overwrite an input'),
                         (str(tmp_path / 'metrics.txt'), 'must be a .json')):
        log = run_tool([sys.executable, 'tools/test.py', CONFIG, checkpoint,
                        '--out', out, *cli(options)], ok=False)
        assert message in log
    with open(checkpoint, 'rb') as f:
        assert f.read() == before


def test_tools_name_the_mistake(tiny_hih, trained, tmp_path):
    """export_onnx.py with the checkpoint of another config is refused
    (it used to export a mostly random network and exit 0), and output
    extensions are matched in any case."""
    config, checkpoint = tiny_hih
    out = tmp_path / 'wflw.onnx'
    log = run_tool([sys.executable, 'tools/deployment/export_onnx.py',
                    'configs/hih_wflw.py', checkpoint, str(out)], ok=False)
    assert 'made for another model' in log
    assert not out.exists()
    work_dir, options = trained
    metrics = tmp_path / 'METRICS.JSON'
    run_tool([sys.executable, 'tools/test.py', CONFIG,
              osp.join(work_dir, 'epoch_1.pth'), '--work-dir', str(tmp_path),
              '--out', str(metrics), *cli(options)])
    assert set(json.loads(metrics.read_text())) == {'NME', 'FR@0.1',
                                                     'AUC@0.1'}


def test_resume_with_nothing_to_resume(tmp_path):
    """--resume in an empty work dir, or with a missing file, stops with a
    message (mmengine would train from scratch, logging "Auto resumed from
    the latest checkpoint None")."""
    result = subprocess.run(
        [sys.executable, 'tools/train.py', CONFIG, '--work-dir',
         str(tmp_path), '--resume'],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert f'--resume found no checkpoint to resume in {tmp_path}' in \
        result.stderr
    assert not any(tmp_path.iterdir())  # nothing started
    result = subprocess.run(
        [sys.executable, 'tools/train.py', CONFIG, '--work-dir',
         str(tmp_path), '--resume', str(tmp_path / 'epoch_3.pth')],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert 'epoch_3.pth: no such checkpoint' in result.stderr


def test_cfg_options_typos_are_reported():
    from mmengine.config import Config

    from launch_helpers.runner import unknown_option_keys
    cfg = Config.fromfile(CONFIG)
    messages = unknown_option_keys(cfg, {
        'model.test_cfg.flip_tset': False,
        'model.test_cfg.flip_test': False,
        'model.test_cfg.shift_heatmap': True,  # read by mmpose, not set
        'train_cfg.max_epoch': 3,
        'train_cfg.max_epochs': 3,
        'optim_wrapper.optimizer.lr': 1e-3,  # outside the checked dicts
    })
    assert len(messages) == 2
    assert "model.test_cfg has no key 'flip_tset'" in messages[0]
    assert 'did you mean model.test_cfg.flip_test?' in messages[0]
    assert 'did you mean train_cfg.max_epochs?' in messages[1]


def test_work_dir_that_is_a_file(tmp_path):
    a_file = tmp_path / 'notes.txt'
    a_file.write_text('')
    result = subprocess.run(
        [sys.executable, 'tools/train.py', CONFIG, '--work-dir', str(a_file)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert f'--work-dir {a_file} is a file' in result.stderr


def test_work_dir_with_links_is_refused(tmp_path):
    """A link planted in --work-dir (named like a checkpoint, or dangling):
    the Runner would write through it; refused before anything starts."""
    import os
    victim = tmp_path / 'victim.pth'
    victim.write_bytes(b'keep me')
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    os.symlink(victim, work_dir / 'epoch_1.pth')
    os.symlink(tmp_path / 'nowhere', work_dir / 'last_checkpoint')
    result = subprocess.run(
        [sys.executable, 'tools/train.py', CONFIG, '--work-dir',
         str(work_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert 'holds 2 link(s)' in result.stderr
    assert victim.read_bytes() == b'keep me'
    assert not os.path.lexists(tmp_path / 'nowhere')
    assert sorted(os.listdir(work_dir)) == ['epoch_1.pth', 'last_checkpoint']


def test_test_tool_checks_its_outputs_before_the_evaluation(trained,
                                                            tmp_path):
    """--out into a folder that cannot be made, and a CED folder that is a
    link, stop before the evaluation runs (it used to run it and then fail,
    the metrics only in the log; the CED files were written through the
    link)."""
    work_dir, options = trained
    checkpoint = osp.join(work_dir, 'epoch_1.pth')
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    log = run_tool([sys.executable, 'tools/test.py', CONFIG, checkpoint,
                    '--work-dir', str(tmp_path / 'work'), '--out',
                    str(blocker / 'metrics.json'), *cli(options)], ok=False)
    assert 'cannot be written' in log and 'Epoch(test)' not in log
    linked = tmp_path / 'linked'
    linked.mkdir()
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    os.symlink(elsewhere, linked / 'ced')
    log = run_tool([sys.executable, 'tools/test.py', CONFIG, checkpoint,
                    '--work-dir', str(linked), *cli(options)], ok=False)
    assert 'is a link' in log and 'Epoch(test)' not in log
    assert os.listdir(elsewhere) == []
