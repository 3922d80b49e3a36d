# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Low-precision inference: the crop path, bf16 and the int8 export, and
their accuracy on a small model's test set."""
import os.path as osp
import subprocess
import sys

import matplotlib.cbook as cbook
import numpy as np
import onnx
import pytest
import torch
from mmengine.config import Config
from mmpose.apis import inference_topdown, init_model
from mmpose.registry import METRICS

from hih_mmpose.apis import FaceLandmarker
from hih_mmpose.deployment import (CropPredictor, calibration_crops,
                                   dataset_crops, export_openvino,
                                   optimize_for_inference, quantize_int8)
from hih_mmpose.analysis import (keypoint_intervals,
                                            precision_report, sample_truth)
from hih_mmpose.utils import checkpoint_loading

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
PHOTO = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
FACE = np.array([[180., 130., 360., 335.]])


def load(tiny_hih):
    config, checkpoint = tiny_hih
    cfg = Config.fromfile(config)
    with checkpoint_loading():
        return cfg, init_model(cfg, checkpoint, device='cpu').eval()


def test_keypoint_intervals_inverts_the_decode():
    """``(cell + bin / 8) * 4 - 0.5`` crop pixels -> the same cell and bin
    (every bin of two cells, both axes)."""
    cells = np.array([[3, 0], [4, 63]])[:, None, :].repeat(64, 1)
    bins = np.stack(np.meshgrid(np.arange(8), np.arange(8)), -1).reshape(
        1, 64, 2).repeat(2, 0)
    keypoints = (cells + bins / 8.) * 4 - 0.5
    got_cells, got_bins = keypoint_intervals(keypoints.astype(np.float32),
                                             4., (8, 8))
    np.testing.assert_array_equal(got_cells, cells)
    np.testing.assert_array_equal(got_bins, bins)


def test_crop_path_equals_mmpose_predict(tiny_hih):
    """FaceLandmarker without flip test (crops through the config's
    pipeline, CropPredictor, back to image pixels) gives mmpose's
    inference_topdown keypoints."""
    config, checkpoint = tiny_hih
    landmarker = FaceLandmarker(
        config, checkpoint, detector='whole_image',
        runtime=dict(flip_test=False, backend='torch'))
    assert landmarker.predictor is not None
    (face, ) = landmarker(PHOTO, bboxes=FACE)
    _, model = load(tiny_hih)
    model.test_cfg['flip_test'] = False
    # (the crop path runs the fast network: compare like with like, the
    # small model's flat maps have near ties that float rounding breaks)
    optimize_for_inference(model)
    (sample, ) = inference_topdown(model, PHOTO, bboxes=FACE,
                                   bbox_format='xyxy')
    np.testing.assert_allclose(face['keypoints'],
                               sample.pred_instances.keypoints[0],
                               atol=1e-3)
    np.testing.assert_allclose(face['keypoint_scores'],
                               sample.pred_instances.keypoint_scores[0],
                               atol=1e-5)


