# Copyright (c) hih_mmpose contributors. All rights reserved.
"""tools/analysis_tools/benchmark.py runs and prints its tables (timings are
not checked here: they belong in the benchmark, not in unit tests); its
plain-PyTorch baseline is the same network as ours."""
import importlib.util
import json
import os.path as osp
import subprocess
import sys

import torch
from mmengine.config import Config

from mmpose.registry import MODELS

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))


def load_plain_hih() -> type:
    """The benchmark's plain-PyTorch network, loaded from its file (a
    tool, not part of the package)."""
    path = osp.join(REPO, 'tools', 'analysis_tools', 'bench', 'plain_hih.py')
    spec = importlib.util.spec_from_file_location('plain_hih', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PlainHIH


def test_plain_hih_is_our_network():
    """The published network (published decimal branch)."""
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'hih_synthetic_published.py'))
    model = MODELS.build(cfg.model).eval()
    plain = load_plain_hih()(num_keypoints=98, num_stacks=2, depth=3,
                             channels=64, decimal_channels=96,
                             num_down=1).eval()
    plain.load_state_dict(model.state_dict(), strict=True)
    x = torch.randn(2, 3, 128, 128)
    with torch.no_grad():
        ours = model.head(model.backbone(x))
        theirs = plain(x)
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(b, a, rtol=0, atol=0)


def test_benchmark_smoke(tmp_path):
    out = tmp_path / 'figures.json'
    result = subprocess.run(
        [sys.executable, 'tools/analysis_tools/benchmark.py', '--sections',
         'inference', 'flops', 'gpu', '--models', 'T', '--batch-sizes', '1',
         '--repeats', '1', '--no-hrnet', '--json', str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'Inference, ms per face' in result.stdout
    assert 'Params and FLOPs' in result.stdout
    with open(out) as f:
        figures = json.load(f)
    (row, ) = figures['inference']
    assert row['model'] == 'HIH-T' and row['plain_vs_ours'] == 0
    assert row['fast_vs_eager'] < 1e-4
    (flops, ) = figures['flops']['models']
    assert flops['published_count'] == 10365700
    assert abs(flops['gmacs'] - 6.99) < 0.05
    if not torch.cuda.is_available():
        assert figures['gpu'] == dict(
            measured=False, reason='no CUDA device on this machine')
        assert 'GPU: not measured' in result.stdout


def test_benchmark_times_auto_on_an_export(exported_tiny_hih):
    """The pipeline section's ``--exports`` row: 'auto' and every way to
    run the export on one synthetic face with its box, the choice named
    (which way wins is the benchmark's to measure, not this test's)."""
    from bench.pipeline import bench_export, ways
    _, _, model = exported_tiny_hih
    result = bench_export(model, 1)
    assert set(result['ms']) == {label for label, _, _ in ways()}
    assert all(ms > 0 for ms in result['ms'].values())
    assert result['chose'].startswith(('openvino', 'onnxruntime'))
    assert result['auto_vs_fastest'] > 0
