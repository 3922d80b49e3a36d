# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Rewrites that make mmpose backbones exportable to ONNX, applied only
while :func:`~.onnx_export.export_onnx` traces the model.

mmpose's ``LiteHRNet`` pools every branch to the smallest branch's size
with ``F.adaptive_avg_pool2d(s, x[-1].size()[-2:])``; traced with a dynamic
batch axis that output size is a traced value, which the ONNX exporter
refuses ("adaptive pooling, since output_size is not constant"). The crop
size is fixed, so the sizes are constants: where the input's size is a
multiple of the output's, adaptive average pooling is exactly an average
pooling of kernel = stride = their ratio, which exports as ``AveragePool``.
Its ``F.interpolate(a, size=s.size()[-2:])`` likewise becomes a ``Resize``
to constant sizes instead of a chain of ``Shape`` / ``Gather`` / ``Concat``
nodes computed at run time.
"""
import contextlib
import threading
from typing import Iterator, Sequence, Union

import torch.nn.functional as F
from torch import Tensor

_lock = threading.Lock()


def static_adaptive_avg_pool2d(original):
    """``F.adaptive_avg_pool2d`` with constant sizes: an average pooling
    where the input's size is a multiple of the output's, else the
    original with the size as plain integers."""

    def pool(input: Tensor, output_size: Union[int, Sequence[int]]
             ) -> Tensor:
        if isinstance(output_size, int):
            output_size = (output_size, output_size)
        in_h, in_w = (int(s) for s in input.shape[-2:])
        out_h, out_w = (in_h if s is None else int(s)
                        for s in output_size)
        if in_h % out_h == 0 and in_w % out_w == 0:
            kernel = (in_h // out_h, in_w // out_w)
            return F.avg_pool2d(input, kernel, kernel)
        return original(input, (out_h, out_w))

    return pool


def static_interpolate(original):
    """``F.interpolate`` with a given ``size`` as plain integers."""

    def interpolate(input: Tensor, size=None, *args, **kwargs) -> Tensor:
        if size is not None:
            size = (int(size) if isinstance(size, (int, Tensor)) else
                    tuple(int(s) for s in size))
        return original(input, size, *args, **kwargs)

    return interpolate


@contextlib.contextmanager
def export_rewrites() -> Iterator[None]:
    """Within the block, ``torch.nn.functional.adaptive_avg_pool2d`` and
    ``interpolate`` take constant sizes (see the module docstring); they
    compute the same values, so any other code running meanwhile is
    unaffected. One export at a time."""
    with _lock:
        pool, interpolate = F.adaptive_avg_pool2d, F.interpolate
        F.adaptive_avg_pool2d = static_adaptive_avg_pool2d(pool)
        F.interpolate = static_interpolate(interpolate)
        try:
            yield
        finally:
            F.adaptive_avg_pool2d, F.interpolate = pool, interpolate
