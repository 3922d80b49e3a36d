# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Checkpoints that torch's default ``weights_only`` loader reads, exactly.

What mmengine's Runner saves beside the weights holds two kinds of object
that torch >= 2.6 refuses by default: numpy arrays and scalars (mmpose's
``dataset_meta``: keypoint colours, sigmas, keypoint weights) and
mmengine's ``HistoryBuffer`` (the message hub's logged scalars).
:func:`to_plain` writes them as plain Python data (nested lists, numbers,
a dict per buffer) and records, in ``meta['hih_plain_types']``, where each
was and its dtype and shape; :func:`from_plain` turns them back into the
same objects, bit for bit. mmpose's readers of ``dataset_meta`` (the
visualizer, ``init_model``) take the lists as they are.
:class:`hih_mmpose.engine.PlainCheckpointHook` calls both around every
save and load of the Runner.
"""
from typing import Any, Dict, List, Tuple

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer

#: Key of ``checkpoint['meta']`` that lists the converted objects.
PLAIN_TYPES_KEY = 'hih_plain_types'

Path = Tuple[Any, ...]


def _encode(value: Any, path: Path, records: List[dict]) -> Any:
    """``value`` with numpy objects and history buffers as plain data; each
    conversion is appended to ``records``."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError(f'a numpy object array at {list(path)} cannot be '
                            'saved as plain data')
        records.append(
            dict(path=list(path), kind='ndarray', dtype=value.dtype.str,
                 shape=list(value.shape)))
        return value.tolist()
    if isinstance(value, np.generic):
        records.append(
            dict(path=list(path), kind='scalar', dtype=value.dtype.str))
        return value.item()
    if isinstance(value, HistoryBuffer):
        log_history = value._log_history
        count_history = value._count_history
        records.append(
            dict(path=list(path), kind='HistoryBuffer',
                 dtype=[log_history.dtype.str, count_history.dtype.str]))
        return dict(log_history=log_history.tolist(),
                    count_history=count_history.tolist(),
                    max_length=int(value.max_length))
    if isinstance(value, dict):
        encoded = type(value)()
        for key, item in value.items():
            encoded[key] = _encode(item, path + (key, ), records)
        return encoded
    if isinstance(value, (list, tuple)) and not hasattr(value, '_fields'):
        return type(value)(
            _encode(item, path + (index, ), records)
            for index, item in enumerate(value))
    return value


def _decode(value: Any, record: dict) -> Any:
    kind = record['kind']
    if kind == 'ndarray':
        return np.array(value, dtype=np.dtype(record['dtype'])).reshape(
            record['shape'])
    if kind == 'scalar':
        return np.dtype(record['dtype']).type(value)
    if kind == 'HistoryBuffer':
        log_dtype, count_dtype = record['dtype']
        buffer = HistoryBuffer(max_length=value['max_length'])
        buffer._log_history = np.array(value['log_history'], log_dtype)
        buffer._count_history = np.array(value['count_history'], count_dtype)
        return buffer
    raise ValueError(f'unknown plain-data record kind {kind!r}')


def _replace(container: Any, path: List[Any], new: Any) -> Any:
    """``container`` with the item at ``path`` replaced by ``new`` (tuples
    rebuilt, dicts and lists changed in place)."""
    if not path:
        return new
    key = path[0]
    child = _replace(container[key], path[1:], new)
    if isinstance(container, tuple):
        items = list(container)
        items[key] = child
        return type(container)(items)
    container[key] = child
    return container


def _get(container: Any, path: List[Any]) -> Any:
    for key in path:
        container = container[key]
    return container


def to_plain(checkpoint: Dict[str, Any]) -> Dict[str, Any]:
    """The checkpoint with numpy arrays / scalars and ``HistoryBuffer`` s as
    plain data, their types recorded in ``meta['hih_plain_types']`` (a new
    dict; tensors are shared, not copied).

    Raises:
        TypeError: A numpy object array (no plain form).
    """
    records: List[dict] = []
    plain = {
        key: value if key == 'state_dict' else _encode(
            value, (key, ), records)
        for key, value in checkpoint.items()
    }
    meta = plain.setdefault('meta', {})
    if records:
        meta[PLAIN_TYPES_KEY] = records
    return plain


def from_plain(checkpoint: Dict[str, Any]) -> Dict[str, Any]:
    """Undo :func:`to_plain` in place: the recorded objects are numpy arrays,
    numpy scalars and ``HistoryBuffer`` s again, exactly as saved. A
    checkpoint without records (older, or not from :func:`to_plain`) is
    returned unchanged.

    Raises:
        ValueError: A malformed record (the checkpoint was edited).
    """
    meta = checkpoint.get('meta')
    records = meta.pop(PLAIN_TYPES_KEY, None) if isinstance(meta,
                                                            dict) else None
    if not records:
        return checkpoint
    if not isinstance(records, list):
        raise ValueError(f"checkpoint meta['{PLAIN_TYPES_KEY}'] must be a "
                         f'list, got {type(records).__name__}')
    for record in records:
        try:
            path = list(record['path'])
            decoded = _decode(_get(checkpoint, path), record)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise ValueError(
                f"checkpoint meta['{PLAIN_TYPES_KEY}'] has a record that does "
                f'not fit the checkpoint: {record!r} ({error})') from None
        _replace(checkpoint, path, decoded)
    return checkpoint
