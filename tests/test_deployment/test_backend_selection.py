# Copyright (c) hih_mmpose contributors. All rights reserved.
"""'auto' backend and precision from faked CPU flags and installed
backends."""
import pytest

from hih_mmpose.deployment import choose_backend, int8_backends

AMX = {'avx2', 'avx512f', 'avx512_vnni', 'avx512_bf16', 'amx_bf16',
       'amx_int8'}
AVX512_BF16 = {'avx2', 'avx512f', 'avx512_vnni', 'avx512_bf16'}
AVX512_NO_BF16 = {'avx2', 'avx512f', 'avx512_vnni'}
AVX2 = {'avx2', 'fma'}
ALL = ('torch', 'onnxruntime', 'openvino')


@pytest.mark.parametrize('flags, installed, int8_ready, expected', [
    (AMX, ALL, True, ('openvino', 'int8')),
    (AVX512_BF16, ALL, True, ('openvino', 'int8')),
    (AVX512_NO_BF16, ALL, True, ('openvino', 'int8')),
    # no quantised model and no training faces: the next best precision
    (AVX512_BF16, ALL, False, ('openvino', 'bf16')),
    (AVX512_NO_BF16, ALL, False, ('openvino', 'fp32')),
    # AVX2 without VNNI: OpenVINO's int8 (measured the fastest there)
    (AVX2, ALL, True, ('openvino', 'int8')),
    # ... and ONNX Runtime's fp32 without an int8 model (the fastest fp32
    # there; OpenVINO's fp32 the fastest on AVX-512 CPUs)
    (AVX2, ALL, False, ('onnxruntime', 'fp32')),
    # ... but not ONNX Runtime's (slower than its fp32 on LiteHRNet)
    (AVX2, ('torch', 'onnxruntime'), True, ('onnxruntime', 'fp32')),
    # no AVX2: no int8
    ({'sse4_2'}, ALL, True, ('openvino', 'fp32')),
    # without OpenVINO: ONNX Runtime for int8, PyTorch for bf16 / fp32
    (AVX512_BF16, ('torch', 'onnxruntime'), True, ('onnxruntime', 'int8')),
    (AVX512_BF16, ('torch', 'onnxruntime'), False, ('torch', 'bf16')),
    (AMX, ('torch', ), True, ('torch', 'bf16')),
    (AVX2, ('torch', ), True, ('torch', 'fp32')),
])
def test_auto_follows_the_cpu(flags, installed, int8_ready, expected):
    choice = choose_backend('auto', 'auto', flags, installed, int8_ready)
    assert (choice.backend, choice.precision) == expected
    assert expected[0] in choice.reason and expected[1] in choice.reason


def test_auto_precision_within_a_given_backend():
    assert choose_backend('torch', 'auto', AMX, ALL).precision == 'bf16'
    assert choose_backend('onnxruntime', 'auto', AVX512_BF16,
                          ALL).precision == 'int8'
    assert choose_backend('onnxruntime', 'auto', AVX512_BF16, ALL,
                          int8_ready=False).precision == 'fp32'
    assert choose_backend('openvino', 'auto', AVX2, ALL).precision == 'int8'
    choice = choose_backend('onnxruntime', 'auto', AVX2, ALL)
    assert choice.precision == 'fp32' and 'onnxruntime' in choice.reason
    # fp32 by name keeps the reference path; OpenVINO fp32 by name
    assert choose_backend('auto', 'fp32', AMX, ALL).backend == 'torch'
    assert choose_backend('openvino', 'fp32', AVX2, ALL).backend == 'openvino'
    choice = choose_backend('openvino', 'bf16', AVX2, ALL)
    assert (choice.backend, choice.precision, choice.reason) == (
        'openvino', 'bf16', 'as asked')


def test_needs_torch_takes_fp32_pytorch():
    choice = choose_backend('auto', 'auto', AMX, ALL,
                            needs_torch='flip test')
    assert (choice.backend, choice.precision) == ('torch', 'fp32')
    assert choice.reason == 'flip test'
    with pytest.raises(ValueError, match='flip test runs on PyTorch'):
        choose_backend('openvino', 'auto', AMX, ALL, needs_torch='flip test')
    with pytest.raises(ValueError, match='flip test runs on PyTorch'):
        choose_backend('auto', 'int8', AMX, ALL, needs_torch='flip test')


def test_clear_errors():
    with pytest.raises(ValueError, match="backend must be 'auto' or one of"):
        choose_backend('tensorrt', 'auto', AMX, ALL)
    with pytest.raises(ValueError, match="precision must be 'auto'"):
        choose_backend('auto', 'fp16', AMX, ALL)
    with pytest.raises(ValueError, match="'openvino' is not installed"):
        choose_backend('openvino', 'int8', AMX, ('torch', 'onnxruntime'))
    with pytest.raises(ValueError, match="'torch' runs fp32/bf16, not int8"):
        choose_backend('torch', 'int8', AMX, ALL)
    with pytest.raises(ValueError, match='no installed backend runs int8'):
        choose_backend('auto', 'int8', AMX, ('torch', ))


def test_int8_backends_follow_the_cpu():
    assert int8_backends(AVX512_NO_BF16, ALL) == ('onnxruntime', 'openvino')
    assert int8_backends(AVX2, ALL) == ('openvino', )
    assert int8_backends(AVX2, ('torch', 'onnxruntime')) == ()
    assert int8_backends({'sse4_2'}, ALL) == ()
