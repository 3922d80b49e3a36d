# Copyright (c) hih_mmpose contributors. All rights reserved.
"""'auto' that measures: which ways a model may run, the choice among them
(fastest that agrees with fp32), its cache, and that an explicit choice is
never measured."""
import json
import time

import numpy as np
import pytest

from hih_mmpose.runtime import measured_choice, sessions
from hih_mmpose.runtime.landmarker import Landmarker
from hih_mmpose.runtime.measured_choice import (MeasuredSession, measure,
                                                read_choices)
from hih_mmpose.runtime.sessions import (ModelInfo, OnnxRuntimeSession,
                                         read_model_info, run_candidates)


def test_run_candidates(monkeypatch):
    monkeypatch.setattr(sessions, 'installed_backends',
                        lambda: ['openvino', 'onnxruntime'])
    fp32, int8 = ModelInfo((64, 64), 5), ModelInfo((64, 64), 5,
                                                   precision='int8')
    for has_bf16 in (True, False):
        monkeypatch.setattr(sessions, 'cpu_has_bf16', lambda: has_bf16)
        assert run_candidates(fp32) == [('openvino', 'fp32'),
                                        ('onnxruntime', 'fp32')]
        assert run_candidates(fp32, 'auto', 'auto') == (
            [('openvino', 'bf16')] * has_bf16 +
            [('openvino', 'fp32'), ('onnxruntime', 'fp32')])
        assert run_candidates(int8, 'auto', 'auto') == [
            ('openvino', 'int8'), ('onnxruntime', 'int8')]
    # explicit choices stay as they are, or fail naming why
    assert run_candidates(fp32, 'onnxruntime') == [('onnxruntime', 'fp32')]
    assert run_candidates(fp32, 'auto', 'bf16') == [('openvino', 'bf16')]
    assert run_candidates(fp32, 'openvino', 'bf16') == [('openvino', 'bf16')]
    with pytest.raises(ValueError, match='runs'):
        run_candidates(fp32, 'onnxruntime', 'bf16')
    with pytest.raises(ValueError, match='needs an int8 model'):
        run_candidates(fp32, 'auto', 'int8')
    with pytest.raises(ValueError, match='backend must be'):
        run_candidates(fp32, 'tensorrt')
    monkeypatch.setattr(sessions, 'installed_backends', lambda: [])
    with pytest.raises(ImportError, match='no backend installed'):
        run_candidates(fp32)


class FakeSession:
    """Crops -> keypoints (N, 3, 2): the reference's plus ``offset`` px,
    after ``delay`` seconds."""

    def __init__(self, offset: float, delay: float) -> None:
        self.offset, self.delay = offset, delay
        self.description = f'fake {offset}'

    def __call__(self, crops):
        time.sleep(self.delay)
        keypoints = crops[:, 0, :3, :2] + self.offset
        return keypoints, np.ones(keypoints.shape[:2], np.float32)


def test_measure_keeps_the_fastest_that_agrees():
    crops = np.random.default_rng(0).uniform(0, 255, (4, 3, 100, 100))
    fake = {('openvino', 'bf16'): FakeSession(0.5, 0.),  # fast, far off
            ('openvino', 'fp32'): FakeSession(0., 0.03),
            ('onnxruntime', 'fp32'): FakeSession(0., 0.)}
    chosen, report = measure(fake, crops, width=100, repeats=2)
    # 0.5 px mean against the tolerance's 0.2 px at a 100 px crop
    assert chosen == ('onnxruntime', 'fp32')
    assert report['openvino bf16']['agrees'] is False
    assert report['openvino bf16']['mean_px'] == pytest.approx(0.5 * 2**.5)
    assert report['openvino fp32']['ms'] > report['onnxruntime fp32']['ms']
    # within the tolerance, the fastest wins, bf16 included
    fake[('openvino', 'bf16')] = FakeSession(0.1, 0.)
    fake[('onnxruntime', 'fp32')] = FakeSession(0., 0.03)
    chosen, report = measure(fake, crops, width=100, repeats=2)
    assert chosen == ('openvino', 'bf16')
    assert report['openvino bf16']['agrees'] is True
    # a NaN never agrees
    fake[('openvino', 'bf16')] = FakeSession(np.nan, 0.)
    assert measure(fake, crops, width=100, repeats=1)[0] != ('openvino',
                                                            'bf16')


def test_measured_session_caches_its_choice(exported_tiny_hih, tmp_path,
                                            monkeypatch):
    """The first crops measure and cache; a second session opens the cached
    choice without measuring; the keypoints are the chosen session's; an
    unreadable cache counts as empty."""
    cache = tmp_path / 'choices.json'
    monkeypatch.setenv('HIH_MMPOSE_CHOICES', str(cache))
    _, _, model = exported_tiny_hih
    candidates = [('onnxruntime', 'fp32'), ('onnxruntime', 'fp32')]
    session = MeasuredSession(model, candidates)
    assert session.session is None and 'measured on the first' in \
        session.description
    width, height = read_model_info(model).input_size
    crops = np.random.default_rng(1).uniform(0, 255, (2, 3, height, width))
    keypoints = session(crops.astype(np.float32))[0]
    assert session.choice == ('onnxruntime', 'fp32')
    np.testing.assert_array_equal(
        keypoints, OnnxRuntimeSession(model)(crops.astype(np.float32))[0])
    (entry, ) = read_choices().values()
    assert entry['chosen'] == ['onnxruntime', 'fp32']
    assert entry['report']['onnxruntime fp32']['ms'] > 0

    def no_measuring(*args):
        raise AssertionError('measured again')

    monkeypatch.setattr(measured_choice, 'measure', no_measuring)
    again = MeasuredSession(model, candidates)
    assert again.choice == ('onnxruntime', 'fp32')
    assert 'auto, measured' in again.description
    cache.write_text('{not json')
    assert read_choices() == {}
    with pytest.raises(AssertionError, match='measured again'):
        MeasuredSession(model, candidates)(crops.astype(np.float32))
    # (the cache stays readable JSON after a choice is written)
    monkeypatch.undo()
    monkeypatch.setenv('HIH_MMPOSE_CHOICES', str(cache))
    MeasuredSession(model, candidates)(crops.astype(np.float32))
    assert list(json.loads(cache.read_text()).values())[0]['chosen']


def test_explicit_choice_is_not_measured(exported_tiny_hih):
    _, _, model = exported_tiny_hih
    landmarker = Landmarker(model, 'whole_image', backend='onnxruntime',
                            precision='fp32')
    assert isinstance(landmarker.session, OnnxRuntimeSession)
