# Copyright (c) hih_mmpose contributors. All rights reserved.
import json
import os.path as osp
import subprocess
import sys

import numpy as np
import onnxruntime
import pytest
import torch

from mmpose.registry import MODELS
from hih_mmpose.deployment import export_onnx

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))


def hih(num_stacks: int,
        cell_branch: bool = False,
        decimal_decode: str = 'argmax') -> torch.nn.Module:
    codec = dict(type='HIHLabel', mask_decimal=not cell_branch,
                 decimal_decode=decimal_decode)
    branch = dict(type='CellDecimalBranch') if cell_branch else None
    return MODELS.build(
        dict(
            type='TopdownPoseEstimator',
            data_preprocessor=dict(
                type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
            backbone=dict(type='HIHHourglassNet', num_stacks=num_stacks),
            head=dict(type='HIHHead', in_channels=256, out_channels=98,
                      num_stages=num_stacks, decimal_branch=branch,
                      decoder=codec))).eval()


def near_ties(maps: torch.Tensor, relative: float = 1e-5) -> np.ndarray:
    """(B, K) landmarks whose map (B, K, H, W) has a runner-up within
    ``relative`` of its maximum: there an argmax may differ between two
    backends' float rounding (random weights make flat maps)."""
    top2 = maps.flatten(2).topk(2, dim=-1).values
    scale = maps.flatten(2).abs().amax(-1).clamp_min(1e-12)
    return ((top2[..., 0] - top2[..., 1]) <= relative * scale).numpy()


@pytest.mark.parametrize('num_stacks,cell_branch,decimal_decode',
                         [(1, False, 'argmax'), (2, False, 'argmax'),
                          (4, False, 'argmax'), (1, True, 'argmax'),
                          (1, True, 'expectation')])
def test_onnxruntime_matches_pytorch(num_stacks, cell_branch, decimal_decode,
                                     tmp_path):
    """HIH-T / S / B (published decimal branch) and HIH-T with the cell
    decimal branch (argmax and expected-interval decode), the decoder in the
    graph: onnxruntime gives the keypoints of the PyTorch model, batch 1 and
    4 (dynamic batch)."""
    torch.manual_seed(num_stacks)
    model = hih(num_stacks, cell_branch, decimal_decode)
    out = str(tmp_path / 'hih.onnx')
    export_onnx(model, out)
    session = onnxruntime.InferenceSession(
        out, providers=['CPUExecutionProvider'])
    for batch in (1, 4):
        crops = torch.rand(batch, 3, 256, 256) * 255
        with torch.no_grad():
            # the config's preprocessing (BGR -> RGB, mean / std), the
            # network and the HIHLabel decode, step by step
            mean = torch.tensor([123.675, 116.28, 103.53]).view(1, 3, 1, 1)
            std = torch.tensor([58.395, 57.12, 57.375]).view(1, 3, 1, 1)
            inputs = (crops[:, [2, 1, 0]] - mean) / std
            integer, decimal = model(inputs, None, mode='tensor')
            expected, expected_scores = model.head.decoder.decode_torch(
                integer, decimal)
        keypoints, scores = session.run(None, {'crops': crops.numpy()})
        assert keypoints.shape == (batch, 98, 2)
        # every landmark whose argmax cells are not near-ties agrees (on an
        # AVX2-only CPU a near-tie of HIH-S moved by a whole cell); most
        # landmarks are clear
        clear = ~(near_ties(integer) | near_ties(decimal))
        assert clear.mean() >= 0.8, clear.mean()
        assert np.abs(keypoints - expected.numpy())[clear].max() <= 1e-3
        assert np.abs(scores - expected_scores.numpy()).max() <= 1e-4


class Decode(torch.nn.Module):
    """The codec's torch decode as a module, to export it alone."""

    def __init__(self, codec) -> None:
        super().__init__()
        self.codec = codec

    def forward(self, integer_heatmaps, decimal_logits):
        return self.codec.decode_torch(integer_heatmaps, decimal_logits)


def test_expectation_dark_decode_exports(tmp_path):
    """The mean of the expected interval and DARK in an ONNX graph, on maps
    with one Gaussian peak each (random weights give flat maps, where
    DARK's Newton step amplifies float rounding): onnxruntime's keypoints
    are PyTorch's."""
    from mmpose.registry import KEYPOINT_CODECS
    codec = KEYPOINT_CODECS.build(
        dict(type='HIHLabel', input_size=128, heatmap_size=32,
             mask_decimal=False, decimal_decode='expectation_dark'))
    rng = np.random.default_rng(0)
    rows, columns = np.mgrid[:32, :32]
    centres = rng.uniform(0, 32, (3, 6, 2))
    maps = np.exp(-((columns - centres[..., 0, None, None])**2 +
                    (rows - centres[..., 1, None, None])**2) / 4.5)
    maps = torch.from_numpy(maps.astype(np.float32))
    logits = torch.from_numpy(
        rng.normal(size=(3, 6, 8, 8)).astype(np.float32))
    out = str(tmp_path / 'decode.onnx')
    torch.onnx.export(
        Decode(codec), (maps, logits), out,
        input_names=['integer_heatmaps', 'decimal_logits'],
        output_names=['keypoints', 'scores'], opset_version=17,
        dynamic_axes=dict(integer_heatmaps={0: 'batch'},
                          decimal_logits={0: 'batch'}),
        dynamo=False)
    session = onnxruntime.InferenceSession(
        out, providers=['CPUExecutionProvider'])
    keypoints, _ = session.run(None, dict(integer_heatmaps=maps.numpy(),
                                          decimal_logits=logits.numpy()))
    expected, _ = codec.decode_torch(maps, logits)
    assert np.abs(keypoints - expected.numpy()).max() <= 1e-3
    reference, _ = codec.decode(maps[:1].numpy(), logits[:1].numpy())
    assert np.abs(keypoints[:1] - reference).max() <= 1e-3


@pytest.mark.parametrize('out_file, runtime', [('synthetic.onnx',
                                                 'onnxruntime'),
                                                ('synthetic.xml', 'openvino')])
def test_export_tool(tmp_path, out_file, runtime):
    """An .onnx output is checked with ONNX Runtime, an OpenVINO IR (.xml
    and .bin) with OpenVINO, through the runtime's sessions; the output
    folder is created, the runtime's metadata written beside it."""
    result = subprocess.run(
        [sys.executable, 'tools/deployment/export_onnx.py',
         'configs/hih_synthetic_wild_visibility.py',
         str(tmp_path / 'new_folder' / out_file)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines()
                if line.startswith('batch 4:'))
    assert f'max |keypoints {runtime} - PyTorch|' in line
    # the visibility head's output is in the graph and matches PyTorch
    # (float32 rounding of other kernels on random weights: up to 1.2e-4
    # measured with one thread per test worker; a visibility output not in
    # the graph, or another one, is off by tenths)
    visible = float(line.split('visible ')[1].split(';')[0])
    assert visible < 1e-3, line
    weights = (tmp_path / 'new_folder' / out_file).with_suffix(
        '.bin' if out_file.endswith('.xml') else '.onnx')
    assert weights.stat().st_size > 1e6
    info = json.loads((tmp_path / 'new_folder' / 'synthetic.json')
                      .read_text())
    assert info['outputs'] == ['keypoints', 'scores', 'visible']
    assert info['input_size'] == [128, 128] and info['precision'] == 'fp32'


def test_export_never_overwrites_the_checkpoint(tiny_hih):
    """``export_onnx.py CONFIG CHECKPOINT`` (output forgotten) must not
    write an ONNX graph over the checkpoint."""
    config, checkpoint = tiny_hih
    with open(checkpoint, 'rb') as f:
        before = f.read()
    result = subprocess.run(
        [sys.executable, 'tools/deployment/export_onnx.py', config,
         checkpoint],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert 'must be a .onnx (or OpenVINO .xml) file' in result.stderr
    with open(checkpoint, 'rb') as f:
        assert f.read() == before
