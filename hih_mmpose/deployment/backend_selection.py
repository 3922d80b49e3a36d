# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Which backend and precision run the face crops on this CPU.

The rules follow the measurements of docs/speed.md ("Backends and
precisions"): OpenVINO runs every precision faster than PyTorch's fp32 fast
path, int8 is the fastest precision on CPUs with int8 dot products (VNNI,
AMX-INT8), bf16 the next on CPUs with native bfloat16 (AVX-512 BF16, AMX);
elsewhere fp32. A precision of ``'fp32'`` asked for by name keeps PyTorch,
the reference path whose numbers the docs and tests quote (OpenVINO fp32 is
1.2x faster; ask for it by name).
"""
import importlib.util
from dataclasses import dataclass
from typing import Optional, Sequence, Set, Tuple

from ..utils.cpu_info import cpu_flags, cpu_has_bf16, cpu_has_int8

BACKENDS = ('torch', 'onnxruntime', 'openvino')
#: the precisions each backend runs (PyTorch's int8 is not built; ONNX
#: Runtime's CPU provider has no bf16 convolutions)
BACKEND_PRECISIONS = {
    'torch': ('fp32', 'bf16'),
    'onnxruntime': ('fp32', 'int8'),
    'openvino': ('fp32', 'bf16', 'int8'),
}


@dataclass
class BackendChoice:
    """A resolved backend and precision and why they were picked."""
    backend: str
    precision: str
    reason: str


def installed_backends() -> Tuple[str, ...]:
    """The backends whose Python package is importable (PyTorch always)."""
    return ('torch', ) + tuple(
        name for name in ('onnxruntime', 'openvino')
        if importlib.util.find_spec(name) is not None)


def choose_backend(backend: str = 'auto',
                   precision: str = 'auto',
                   flags: Optional[Set[str]] = None,
                   installed: Optional[Sequence[str]] = None,
                   int8_ready: bool = True,
                   needs_torch: Optional[str] = None) -> BackendChoice:
    """Resolve ``'auto'`` backend / precision for this CPU.

    Args:
        backend (str): ``'auto'`` or one of :data:`BACKENDS`.
        precision (str): ``'auto'``, ``'fp32'``, ``'bf16'`` or ``'int8'``.
        flags (set, optional): CPU flags (default: this CPU's).
        installed (Sequence[str], optional): Importable backends (default:
            :func:`installed_backends`).
        int8_ready (bool): Whether an int8 model can be had (a quantised
            file was given, or the config's training faces are there to
            calibrate one). Defaults to ``True``.
        needs_torch (str, optional): Why the run needs mmpose's PyTorch
            path (flip test, a visibility head, a GPU); it then runs
            ``torch`` in fp32.

    Returns:
        BackendChoice: backend, precision and a one-line reason.

    Raises:
        ValueError: An unknown name, a precision the backend does not run,
            or a backend that is not installed.
    """
    if backend not in ('auto', ) + BACKENDS:
        raise ValueError(f"backend must be 'auto' or one of {BACKENDS}, "
                         f'got {backend!r}')
    if precision not in ('auto', 'fp32', 'bf16', 'int8'):
        raise ValueError("precision must be 'auto', 'fp32', 'bf16' or "
                         f"'int8', got {precision!r}")
    flags = cpu_flags() if flags is None else set(flags)
    installed = installed_backends() if installed is None else tuple(
        installed)
    if backend not in ('auto', ) + tuple(installed):
        raise ValueError(f'backend {backend!r} is not installed (pip install '
                         f'{backend}, or run tools/setup_env.sh)')
    if needs_torch:
        if backend not in ('auto', 'torch') or precision not in ('auto',
                                                                 'fp32'):
            raise ValueError(f'{needs_torch} runs on PyTorch in fp32; got '
                             f'backend={backend!r}, precision={precision!r}')
        return BackendChoice('torch', 'fp32', needs_torch)
    reasons = []
    if backend == 'auto' and precision == 'fp32':
        return BackendChoice('torch', 'fp32',
                             'fp32 runs PyTorch, the reference path')
    if precision == 'auto':
        runs = (BACKEND_PRECISIONS[backend] if backend != 'auto' else tuple(
            p for name in installed for p in BACKEND_PRECISIONS[name]))
        if 'int8' in runs and cpu_has_int8(flags) and int8_ready:
            precision = 'int8'
            reasons.append('int8: the CPU has int8 dot products (VNNI/AMX)')
        elif 'bf16' in runs and cpu_has_bf16(flags):
            precision = 'bf16'
            reasons.append('bf16: the CPU has native bfloat16' + (
                '' if int8_ready or not cpu_has_int8(flags) else
                ' (int8 would be faster but has no quantised model and no '
                'training faces to calibrate one)'))
        else:
            precision = 'fp32'
            reasons.append('fp32: the CPU has neither int8 dot products nor '
                           'native bfloat16' if not (
                               cpu_has_int8(flags) or cpu_has_bf16(flags))
                           else 'fp32: no faster precision available')
    if backend == 'auto':
        candidates = [
            name for name in ('openvino', 'onnxruntime', 'torch')
            if name in installed and precision in BACKEND_PRECISIONS[name]
        ]
        if not candidates:
            raise ValueError(f'no installed backend runs {precision} '
                             f'(installed: {", ".join(installed)}); pip '
                             'install openvino or onnxruntime')
        backend = candidates[0]
        reasons.append(f'{backend}: the fastest installed backend for '
                       f'{precision}')
    elif precision not in BACKEND_PRECISIONS[backend]:
        raise ValueError(f'backend {backend!r} runs '
                         f'{"/".join(BACKEND_PRECISIONS[backend])}, not '
                         f'{precision}')
    return BackendChoice(backend, precision,
                         '; '.join(reasons) or 'as asked')
