# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Which weights, input size and precision an exported model holds.

``export_onnx`` and ``quantize_int8`` stamp the ONNX file with the
fingerprint of the weights it was exported from, its crop size and its
precision (ONNX ``metadata_props``); a backend given that file beside a
config and a checkpoint (``FaceLandmarker(runtime=dict(int8_onnx=...))``,
the demo's ``--int8-onnx``) checks all three, so that the model that runs is
the model the user named: another checkpoint's export, an fp32 file given as
the int8 model or another input size is refused before the first face. The
OpenVINO IR converted from a stamped file carries the stamp too (OpenVINO
keeps ONNX metadata as run-time info).
"""
import hashlib
import warnings
from typing import Optional, Tuple

import torch.nn as nn

#: metadata keys of the stamp
WEIGHTS_KEY, PRECISION_KEY, INPUT_SIZE_KEY = ('hih_weights_sha256',
                                              'hih_precision',
                                              'hih_input_size')
#: operators that only a quantised (int8) graph holds
QUANTISED_OPS = {'QuantizeLinear', 'DequantizeLinear', 'QLinearConv',
                 'ConvInteger', 'MatMulInteger', 'QLinearMatMul'}


def weights_fingerprint(model: nn.Module) -> str:
    """SHA-256 (hex, 16 digits) of a model's state dict: names, shapes and
    values of every parameter and buffer, in name order."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        tensor = tensor.detach().cpu().contiguous()
        digest.update(f'{name}:{tuple(tensor.shape)}:{tensor.dtype}'.encode())
        digest.update(tensor.numpy().tobytes())
    return digest.hexdigest()[:16]


def stamp_onnx(onnx_file: str, fingerprint: str, precision: str,
               input_size: Tuple[int, int]) -> None:
    """Write the stamp (weights, precision, crop size ``(w, h)``) into an
    ONNX file's metadata, in place."""
    import onnx
    model = onnx.load(onnx_file)
    values = {WEIGHTS_KEY: fingerprint, PRECISION_KEY: precision,
              INPUT_SIZE_KEY: f'{input_size[0]},{input_size[1]}'}
    kept = [p for p in model.metadata_props if p.key not in values]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    for key, value in values.items():
        model.metadata_props.add(key=key, value=value)
    onnx.save(model, onnx_file)


def _read_onnx(onnx_file: str) -> Tuple[dict, Optional[Tuple[int, int]],
                                         bool]:
    """(stamp, fixed crop size (w, h) or ``None``, quantised) of an ONNX
    file."""
    import onnx
    try:
        graph = onnx.load(onnx_file, load_external_data=False)
    except Exception as error:  # protobuf's DecodeError and others
        raise ValueError(f'{onnx_file} is not an ONNX model ({error}); '
                         'export one with tools/deployment/export_onnx.py') \
            from None
    stamp = {p.key: p.value for p in graph.metadata_props}
    dims = graph.graph.input[0].type.tensor_type.shape.dim
    size = None
    if len(dims) == 4 and dims[2].dim_value and dims[3].dim_value:
        size = (dims[3].dim_value, dims[2].dim_value)
    quantised = any(node.op_type in QUANTISED_OPS
                    for node in graph.graph.node)
    return stamp, size, quantised


def _read_openvino(xml_file: str) -> Tuple[dict, Optional[Tuple[int, int]],
                                           bool]:
    """The same of an OpenVINO IR (OpenVINO keeps the ONNX file's metadata
    in its ``framework`` run-time info)."""
    import openvino as ov
    try:
        model = ov.Core().read_model(xml_file)
    except Exception as error:
        raise ValueError(f'{xml_file} is not an OpenVINO IR ({error})') \
            from None
    stamp = {}
    for key in (WEIGHTS_KEY, PRECISION_KEY, INPUT_SIZE_KEY):
        if model.has_rt_info(['framework', key]):
            stamp[key] = model.get_rt_info(['framework', key]).astype(str)
    shape = model.inputs[0].partial_shape
    size = None
    if shape.rank.is_static and len(shape) == 4 and shape[2].is_static \
            and shape[3].is_static:
        size = (shape[3].get_length(), shape[2].get_length())
    quantised = any(op.get_type_name() == 'FakeQuantize'
                    for op in model.get_ops())
    return stamp, size, quantised


def check_exported_model(onnx_file: str, model: nn.Module, precision: str,
                         input_size: Tuple[int, int]) -> None:
    """Refuse an exported model (``.onnx``, or the OpenVINO ``.xml`` made
    from one) that is not ``model`` at ``precision`` and ``input_size``
    (w, h).

    Raises:
        ValueError: not a model file; its crop size, its precision (an fp32
            graph given as int8, or the reverse) or its weights' stamp differ
            from what the config and checkpoint make.

    A file without a stamp (exported before stamps, or by another tool) is
    checked for size and precision, and its weights with a warning that they
    cannot be verified.
    """
    reader = _read_openvino if onnx_file.endswith('.xml') else _read_onnx
    stamp, size, quantised = reader(onnx_file)
    expected = tuple(int(v) for v in input_size)
    if size is not None and size != expected:
        raise ValueError(
            f'{onnx_file} takes {size[0]} x {size[1]} crops; the config '
            f'makes {expected[0]} x {expected[1]}: it was exported from '
            'another config')
    if precision == 'int8' and not quantised:
        raise ValueError(
            f'{onnx_file} is not quantised (no QuantizeLinear / '
            'DequantizeLinear nodes): it is an fp32 model given as the int8 '
            'one; export one with tools/deployment/export_onnx.py --int8')
    if precision != 'int8' and quantised:
        raise ValueError(f'{onnx_file} is an int8 model; run it with '
                         "precision='int8'")
    fingerprint = weights_fingerprint(model)
    if WEIGHTS_KEY not in stamp:
        warnings.warn(
            f'{onnx_file} carries no weights stamp (exported before stamps '
            'or by another tool): whether it holds the checkpoint\'s '
            'weights cannot be checked; export it again with '
            'tools/deployment/export_onnx.py to have it checked')
    elif stamp[WEIGHTS_KEY] != fingerprint:
        raise ValueError(
            f'{onnx_file} was exported from other weights (stamp '
            f'{stamp[WEIGHTS_KEY]}) than the checkpoint given '
            f'({fingerprint}); export it from this checkpoint with '
            'tools/deployment/export_onnx.py')
