# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Loading checkpoints without running code.

A ``.pth`` file is a pickle, and unpickling can call any Python function
the file names: a downloaded checkpoint can run code on load. torch >= 2.6
loads with ``weights_only=True`` by default, whose restricted unpickler
accepts tensors and plain data only. What mmengine's Runner and mmpose
save beside the weights needs a few more types (numpy arrays in
``meta['dataset_meta']``, mmengine's ``HistoryBuffer`` in the message hub),
so hih_mmpose loads every checkpoint with ``weights_only=True`` plus the
short allow-list :data:`SAFE_GLOBALS`, and refuses anything else with a
:class:`CheckpointError` that names the offending types.

Nothing here changes torch or mmengine globally: importing ``hih_mmpose``
leaves ``torch.load``, torch's allow-list and mmengine's checkpoint loaders
as they are. The allow-list is active only inside
:func:`checkpoint_loading`, which the tools, ``FaceLandmarker`` and
:func:`load_checkpoint_file` use, and which a user can put around
mmengine / mmpose calls (``Runner.train``, ``init_model``,
``MMPoseInferencer``) of their own.

To load a file you trust that holds other objects, opt in explicitly:
``trust=True`` here, ``--trust-checkpoint`` in the tools. That unpickles
fully and can run code.
"""
import contextlib
import inspect
import os.path as osp
import pickle
import threading
import zipfile
from typing import Iterator, List, Optional, Union

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer

from .plain_checkpoint import PLAIN_TYPES_KEY, from_plain, to_plain


class CheckpointError(RuntimeError):
    """A checkpoint file that cannot be used: unreadable, not a checkpoint,
    holding objects the safe loader refuses, or made for another model."""


def _numpy_globals() -> list:
    """What numpy arrays and scalars pickle as (numpy 1.x and 2.x)."""
    try:  # numpy >= 2
        from numpy._core import multiarray
    except ImportError:
        from numpy.core import multiarray
    dtype_classes = [
        type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDGSUVOMm'
    ]
    return [multiarray._reconstruct, multiarray.scalar, np.ndarray,
            np.dtype] + dtype_classes


def _history_buffer_method(owner: object, name: str) -> object:
    """What ``builtins.getattr`` resolves to in a checkpoint: only the
    statistics methods of mmengine's ``HistoryBuffer`` (its pickled state
    names them as ``getattr(HistoryBuffer, 'mean')``), nothing else."""
    method = getattr(HistoryBuffer, name, None) if isinstance(
        name, str) and owner is HistoryBuffer else None
    if not inspect.isfunction(method) or name.startswith('_'):
        raise pickle.UnpicklingError(
            f'getattr({owner!r}, {name!r}) in a checkpoint: only the '
            'statistics methods of HistoryBuffer are allowed')
    return method


def _plain_bytes(*args: object) -> bytes:
    """What ``builtins.bytes`` resolves to in a checkpoint (numpy pickles
    an empty array's data as ``bytes()``): empty or a copy of bytes."""
    if not args:
        return b''
    if len(args) == 1 and isinstance(args[0], (bytes, bytearray)):
        return bytes(args[0])
    raise pickle.UnpicklingError(
        f'bytes{args!r} in a checkpoint: only bytes() of bytes is allowed')


#: Types and functions a checkpoint may name besides torch's own
#: ``weights_only`` defaults: numpy arrays / scalars / dtypes (mmpose's
#: ``dataset_meta``, the published checkpoint's metrics), mmengine's
#: ``HistoryBuffer`` (the Runner's message hub), whose state is numpy arrays
#: and ``getattr(HistoryBuffer, 'min' | 'max' | 'mean' | 'current')``, and
#: the ``bytes()`` of an empty numpy array. ``builtins.getattr`` and
#: ``builtins.bytes`` resolve to restricted stand-ins that allow exactly
#: that. None of them runs code when unpickled.
SAFE_GLOBALS: List[object] = _numpy_globals() + [
    HistoryBuffer, (_history_buffer_method, 'builtins.getattr'),
    (_plain_bytes, 'builtins.bytes')
]

_SAFE_NAMES = {
    item[1] if isinstance(item, tuple) else
    f'{item.__module__}.{item.__qualname__}'
    for item in SAFE_GLOBALS
}
_TRUST_HINT = ('if you trust the file, load it with '
               'load_checkpoint_file(path, trust=True) (tools: '
               '--trust-checkpoint), which unpickles fully and can run code')


_LOADING_LOCK = threading.RLock()


@contextlib.contextmanager
def checkpoint_loading(trusted_file: Optional[str] = None) -> Iterator[None]:
    """Within this context ``torch.load`` calls that do not pass
    ``weights_only`` (mmengine's loaders, mmpose's ``init_model``) accept
    :data:`SAFE_GLOBALS` besides torch's defaults; with ``trusted_file``
    also every global that file names (imported here: trusted files only,
    they can run code). Nothing else changes: torch's environment
    variables are never set.

    Example::

        with checkpoint_loading():
            inferencer = MMPoseInferencer(pose2d=config,
                                          pose2d_weights=checkpoint)
    """
    allowed = list(SAFE_GLOBALS)
    if trusted_file is not None:
        allowed += _import_globals(unsafe_globals(trusted_file))
    # torch's allow-list is process-wide: one context at a time, restored
    # on exit, so that threads never see another's list
    with _LOADING_LOCK, torch.serialization.safe_globals(allowed):
        yield


def _import_globals(names: List[str]) -> list:
    """The objects that dotted ``module.name`` strings name (those that
    cannot be imported are left out: the loader then refuses them)."""
    import importlib
    objects = []
    for name in names:
        parts = name.split('.')
        for split in range(len(parts) - 1, 0, -1):
            try:
                value = importlib.import_module('.'.join(parts[:split]))
                for attribute in parts[split:]:
                    value = getattr(value, attribute)
            except (ImportError, AttributeError):
                continue
            objects.append(value)
            break
    return objects


class _Stub:
    """What every global of a scanned legacy pickle resolves to: calling it,
    building it, filling it as a dict or a list does nothing."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __call__(self, *args: object, **kwargs: object) -> '_Stub':
        return _Stub()

    def __setstate__(self, state: object) -> None:
        pass

    def __setitem__(self, key: object, value: object) -> None:
        pass

    def append(self, item: object) -> None:
        pass

    def extend(self, items: object) -> None:
        pass


class _GlobalRecorder(pickle.Unpickler):
    """Reads a pickle with every global replaced by :class:`_Stub`, so that
    nothing it names runs, and records the globals' names."""

    def __init__(self, file) -> None:
        super().__init__(file)
        self.names = set()

    def find_class(self, module: str, name: str) -> type:
        self.names.add(f'{module}.{name}')
        return _Stub

    def persistent_load(self, pid: object) -> None:
        return None


def _legacy_globals(filename: str) -> List[str]:
    """The globals a legacy (pre-zip) torch file names: its magic number,
    protocol, system info and object pickles read by :class:`_GlobalRecorder`
    (whatever torch's environment variables say, nothing runs)."""
    with open(filename, 'rb') as f:
        recorder = _GlobalRecorder(f)
        for _ in range(4):  # magic, protocol, sys info, the checkpoint
            recorder.load()
    return sorted(recorder.names)


def unsafe_globals(filename: str) -> List[str]:
    """The globals a checkpoint file names that neither torch's
    ``weights_only`` defaults nor :data:`SAFE_GLOBALS` allow, read without
    unpickling anything (zip files by torch's scan, legacy files by
    :func:`_legacy_globals`).

    Raises:
        CheckpointError: If the file is not a torch checkpoint.
    """
    try:
        if zipfile.is_zipfile(filename):
            names = torch.serialization.get_unsafe_globals_in_checkpoint(
                filename)
        else:
            from torch._weights_only_unpickler import _get_allowed_globals
            allowed = set(_get_allowed_globals())
            names = [name for name in _legacy_globals(filename)
                     if name not in allowed]
    except (RuntimeError, ValueError, EOFError, pickle.UnpicklingError,
            zipfile.BadZipFile, UnicodeDecodeError, IndexError,
            TypeError, AttributeError) as error:
        raise CheckpointError(
            f'{filename} is not a readable PyTorch checkpoint (truncated, '
            f'or another kind of file): {type(error).__name__}: '
            f'{error}') from None
    return sorted(name for name in names if name not in _SAFE_NAMES)


def check_checkpoint_safe(filename: str) -> None:
    """Refuse a checkpoint that the safe loader would not load, before
    anything reads it, with a message that names the offending types.

    Raises:
        FileNotFoundError: No such file.
        CheckpointError: Not a checkpoint, or it names other globals.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} not found')
    if not zipfile.is_zipfile(filename):
        with open(filename, 'rb') as f:
            head = f.read(2)
        if head[:1] != b'\x80':
            raise CheckpointError(
                f'{filename} is not a readable PyTorch checkpoint '
                '(truncated, or another kind of file): neither a zip '
                'archive nor a pickle')
    # zip and legacy (pre-1.6) files alike, whatever torch is told
    # (TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD): scanned, never unpickled
    names = unsafe_globals(filename)
    if names:
        raise CheckpointError(
            f'{filename} holds objects that are not tensors or plain data '
            f'and could run code when loaded: {", ".join(names[:8])}'
            f'{" ..." if len(names) > 8 else ""}; refused. '
            f'{_TRUST_HINT}')


def load_checkpoint_file(filename: str,
                         map_location: Optional[Union[str,
                                                      torch.device]] = 'cpu',
                         trust: bool = False) -> dict:
    """Load a checkpoint file safely (see the module).

    Args:
        filename (str): Checkpoint path; ``~`` is expanded.
        map_location (str | torch.device, optional): As in ``torch.load``.
            Defaults to ``'cpu'``.
        trust (bool): Unpickle fully (can run code). Defaults to ``False``.

    Returns:
        dict: The loaded checkpoint; what :class:`PlainCheckpointHook`
        wrote as plain data is numpy arrays and ``HistoryBuffer`` s again
        (:func:`hih_mmpose.utils.plain_checkpoint.from_plain`).

    Raises:
        FileNotFoundError: No such file.
        CheckpointError: Unreadable, not a dict, or (without ``trust``)
            holding other objects than tensors, plain data and
            :data:`SAFE_GLOBALS`; the message names them.
    """
    filename = osp.expanduser(filename)
    if not trust:
        check_checkpoint_safe(filename)
    elif not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} not found')
    try:
        with checkpoint_loading():
            checkpoint = torch.load(filename, map_location=map_location,
                                    weights_only=not trust)
    except pickle.UnpicklingError as error:
        if trust:
            raise CheckpointError(
                f'{filename} is not a readable PyTorch checkpoint: '
                f'{error}') from None
        raise CheckpointError(
            f'{filename} was refused by the safe loader: '
            f'{str(error).splitlines()[0][:300]}; {_TRUST_HINT}') from None
    except Exception as error:  # what garbage makes the unpickler raise
        raise CheckpointError(
            f'{filename} is not a readable PyTorch checkpoint (truncated, '
            f'or another kind of file): {type(error).__name__}: '
            f'{error}') from None
    if not isinstance(checkpoint, dict):
        raise CheckpointError(
            f'{filename} holds a {type(checkpoint).__name__}, not a '
            'checkpoint (a dict with a state_dict)')
    try:  # the numpy arrays and buffers PlainCheckpointHook wrote as lists
        return from_plain(checkpoint)
    except ValueError as error:
        raise CheckpointError(f'{filename}: {error}') from None


def release_checkpoint(checkpoint: dict) -> dict:
    """A trained checkpoint made for release (``tools/misc/publish_model.py``):
    ``state_dict`` and ``meta`` only, without the optimizer, the message hub
    and the schedulers, without the random generators' states that
    training saves for resuming, without ``meta['dataset_meta']`` (its
    numpy arrays; mmpose's ``init_model`` rebuilds it from the config) and
    without the training config's Python text (``meta['cfg']``,
    ``meta['config']``), which mmengine's inferencers execute when they are
    given weights and no config; numpy scalars as Python numbers. torch's
    default ``weights_only`` loader reads the result, so mmpose's and
    mmengine's own entry points load it with nothing set.

    Raises:
        CheckpointError: If ``checkpoint`` has no ``state_dict``.
    """
    if not isinstance(checkpoint.get('state_dict'), dict):
        raise CheckpointError('the checkpoint has no state_dict')
    meta = {key: value for key, value in checkpoint.get('meta', {}).items()
            if key not in ('dataset_meta', 'hih_rng_state', 'cfg', 'config')}
    # numpy values as plain data (no record: nothing reads them back)
    released = to_plain(dict(state_dict=checkpoint['state_dict'], meta=meta))
    released['meta'].pop(PLAIN_TYPES_KEY, None)
    return released
