# Copyright (c) hih_mmpose contributors. All rights reserved.
"""PlainCheckpointHook: what training writes opens with torch's defaults,
resumes exactly, and runs no text it carries."""
import os.path as osp
import subprocess
import sys

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner import Runner

from hih_mmpose.utils.plain_checkpoint import from_plain, to_plain
from hih_mmpose.utils.checkpoint import load_checkpoint_file
from launch_helpers.runner import run_with_checkpoints


def test_plain_round_trip_is_exact():
    buffer = HistoryBuffer([0.1, 1 / 3, 2.5], [1, 2, 3], max_length=7)
    checkpoint = dict(
        state_dict=dict(w=torch.arange(3.)),
        meta=dict(
            dataset_meta=dict(
                sigmas=np.array([0.025, 1 / 7], np.float32),
                colors=np.array([[255, 0, 3]], np.uint8),
                empty=np.zeros((0, 3), np.int64),
                name='wflw'),
            seed=np.int64(7),
            state=('MT19937', np.arange(4, dtype=np.uint32), 2, 0, 0.0)),
        message_hub=dict(log_scalars={'train/loss': buffer}))
    plain = to_plain(checkpoint)
    meta = plain['meta']
    assert meta['dataset_meta']['colors'] == [[255, 0, 3]]
    assert meta['seed'] == 7 and type(meta['seed']) is int
    assert plain['state_dict']['w'] is checkpoint['state_dict']['w']

    restored = from_plain(plain)
    assert 'hih_plain_types' not in restored['meta']
    for key in ('sigmas', 'colors', 'empty'):
        value = restored['meta']['dataset_meta'][key]
        original = checkpoint['meta']['dataset_meta'][key]
        assert value.dtype == original.dtype and value.shape == original.shape
        assert value.tobytes() == original.tobytes()
    assert type(restored['meta']['seed']) is np.int64
    state = restored['meta']['state']
    assert isinstance(state, tuple) and state[1].dtype == np.uint32
    back = restored['message_hub']['log_scalars']['train/loss']
    assert isinstance(back, HistoryBuffer) and back.max_length == 7
    assert back.data[0].tobytes() == buffer.data[0].tobytes()
    assert back.data[1].tobytes() == buffer.data[1].tobytes()
    assert back.mean() == buffer.mean()


def train(cfg) -> Runner:
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def test_checkpoints_open_with_torch_defaults(tmp_path, tiny_train_cfg):
    """A fresh interpreter that never imports hih_mmpose reads epoch and
    last checkpoints with torch.load's defaults (weights_only=True)."""
    train(tiny_train_cfg(str(tmp_path)))
    checkpoint = str(tmp_path / 'epoch_1.pth')
    code = ('import sys, torch\n'
            f'c = torch.load({checkpoint!r})\n'
            "assert 'hih_mmpose' not in sys.modules\n"
            "print(sorted(c), type(c['meta']['dataset_meta']['sigmas']))\n")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "['message_hub', 'meta', 'optimizer', 'param_schedulers', " \
        "'state_dict']" in out.stdout and "<class 'list'>" in out.stdout


def test_resume_gives_the_weights_of_an_uninterrupted_run(
        tmp_path, tiny_train_cfg):
    """2 epochs straight vs 1 epoch, a new Runner, --resume, 1 more: the
    same weights, optimizer state and logged history, bit for bit (random
    augmentation in the training process, seeded)."""
    straight = tiny_train_cfg(str(tmp_path / 'straight'))
    straight.train_cfg.max_epochs = 2
    train(straight)

    first = tiny_train_cfg(str(tmp_path / 'resumed'))
    train(first)
    second = tiny_train_cfg(str(tmp_path / 'resumed'))
    second.train_cfg.max_epochs = 2
    second.resume = True
    train(second)

    a = torch.load(str(tmp_path / 'straight' / 'epoch_2.pth'))
    b = torch.load(str(tmp_path / 'resumed' / 'epoch_2.pth'))
    assert a['meta']['iter'] == b['meta']['iter'] == 8
    for key, value in a['state_dict'].items():
        assert torch.equal(value, b['state_dict'][key]), key
    for key, state in a['optimizer']['state'].items():
        for name, value in state.items():
            assert torch.equal(value, b['optimizer']['state'][key][name])
    assert a['param_schedulers'] == b['param_schedulers']
    for key, value in a['message_hub']['log_scalars'].items():
        if 'time' not in key:
            assert value == b['message_hub']['log_scalars'][key], key


def test_resume_runs_no_text_from_the_checkpoint(tmp_path, tiny_train_cfg):
    train(tiny_train_cfg(str(tmp_path)))
    checkpoint = torch.load(str(tmp_path / 'epoch_1.pth'))
    marker = tmp_path / 'ran'
    checkpoint['meta']['config'] = f"a = open({str(marker)!r}, 'w')" \
        ".write('ran')"
    planted = str(tmp_path / 'planted.pth')
    torch.save(checkpoint, planted)

    cfg = tiny_train_cfg(str(tmp_path / 'resume'))
    cfg.train_cfg.max_epochs = 2
    cfg.resume = True
    cfg.load_from = planted
    runner = train(cfg)
    assert not marker.exists()
    assert runner.iter == 8


def test_older_checkpoints_still_load(tmp_path, tiny_train_cfg):
    """A checkpoint as mmengine writes it without the hook (numpy arrays,
    HistoryBuffers) loads through hih_mmpose's safe loaders."""
    cfg = tiny_train_cfg(str(tmp_path))
    cfg.custom_hooks = [hook for hook in cfg.custom_hooks
                        if hook.type != 'PlainCheckpointHook']
    train(cfg)
    path = str(tmp_path / 'epoch_1.pth')
    checkpoint = load_checkpoint_file(path)
    assert isinstance(checkpoint['meta']['dataset_meta']['sigmas'],
                      np.ndarray)
    resume = tiny_train_cfg(str(tmp_path))
    resume.train_cfg.max_epochs = 2
    resume.resume = True
    runner = Runner.from_cfg(resume)
    run_with_checkpoints(runner.train)
    assert osp.isfile(str(tmp_path / 'epoch_2.pth'))


def test_resume_from_an_iteration_checkpoint_says_it_reruns_the_epoch(
        tmp_path, tiny_train_cfg):
    """An iteration checkpoint 2 of 4 iterations into epoch 1: resuming
    logs that mmengine's epoch loop runs epoch 1 again from its first batch
    (2 iterations more than an uninterrupted run), and does so."""
    import glob
    first = tiny_train_cfg(str(tmp_path))
    first.default_hooks.checkpoint = dict(type='CheckpointHook', interval=2,
                                          by_epoch=False)
    first.train_cfg = dict(by_epoch=True, max_epochs=1)
    train(first)
    second = tiny_train_cfg(str(tmp_path))
    second.load_from = str(tmp_path / 'iter_2.pth')
    second.resume = True
    runner = train(second)
    assert runner.iter == 6  # 2 + a whole epoch of 4
    # (the log of the second run: the folder mmengine names by time)
    logs = sorted(glob.glob(str(tmp_path / '*' / '*.log')))
    text = open(logs[-1]).read()
    assert 'resumed at iteration 2, 2 of the 4 iterations into epoch 1' in \
        text
    assert 'makes 2 iterations more than an uninterrupted one' in text
