# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The exported model that runs is the model the user named: its weights'
stamp, precision and crop size checked against the config and checkpoint."""
import copy
import warnings

import numpy as np
import onnx
import pytest
import torch
from mmengine.config import Config

from hih_mmpose.apis import FaceLandmarker
from hih_mmpose.deployment import CropPredictor, export_onnx, quantize_int8
from hih_mmpose.deployment.model_fingerprint import (WEIGHTS_KEY,
                                                     weights_fingerprint)
from hih_mmpose.utils import checkpoint_loading
from mmpose.apis import init_model


@pytest.fixture(scope='module')
def exports(tiny_hih, tmp_path_factory):
    """The tiny model, an int8 and an fp32 export of it."""
    config, checkpoint = tiny_hih
    with checkpoint_loading():
        model = init_model(Config.fromfile(config), checkpoint,
                           device='cpu').eval()
    folder = tmp_path_factory.mktemp('exports')
    calib = np.random.default_rng(0).uniform(0, 255, (4, 3, 128, 128)).astype(
        np.float32)
    int8 = str(folder / 'int8.onnx')
    quantize_int8(model, int8, calib, (128, 128))
    fp32 = str(folder / 'fp32.onnx')
    export_onnx(model, fp32, (128, 128))
    return model, int8, fp32, folder


def test_stamps_and_the_matching_model_runs(exports):
    model, int8, fp32, _ = exports
    stamps = {p.key: p.value for p in onnx.load(int8).metadata_props}
    assert stamps[WEIGHTS_KEY] == weights_fingerprint(model)
    assert stamps['hih_precision'] == 'int8'
    assert stamps['hih_input_size'] == '128,128'
    crops = np.zeros((1, 3, 128, 128), np.float32)
    assert CropPredictor(model, 'int8', int8)(crops)[0].shape[1:] == (98, 2)
    assert CropPredictor(model, 'fp32', fp32,
                         backend='onnxruntime')(crops)[0].shape[1:] == (98, 2)


def test_another_models_export_is_refused(exports):
    model, int8, _, _ = exports
    other = copy.deepcopy(model)
    with torch.no_grad():
        next(other.parameters()).add_(1e-3)
    assert weights_fingerprint(other) != weights_fingerprint(model)
    with pytest.raises(ValueError, match='exported from other weights'):
        CropPredictor(other, 'int8', int8)


def test_precision_size_and_format_are_checked(exports):
    model, int8, fp32, folder = exports
    with pytest.raises(ValueError, match='fp32 model given as the int8'):
        CropPredictor(model, 'int8', fp32)
    with pytest.raises(ValueError, match="is an int8 model; run it with"):
        CropPredictor(model, 'fp32', int8, backend='onnxruntime')
    small = str(folder / 'small.onnx')
    export_onnx(model, small, (96, 96))
    # (a fixed-size graph of another size)
    graph = onnx.load(small)
    dims = graph.graph.input[0].type.tensor_type.shape.dim
    dims[0].dim_value = 1
    onnx.save(graph, small)
    with pytest.raises(ValueError, match='takes 96 x 96 crops; the config '
                       'makes 128 x 128'):
        CropPredictor(model, 'fp32', small, backend='onnxruntime')
    text = folder / 'notes.onnx'
    text.write_text('not a model')
    with pytest.raises(ValueError, match='is not an ONNX model'):
        CropPredictor(model, 'fp32', str(text), backend='onnxruntime')


def test_openvino_ir_is_checked_too(exports):
    from hih_mmpose.deployment import export_openvino
    model, int8, fp32, folder = exports
    ir = export_openvino(int8, str(folder / 'int8.xml'))
    crops = np.zeros((1, 3, 128, 128), np.float32)
    predictor = CropPredictor(model, 'int8', ir, backend='openvino')
    assert predictor(crops)[0].shape[1:] == (98, 2)
    other = copy.deepcopy(model)
    with torch.no_grad():
        next(other.parameters()).add_(1e-3)
    with pytest.raises(ValueError, match='exported from other weights'):
        CropPredictor(other, 'int8', ir, backend='openvino')
    fp32_ir = export_openvino(fp32, str(folder / 'fp32.xml'))
    with pytest.raises(ValueError, match='fp32 model given as the int8'):
        CropPredictor(model, 'int8', fp32_ir, backend='openvino')


def test_unstamped_export_warns(exports):
    model, int8, _, folder = exports
    graph = onnx.load(int8)
    del graph.metadata_props[:]
    bare = str(folder / 'bare.onnx')
    onnx.save(graph, bare)
    with pytest.warns(UserWarning, match='carries no weights stamp'):
        CropPredictor(model, 'int8', bare)


def test_int8_onnx_with_another_precision(tiny_hih, exports):
    config, checkpoint = tiny_hih
    _, int8, _, _ = exports
    with pytest.raises(ValueError, match="precision is fp32: give "
                       "precision='int8'"):
        FaceLandmarker(config, checkpoint, detector='whole_image',
                       runtime=dict(precision='fp32', int8_onnx=int8))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        landmarker = FaceLandmarker(
            config, checkpoint, detector='whole_image',
            runtime=dict(precision='int8', int8_onnx=int8))
    assert landmarker.precision == 'int8'
    assert not any('int8' in str(w.message) or 'stamp' in str(w.message)
                   for w in caught)


def test_export_tool_refuses_zero_calibration_and_links(tiny_hih, tmp_path):
    import os
    import os.path as osp
    import subprocess
    import sys
    repo = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
    config, checkpoint = tiny_hih
    tool = [sys.executable, 'tools/deployment/export_onnx.py', config,
            checkpoint]
    result = subprocess.run(tool + [str(tmp_path / 'a.onnx'), '--int8',
                                    '--calib-images', '0'],
                            cwd=repo, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode != 0
    assert '--calib-images must be at least 1' in result.stderr
    os.symlink(tmp_path / 'elsewhere.onnx', tmp_path / 'link.onnx')
    result = subprocess.run(tool + [str(tmp_path / 'link.onnx')], cwd=repo,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and 'is a link' in result.stderr
    assert not osp.lexists(tmp_path / 'elsewhere.onnx')
