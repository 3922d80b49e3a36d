# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Checkpoints that cannot be used give a clear error: truncated, not a
checkpoint, made for another config."""
import pytest
import torch
from mmengine.config import Config

from hih_mmpose.apis import FaceLandmarker
from hih_mmpose.utils.checkpoint import CheckpointError, check_checkpoint_safe
from hih_mmpose.utils.checkpoint_match import check_checkpoint_matches
from mmpose.registry import MODELS


def other_model(config: str, **changes) -> torch.nn.Module:
    cfg = Config.fromfile(config)
    for part, values in changes.items():
        cfg.model[part].update(values)
    return MODELS.build(cfg.model)


def test_matching_checkpoint_passes(tiny_hih):
    config, checkpoint = tiny_hih
    loaded = check_checkpoint_matches(other_model(config), checkpoint)
    assert loaded['meta']['epoch'] == 1


def test_truncated_checkpoint(tiny_hih, tmp_path):
    config, checkpoint = tiny_hih
    data = open(checkpoint, 'rb').read()
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(data[:len(data) // 2])
    message = r'truncated\.pth is not a readable PyTorch checkpoint'
    with pytest.raises(CheckpointError, match=message):
        FaceLandmarker(config, str(truncated))
    # the tools' path (tools/test.py, --resume, load_from) says the same
    with pytest.raises(CheckpointError, match=message):
        check_checkpoint_safe(str(truncated))


def test_files_that_are_not_checkpoints(tiny_hih, tmp_path):
    config, _ = tiny_hih
    text = tmp_path / 'notes.pth'
    text.write_text('these are not weights\n')
    with pytest.raises(CheckpointError, match='not a readable PyTorch'):
        FaceLandmarker(config, str(text))
    listed = tmp_path / 'list.pth'
    torch.save([1, 2, 3], listed)
    with pytest.raises(CheckpointError, match='holds a list, not a'):
        FaceLandmarker(config, str(listed))
    empty = tmp_path / 'empty.pth'
    torch.save({}, empty)
    with pytest.raises(CheckpointError, match='no state_dict'):
        FaceLandmarker(config, str(empty))


@pytest.mark.parametrize('changes, hint', [
    (dict(backbone=dict(num_stacks=2), head=dict(num_stages=2)),
     'another number of hourglass stacks'),
    (dict(backbone=dict(num_keypoints=68), head=dict(out_channels=68)),
     'another number of keypoints'),
    (dict(head=dict(decimal_branch=dict(type='CellDecimalBranch',
                                        channels=48))),
     'other layer widths'),
])
def test_checkpoint_of_another_config(tiny_hih, changes, hint):
    config, checkpoint = tiny_hih
    with pytest.raises(CheckpointError,
                       match=f'made for another model \\({hint}\\)'):
        check_checkpoint_matches(other_model(config, **changes), checkpoint)
