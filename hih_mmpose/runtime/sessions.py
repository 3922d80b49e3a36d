# Copyright (c) hih_mmpose contributors. All rights reserved.
"""An exported model and the sessions that run it.

``tools/deployment/export_onnx.py`` writes the model (``.onnx``, or an
OpenVINO ``.xml`` + ``.bin``) with the HIH decoder inside the graph and,
beside it, ``<model>.json``: what the runtime needs to cut crops and read
the outputs (:class:`ModelInfo`). A session is any callable ``session(crops)
-> (keypoints, scores[, visible])`` with an ``info`` attribute: crops are
BGR float32 (N, 3, h, w) with values 0-255, keypoints (N, K, 2) come back
in crop pixels, scores (N, K) in [0, 1] and, for a model with a visibility
head, visibility probabilities (N, K).
"""
import json
import os.path as osp
import threading
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..utils.cpu_info import cpu_has_bf16

#: what each backend runs: precision -> the model files it takes
BACKEND_PRECISIONS = dict(onnxruntime=('fp32', 'int8'),
                          openvino=('fp32', 'bf16', 'int8'))
#: version of the metadata file's layout
METADATA_VERSION = 1


@dataclass
class ModelInfo:
    """The metadata of an exported model (``<model>.json``).

    Attributes:
        input_size (tuple): Crop size (w, h).
        num_keypoints (int): Landmarks K.
        bbox_padding (float): Box enlargement before cropping (mmpose's
            ``GetBBoxCenterScale`` padding).
        flip_indices (list): The mirror image's landmark of each landmark
            (flip test).
        flip_test (bool): Whether the model's config tests with flip.
        keypoint_names (list): Name of each landmark.
        schemes (dict): Scheme name -> indices (K', ) into the landmarks,
            for ``keypoint_scheme``.
        eyes (list, optional): Index lists of the image-left and
            image-right eye (crop rotation of tracked faces).
        precision (str): ``'fp32'`` or ``'int8'``.
        outputs (list): The graph's outputs (``keypoints``, ``scores``,
            ``visible``).
        weights_sha256 (str): Fingerprint of the weights it was exported
            from.
        config (str): The config it was exported from.
    """
    input_size: Tuple[int, int]
    num_keypoints: int
    bbox_padding: float = 1.25
    flip_indices: List[int] = field(default_factory=list)
    flip_test: bool = False
    keypoint_names: List[str] = field(default_factory=list)
    schemes: Dict[str, List[int]] = field(default_factory=dict)
    eyes: Optional[List[List[int]]] = None
    precision: str = 'fp32'
    outputs: List[str] = field(default_factory=lambda: ['keypoints',
                                                        'scores'])
    weights_sha256: str = ''
    config: str = ''

    def to_dict(self) -> dict:
        return dict(asdict(self), version=METADATA_VERSION)


def metadata_file(model_file: str) -> str:
    """``model.onnx`` / ``model.xml`` -> ``model.json``."""
    return osp.splitext(model_file)[0] + '.json'


def read_model_info(model_file: str) -> ModelInfo:
    """The :class:`ModelInfo` written beside ``model_file``.

    Raises:
        FileNotFoundError: no model or no metadata file.
        ValueError: a metadata file that is not ours or of another version.
    """
    if not osp.isfile(model_file):
        raise FileNotFoundError(f'model {model_file} not found')
    path = metadata_file(model_file)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} not found: the runtime reads the model\'s metadata '
            'from the .json that tools/deployment/export_onnx.py writes '
            'beside the model')
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
        if data.pop('version', None) != METADATA_VERSION:
            raise ValueError(f'metadata version is not {METADATA_VERSION}')
        info = ModelInfo(**data)
    except (ValueError, TypeError) as error:
        raise ValueError(f'{path} is not the metadata of an exported HIH '
                         f'model: {error}') from None
    width, height = (int(v) for v in info.input_size)
    if width < 8 or height < 8 or info.num_keypoints < 1 or \
            info.precision not in ('fp32', 'int8'):
        raise ValueError(f'{path}: implausible metadata {data}')
    info.input_size = (width, height)
    return info


def installed_backends() -> List[str]:
    """The backends whose package imports here, in the order 'auto' tries
    them."""
    import importlib.util
    return [name for name in ('openvino', 'onnxruntime')
            if importlib.util.find_spec(name) is not None]


