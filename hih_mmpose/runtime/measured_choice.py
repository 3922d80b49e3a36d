# Copyright (c) hih_mmpose contributors. All rights reserved.
"""'auto' that measures: the fastest way this machine runs a model whose
keypoints agree with float32.

Where ``backend='auto'`` or ``precision='auto'`` leaves more than one way
to run a model (:func:`~.sessions.run_candidates`: OpenVINO and ONNX
Runtime, float32 and, on CPUs with native bfloat16, OpenVINO's bf16), the
first crops the model sees decide: every candidate runs them, each is timed
on one crop (median of :data:`REPEATS` after a warm-up), and the fastest
whose keypoints agree with the float32 reference within :data:`TOLERANCE`
is kept. The choice and the timings behind it are logged (logger
``hih_mmpose.runtime``) and cached per model (weights fingerprint), CPU and
backend versions in ``~/.cache/hih_mmpose/runtime_choices.json``
(``HIH_MMPOSE_CACHE`` moves the folder, ``HIH_MMPOSE_CHOICES`` names the
file), so later sessions open the choice
directly. An explicit backend and precision are never measured nor
overridden. :func:`open_session` opens a model's session this way.
"""
import json
import logging
import os
import os.path as osp
import statistics
import tempfile
import threading
import time
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..utils.cpu_info import describe_cpu
from .sessions import open_exact_session, read_model_info, run_candidates

#: timed runs per candidate (after one warm-up)
REPEATS = 5
#: agreement with float32 on the first crops: the mean keypoint distance
#: at most this fraction of the crop's width (0.51 px at 256 px, 0.26 px at
#: 128). bf16 moves a keypoint of the quick-start model by 0.025 px in the
#: median (docs/deployment.md); a near-tie of two heatmap cells can move
#: one keypoint by a cell, so the largest distance is reported, not tested.
TOLERANCE = 0.002

logger = logging.getLogger('hih_mmpose.runtime')


def cache_file() -> str:
    """Where measured choices are kept."""
    if os.environ.get('HIH_MMPOSE_CHOICES'):
        return os.environ['HIH_MMPOSE_CHOICES']
    root = os.environ.get('HIH_MMPOSE_CACHE') or osp.join(
        osp.expanduser('~'), '.cache', 'hih_mmpose')
    return osp.join(root, 'runtime_choices.json')


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version
    found = []
    for name in ('openvino', 'onnxruntime'):
        try:
            found.append(f'{name} {version(name)}')
        except PackageNotFoundError:
            pass
    return ', '.join(found)


def choice_key(model_file: str, fingerprint: str, threads: Optional[int],
               candidates: List[Tuple[str, str]]) -> str:
    """The cache key: model, CPU, threads, backend versions, candidates."""
    if not fingerprint:
        stat = os.stat(model_file)
        fingerprint = f'{osp.abspath(model_file)} {stat.st_size} ' \
            f'{stat.st_mtime_ns}'
    return ' | '.join([
        fingerprint, describe_cpu(), f'threads {threads or "default"}',
        _versions(), ', '.join(' '.join(c) for c in candidates)
    ])


def read_choices() -> Dict[str, dict]:
    """The cached choices (an unreadable cache counts as empty)."""
    try:
        with open(cache_file(), encoding='utf-8') as f:
            choices = json.load(f)
        return choices if isinstance(choices, dict) else {}
    except (OSError, ValueError):
        return {}


def write_choice(key: str, entry: dict) -> None:
    """Add one choice to the cache (written whole to a temporary file,
    then moved over it; a cache that cannot be written is skipped with a
    log line)."""
    path = cache_file()
    try:
        os.makedirs(osp.dirname(path), exist_ok=True)
        choices = read_choices()
        choices[key] = entry
        handle, temporary = tempfile.mkstemp(dir=osp.dirname(path),
                                             suffix='.json')
        with os.fdopen(handle, 'w', encoding='utf-8') as f:
            json.dump(choices, f, indent=1)
        os.replace(temporary, path)
    except OSError as error:
        logger.warning('could not cache the measured choice in %s: %s', path,
                       error)


def keypoint_distance(reference: np.ndarray,
                      other: np.ndarray) -> Tuple[float, float]:
    """Mean and largest distance (pixels) between two keypoint arrays
    (N, K, 2)."""
    distance = np.linalg.norm(np.asarray(other, np.float64) -
                              np.asarray(reference, np.float64), axis=-1)
    return float(distance.mean()), float(distance.max())