def test_precisions_within_the_accuracy_bound(trained_tiny_hih, tmp_path):
    """int8 (QDQ, calibrated on the training faces; ONNX Runtime and
    OpenVINO) and bf16 (PyTorch and OpenVINO) on a small trained model's 32
    test faces: NME within +3 % of fp32 and the decimal interval accuracy
    within 2 points, the bound of the measurement in docs/deployment.md on
    the quick-start models. OpenVINO's fp32 is ONNX Runtime's / PyTorch's
    up to float rounding, and its int8 (same quantised file) within the
    int8 bound of ONNX Runtime's."""
    cfg, model = load(trained_tiny_hih)
    # the intervals are read off the keypoints: the argmax decode puts them
    # on the interval grid (the configs' mean decode does not)
    model.head.decoder.decimal_decode = 'argmax'
    crops, samples = dataset_crops(cfg.test_dataloader.dataset,
                                   cfg.test_dataloader.dataset.pipeline)
    calib = calibration_crops(cfg, 16, progress=False)
    assert calib.shape == (16, 3, 128, 128) and calib.max() > 1
    assert len(crops) == 32
    out = str(tmp_path / 'sub' / 'int8.onnx')
    quantize_int8(model, out, calib, (128, 128))
    graph = onnx.load(out).graph
    assert sum(n.op_type == 'QuantizeLinear' for n in graph.node) > 10
    assert {o.name for o in graph.output} == {'keypoints', 'scores'}
    keypoints = {
        'fp32': CropPredictor(model, 'fp32')(crops)[0],
        'bf16': CropPredictor(model, 'bf16')(crops)[0],
        'int8': CropPredictor(model, 'int8', out)(crops)[0],
        'ort-fp32': CropPredictor(model, 'fp32',
                                  backend='onnxruntime')(crops)[0],
        'ov-fp32': CropPredictor(model, 'fp32',
                                 backend='openvino')(crops)[0],
        'ov-bf16': CropPredictor(model, 'bf16',
                                 backend='openvino')(crops)[0],
        'ov-int8': CropPredictor(model, 'int8', out,
                                 backend='openvino')(crops)[0],
    }
    # the OpenVINO IR of the same file
    ir = export_openvino(out, str(tmp_path / 'ir' / 'int8.xml'))
    keypoints['ov-int8-ir'] = CropPredictor(model, 'int8', ir,
                                            backend='openvino')(crops)[0]
    for name in ('ort-fp32', 'ov-fp32'):
        np.testing.assert_allclose(keypoints[name], keypoints['fp32'],
                                   atol=1e-2)
    for name in ('ov-int8', 'ov-int8-ir'):
        moved = np.linalg.norm(keypoints[name] - keypoints['int8'], axis=-1)
        assert np.median(moved) < 0.5, np.percentile(moved, [50, 99, 100])
    metric = METRICS.build(dict(cfg.test_evaluator, ced_dir=None))
    metric.dataset_meta = model.dataset_meta
    codec = model.head.decoder
    report = precision_report(keypoints, sample_truth(samples, codec.stride),
                              metric, codec.stride, codec.decimal_size,
                              codec.decimal_sigma)
    fp32 = report['fp32']
    assert fp32['nme'] < 0.08 and fp32['acc_decimal'] > 3 / 64, report
    for name in ('bf16', 'int8', 'ov-bf16', 'ov-int8', 'ov-int8-ir'):
        assert report[name]['nme'] <= 1.03 * fp32['nme'], report
        assert abs(report[name]['acc_decimal'] -
                   fp32['acc_decimal']) <= 0.02, report
    # the fp32 crop path is the model's own decode (of the fast network)
    optimize_for_inference(model)
    with torch.no_grad():
        reference = model.head.decoder.decode_torch(*model.head(
            model.extract_feat(model.data_preprocessor(
                dict(inputs=list(torch.from_numpy(crops).byte()),
                     data_samples=samples))['inputs'])))[0]
    np.testing.assert_allclose(keypoints['fp32'], reference.numpy(),
                               atol=1e-3)


def test_landmarker_precision_options(tiny_hih):
    config, checkpoint = tiny_hih
    int8 = FaceLandmarker(
        config, checkpoint, detector='whole_image',
        runtime=dict(precision='int8', calib_images=8))
    (face, ) = int8(PHOTO, bboxes=FACE)
    assert face['keypoints'].shape == (98, 2)
    assert np.isfinite(face['keypoints']).all()
    with pytest.raises(ValueError, match='without flip'):
        FaceLandmarker(
            config, checkpoint, runtime=dict(precision='bf16', flip_test=True))
    with pytest.raises(ValueError, match='precision must be'):
        FaceLandmarker(config, checkpoint, runtime=dict(precision='fp16'))
    with pytest.raises(ValueError, match='calib'):
        CropPredictor(load(tiny_hih)[1], 'int8')
    with pytest.raises(ValueError, match="'torch' runs fp32/bf16, not int8"):
        CropPredictor(load(tiny_hih)[1], 'int8', backend='torch')
    with pytest.raises(ValueError, match="backend must be 'auto'"):
        FaceLandmarker(config, checkpoint, runtime=dict(backend='tensorrt'))
    with pytest.raises(ValueError, match='threads'):
        FaceLandmarker(config, checkpoint, runtime=dict(threads=0))
    # flip test (the config's) keeps mmpose's PyTorch path; without it the
    # fastest installed backend runs, and says why
    default = FaceLandmarker(config, checkpoint, detector='whole_image')
    assert (default.backend, default.precision) == ('torch', 'fp32')
    assert 'flip test' in default.backend_choice.reason
    plain = FaceLandmarker(
        config, checkpoint, detector='whole_image',
        runtime=dict(flip_test=False))
    assert (plain.backend, plain.precision) == ('torch', 'fp32')
    fast = FaceLandmarker(
        config, checkpoint, detector='whole_image',
        runtime=dict(flip_test=False, precision='bf16', threads=1))
    assert (fast.backend, fast.precision) == ('openvino', 'bf16')
    assert fast.thread_monitor is None and plain.thread_monitor is not None
    assert not fast.model.test_cfg['flip_test']
    (ov_face, ) = fast(PHOTO, bboxes=FACE)
    assert np.isfinite(ov_face['keypoints']).all()


def test_export_tool_int8(tiny_hih, tmp_path):
    config, checkpoint = tiny_hih
    out = tmp_path / 'int8.onnx'
    result = subprocess.run(
        [sys.executable, 'tools/deployment/export_onnx.py', config,
         checkpoint, str(out), '--int8', '--calib-images', '8'],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'int8' in result.stdout
    assert any(n.op_type == 'QuantizeLinear'
               for n in onnx.load(str(out)).graph.node)