def run_candidates(info: ModelInfo, backend: str = 'auto',
                   precision: Optional[str] = None) -> List[Tuple[str, str]]:
    """The (backend, precision) pairs a model file may run as, in the order
    to try them.

    ``backend='auto'``: every installed backend (OpenVINO first).
    ``precision=None``: the file's (fp32 or int8); ``'auto'``: the file's
    and, for an fp32 file on a CPU with native bfloat16, OpenVINO's bf16.
    More than one pair is measured (:mod:`.measured_choice`). An explicit
    choice is never overridden; one that cannot run is an error.
    """
    installed = installed_backends()
    if backend == 'auto':
        if not installed:
            raise ImportError('no backend installed: pip install '
                              'onnxruntime (or openvino)')
        backends = installed
    elif backend in BACKEND_PRECISIONS:
        backends = [backend]
    else:
        raise ValueError(f'backend must be one of '
                         f"{sorted(BACKEND_PRECISIONS)} or 'auto', got "
                         f'{backend!r}')
    if precision is not None and precision != 'auto':
        runs = [b for b in backends if precision in BACKEND_PRECISIONS[b]]
        if not runs:
            raise ValueError(f'{backend} runs {BACKEND_PRECISIONS[backend]}, '
                             f'not {precision!r}')
        if (precision == 'int8') != (info.precision == 'int8'):
            raise ValueError(
                f'precision {precision!r} needs '
                f'{"an int8" if precision == "int8" else "an fp32"} model; '
                f'this one is {info.precision} (export_onnx.py --int8 '
                'writes int8)')
        return [(b, precision) for b in runs]
    pairs = [(b, info.precision) for b in backends]
    if precision == 'auto' and info.precision == 'fp32' and cpu_has_bf16() \
            and 'openvino' in backends:
        pairs.insert(0, ('openvino', 'bf16'))
    return pairs


class OnnxRuntimeSession:
    """An exported model on ONNX Runtime's CPU provider (fp32 or int8, as
    the file is).

    Args:
        model_file (str): The ``.onnx`` file.
        threads (int, optional): Intra-op threads (default: ONNX Runtime's,
            the physical cores).
    """

    def __init__(self, model_file: str,
                 threads: Optional[int] = None) -> None:
        import onnxruntime as ort
        self.info = read_model_info(model_file)
        if model_file.endswith('.xml'):
            raise ValueError(f'{model_file} is an OpenVINO IR: run it with '
                             "backend='openvino'")
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = int(threads)
        # no busy-waiting threads between calls (they slow the detector)
        options.add_session_config_entry('session.intra_op.allow_spinning',
                                         '0')
        self.session = ort.InferenceSession(
            model_file, options, providers=['CPUExecutionProvider'])
        names = [output.name for output in self.session.get_outputs()]
        self.order = [names.index(name) for name in self.info.outputs]
        self.description = f'onnxruntime {self.info.precision}'

    def __call__(self, crops: np.ndarray) -> Tuple[np.ndarray, ...]:
        outputs = self.session.run(
            None, dict(crops=np.ascontiguousarray(crops, np.float32)))
        return tuple(outputs[i] for i in self.order)


class OpenVINOSession:
    """An exported model (``.onnx`` or ``.xml``) compiled by OpenVINO for
    the CPU, in fp32, bf16 (OpenVINO's bf16 inference precision) or int8
    (a quantised file). Safe to call from several threads (an infer
    request per thread).

    The model is compiled for one crop (batch dimension 1) and a batch runs
    crop by crop: 12 % faster than a dynamic batch at batch 1, within 5 %
    per crop at batch 8 (docs/deployment.md).

    Args:
        model_file (str): The model.
        precision (str): ``'fp32'``, ``'bf16'`` or ``'int8'``.
        threads (int, optional): CPU threads (default: OpenVINO's).
    """

    def __init__(self, model_file: str, precision: str = 'fp32',
                 threads: Optional[int] = None) -> None:
        import openvino as ov
        self.info = read_model_info(model_file)
        run_candidates(self.info, 'openvino', precision)
        config = {'INFERENCE_PRECISION_HINT': dict(
            fp32='f32', bf16='bf16', int8='f32')[precision],
            'PERFORMANCE_HINT': 'LATENCY'}
        if threads:
            config['INFERENCE_NUM_THREADS'] = int(threads)
        core = ov.Core()
        model = core.read_model(model_file)
        width, height = self.info.input_size
        model.reshape({model.inputs[0]: [1, 3, height, width]})
        self.model = core.compile_model(model, 'CPU', config)
        self._requests = threading.local()
        names = [output.get_any_name() for output in self.model.outputs]
        self.order = [names.index(name) for name in self.info.outputs]
        self.description = f'openvino {precision}'

    def __call__(self, crops: np.ndarray) -> Tuple[np.ndarray, ...]:
        request = getattr(self._requests, 'request', None)
        if request is None:
            request = self._requests.request = (
                self.model.create_infer_request())
        crops = np.ascontiguousarray(crops, np.float32)
        outputs = [self.model.outputs[i] for i in self.order]
        parts = [[] for _ in outputs]
        for index in range(len(crops)):
            results = request.infer(dict(crops=crops[index:index + 1]))
            for part, output in zip(parts, outputs):
                part.append(np.array(results[output]))  # (a copy)
        return tuple(
            np.concatenate(part) if part else np.zeros(
                (0, ) + tuple(output.get_shape())[1:], np.float32)
            for part, output in zip(parts, outputs))


def open_exact_session(model_file: str, backend: str, precision: str,
                       threads: Optional[int] = None):
    """The session of one backend and precision."""
    if backend == 'onnxruntime':
        return OnnxRuntimeSession(model_file, threads)
    return OpenVINOSession(model_file, precision, threads)