def measure(sessions: Dict[Tuple[str, str], object], crops: np.ndarray,
            width: int, repeats: int = REPEATS) -> Tuple[Tuple[str, str],
                                                          dict]:
    """Time every session on one crop and check its keypoints against the
    float32 reference on up to 8 crops.

    Args:
        sessions (dict): (backend, precision) -> session, in the order to
            try; the first float32 one is the reference.
        crops (np.ndarray): Crops (N, 3, h, w) BGR 0-255.
        width (int): The crop width (the tolerance's unit).
        repeats (int): Timed runs per session.

    Returns:
        tuple: The chosen (backend, precision) and, per candidate
        ``'<backend> <precision>'``, its ``ms`` and, where checked,
        ``mean_px`` / ``max_px`` and ``agrees``.
    """
    one, probe = crops[:1], crops[:8]
    outputs, report = {}, {}
    for key, session in sessions.items():
        outputs[key] = session(probe)[0]
        session(one)  # warm-up at the timed size
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            session(one)
            times.append(time.perf_counter() - start)
        report[key] = dict(ms=1e3 * statistics.median(times))
    reference = next((k for k in sessions if k[1] == 'fp32'), None)
    for key in sessions:
        if reference is None or key[1] in ('fp32', 'int8'):
            report[key]['agrees'] = True
            continue
        mean, largest = keypoint_distance(outputs[reference], outputs[key])
        report[key].update(
            mean_px=mean, max_px=largest,
            agrees=bool(mean <= TOLERANCE * width))
    agreeing = [k for k in sessions if report[k]['agrees']]
    chosen = min(agreeing, key=lambda k: report[k]['ms'])
    return chosen, {' '.join(k): v for k, v in report.items()}


class MeasuredSession:
    """A session that chooses its backend and precision by measuring on the
    first crops it runs (or opens the cached choice).

    Args:
        model_file (str): The exported model.
        candidates (list): (backend, precision) pairs in the order to try
            (:func:`~.sessions.run_candidates`).
        threads (int, optional): CPU threads of each session.
    """

    def __init__(self, model_file: str, candidates: List[Tuple[str, str]],
                 threads: Optional[int] = None) -> None:
        self._open = lambda backend, precision: open_exact_session(
            model_file, backend, precision, threads)
        self.info = read_model_info(model_file)
        self.candidates = list(candidates)
        self.key = choice_key(model_file, self.info.weights_sha256, threads,
                              self.candidates)
        self._lock = threading.Lock()
        self.session = None
        self.report: Optional[dict] = None
        cached = read_choices().get(self.key)
        if isinstance(cached, dict) and isinstance(cached.get('chosen'), list)\
                and tuple(cached['chosen']) in self.candidates:
            self.choice = tuple(cached['chosen'])
            self.report = cached.get('report')
            self.session = self._open(*self.choice)

    @property
    def description(self) -> str:
        if self.session is None:
            return 'auto (measured on the first crops)'
        return f'{self.session.description} (auto, measured)'

    def _choose(self, crops: np.ndarray) -> None:
        sessions = {c: self._open(*c) for c in self.candidates}
        self.choice, self.report = measure(sessions, crops,
                                           int(self.info.input_size[0]))
        logger.info(
            'auto: %s for this model on %s; ms per crop: %s', ' '.join(
                self.choice), describe_cpu(), ', '.join(
                    f'{k} {v["ms"]:.1f}' + ('' if v['agrees'] else
                                            ' (disagrees with fp32)')
                    for k, v in self.report.items()))
        write_choice(self.key, dict(chosen=list(self.choice),
                                    report=self.report))
        self.session = sessions[self.choice]

    def __call__(self, crops: np.ndarray) -> Tuple[np.ndarray, ...]:
        if self.session is None:
            with self._lock:
                if self.session is None:
                    self._choose(np.asarray(crops, np.float32))
        return self.session(crops)


def open_session(model_file: str, backend: str = 'auto',
                 precision: Optional[str] = None,
                 threads: Optional[int] = None):
    """The session of an exported model: the one way
    :func:`~.sessions.run_candidates` leaves, or, where it leaves several,
    a :class:`MeasuredSession` that measures them."""
    candidates = run_candidates(read_model_info(model_file), backend,
                                precision)
    if len(candidates) == 1:
        return open_exact_session(model_file, *candidates[0], threads)
    return MeasuredSession(model_file, candidates, threads)
