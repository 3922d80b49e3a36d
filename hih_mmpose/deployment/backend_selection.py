# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Which backend and precision run the face crops on this CPU.

The rules follow the measurements of docs/speed.md ("Backends and
precisions") and docs/light_hih.md: int8 is the fastest precision on CPUs
with int8 dot products (VNNI, AMX-INT8) and, through OpenVINO, on AVX2 CPUs
without them; bf16 the next on CPUs with native bfloat16 (AVX-512 BF16,
AMX); elsewhere fp32. OpenVINO runs int8 and bf16 fastest where they pay. A
precision of ``'fp32'`` asked for by name keeps PyTorch, the reference path
whose numbers the docs and tests quote (OpenVINO fp32 is 1.2x faster on
AVX-512 CPUs, slower on the AVX2-only one measured; ask for it by name).
"""
import importlib.util
from dataclasses import dataclass
from typing import Optional, Sequence, Set, Tuple

from ..utils.cpu_info import cpu_flags, cpu_has_bf16, cpu_has_int8

BACKENDS = ('torch', 'onnxruntime', 'openvino')
PRECISIONS = ('fp32', 'bf16', 'int8')
#: the precisions each backend runs (PyTorch's int8 is not built; ONNX
#: Runtime's CPU provider has no bf16 convolutions)
BACKEND_PRECISIONS = {
    'torch': ('fp32', 'bf16'),
    'onnxruntime': ('fp32', 'int8'),
    'openvino': ('fp32', 'bf16', 'int8'),
}


#: the backends whose int8 was measured faster than fp32 on a CPU with AVX2
#: but no int8 dot products (docs/light_hih.md, 2 cores of an AVX2-only AMD
#: EPYC: OpenVINO int8 1.7-4.1x PyTorch fp32 and faster than OpenVINO fp32
#: on every model, NME within 0.1 % of fp32; ONNX Runtime's int8 slower
#: than its own fp32 on LiteHRNet-18)
INT8_WITHOUT_DOT_PRODUCTS = ('openvino', )


def int8_backends(flags: Set[str],
                  backends: Sequence[str]) -> Tuple[str, ...]:
    """Which of ``backends`` run int8 faster than fp32 on a CPU with these
    flags: every int8 backend with int8 dot products (VNNI / AMX),
    :data:`INT8_WITHOUT_DOT_PRODUCTS` with AVX2 alone, none without AVX2."""
    runs = tuple(b for b in backends if 'int8' in BACKEND_PRECISIONS[b])
    if cpu_has_int8(flags):
        return runs
    if 'avx2' in flags:
        return tuple(b for b in runs if b in INT8_WITHOUT_DOT_PRODUCTS)
    return ()


def backend_order(precision: str, flags: Set[str]) -> Tuple[str, ...]:
    """The backends from fastest to slowest for ``precision`` on a CPU with
    these flags: OpenVINO first, except fp32 on an AVX2 CPU without AVX-512,
    where ONNX Runtime's fp32 was the fastest fp32 for every model measured
    and OpenVINO's the slowest on the light HIH (docs/light_hih.md)."""
    if precision == 'fp32' and 'avx2' in flags and 'avx512f' not in flags:
        return ('onnxruntime', 'torch', 'openvino')
    return ('openvino', 'onnxruntime', 'torch')


@dataclass
class BackendChoice:
    """A resolved backend and precision and why they were picked; with
    :func:`resolve_runtime`, also whether the flip test runs."""
    backend: str
    precision: str
    reason: str
    flip_test: bool = False


def check_backend_precision(backend: str, precision: str,
                            auto: bool = True) -> None:
    """Raise ``ValueError`` for an unknown backend or precision, or a
    precision the backend does not run (``'auto'`` allowed for either with
    ``auto``). The one check of these names: :func:`choose_backend`,
    :func:`resolve_runtime` and ``CropPredictor`` all call it."""
    extra = ('auto', ) if auto else ()
    names = "'auto' or one of " if auto else 'one of '
    if backend not in extra + BACKENDS:
        raise ValueError(f'backend must be {names}{BACKENDS}, got '
                         f'{backend!r}')
    if precision not in extra + PRECISIONS:
        raise ValueError(f'precision must be {names}{PRECISIONS}, got '
                         f'{precision!r}')
    if backend != 'auto' and precision != 'auto' and (
            precision not in BACKEND_PRECISIONS[backend]):
        raise ValueError(f'backend {backend!r} runs '
                         f'{"/".join(BACKEND_PRECISIONS[backend])}, not '
                         f'{precision}')


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
    check_backend_precision(backend, precision)
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
        backends = (backend, ) if backend != 'auto' else installed
        runs = tuple(p for name in backends
                     for p in BACKEND_PRECISIONS[name])
        fast_int8 = int8_backends(flags, backends)
        if fast_int8 and int8_ready:
            precision = 'int8'
            reasons.append(
                'int8: the CPU has int8 dot products (VNNI/AMX)'
                if cpu_has_int8(flags) else
                'int8: OpenVINO int8 is the fastest path on AVX2 CPUs '
                'without VNNI (measured)')
        elif 'bf16' in runs and cpu_has_bf16(flags):
            precision = 'bf16'
            reasons.append('bf16: the CPU has native bfloat16' + (
                '' if int8_ready or not fast_int8 else
                ' (int8 would be faster but has no quantised model and no '
                'training faces to calibrate one)'))
        else:
            precision = 'fp32'
            reasons.append(
                'fp32: no int8 or bf16 kernels faster than fp32 on this CPU'
                + ('' if backend == 'auto' else f' in {backend}')
                if not (fast_int8 or cpu_has_bf16(flags)) else
                'fp32: no faster precision available')
    if backend == 'auto':
        candidates = [
            name for name in backend_order(precision, flags)
            if name in installed and precision in BACKEND_PRECISIONS[name]
        ]
        if not candidates:
            raise ValueError(f'no installed backend runs {precision} '
                             f'(installed: {", ".join(installed)}); pip '
                             'install openvino or onnxruntime')
        backend = candidates[0]
        reasons.append(f'{backend}: the fastest installed backend for '
                       f'{precision}')
    else:
        check_backend_precision(backend, precision)
    return BackendChoice(backend, precision,
                         '; '.join(reasons) or 'as asked')


def resolve_runtime(backend: str = 'auto',
                    precision: str = 'fp32',
                    flip_test: Optional[bool] = None,
                    device: str = 'cpu',
                    config_flip_test: bool = False,
                    int8_ready: bool = True,
                    flags: Optional[Set[str]] = None,
                    installed: Optional[Sequence[str]] = None
                    ) -> BackendChoice:
    """Backend x precision x flip test of a landmark run, resolved once.

    The flip test and a GPU run on mmpose's PyTorch fp32 path only:
    ``flip_test=True`` or a device other than the CPU with another backend
    or precision is an error; ``flip_test=None`` follows the config
    (``config_flip_test``) where the run is PyTorch fp32 and is off
    elsewhere. ``'auto'`` names are resolved by :func:`choose_backend`.

    Args:
        backend (str): ``'auto'`` or one of :data:`BACKENDS`.
        precision (str): ``'auto'`` or one of :data:`PRECISIONS`.
        flip_test (bool, optional): ``None``: as the config says (above).
        device (str): ``'cpu'``, ``'cuda:0'``, ...
        config_flip_test (bool): The model config's ``test_cfg.flip_test``.
        int8_ready (bool): See :func:`choose_backend`.
        flags, installed: See :func:`choose_backend`.

    Returns:
        BackendChoice: backend, precision, reason and ``flip_test``.
    """
    check_backend_precision(backend, precision)
    if flip_test and precision not in ('fp32', 'auto'):
        raise ValueError(f'precision={precision!r} runs without flip test; '
                         'use fp32 for flip_test=True')
    if device != 'cpu' and precision not in ('fp32', 'auto'):
        raise ValueError(f'precision={precision!r} runs on the CPU only, got '
                         f'device={device!r}')
    needs_torch = None
    if device != 'cpu':
        needs_torch = f'device={device!r}'
    elif flip_test:
        needs_torch = 'flip test'
    elif (flip_test is None and backend in ('auto', 'torch')
          and precision == 'fp32' and config_flip_test):
        needs_torch = "the config's flip test"
    choice = choose_backend(backend, precision, flags=flags,
                            installed=installed, int8_ready=int8_ready,
                            needs_torch=needs_torch)
    choice.flip_test = (choice.backend == 'torch'
                        and choice.precision == 'fp32' and (
                            bool(flip_test) if flip_test is not None else
                            config_flip_test))
    return choice
