# Copyright (c) hih_mmpose contributors. All rights reserved.
"""``weightless://``: the checkpoint argument of a detector without weights.

The face detectors of ``configs/detectors/`` (BlazeFace, Haar) carry their
models inside their packages and have no weights to load, but command lines
such as mmpose's ``demo/topdown_demo_with_mmdet.py`` take a detector
checkpoint as a positional argument. ``weightless://`` (any text may follow)
is such an argument: mmengine's checkpoint loader, which mmdet's
``init_detector`` calls, returns an empty state dict and the class names of
a face detector (label 0 is ``face``), so nothing is read from disk::

    python demo/topdown_demo_with_mmdet.py configs/detectors/blazeface.py \\
        weightless:// configs/hih_synthetic.py <pose checkpoint> --input x.jpg

Only for detectors without weights: any other detector would keep its
random weights (mmengine then logs every parameter as a missing key).
"""
from typing import Optional

from mmengine.runner.checkpoint import CheckpointLoader

#: The prefix that names no weights.
WEIGHTLESS_PREFIX = 'weightless://'


@CheckpointLoader.register_scheme(prefixes=WEIGHTLESS_PREFIX)
def load_weightless(filename: str, map_location: Optional[str] = None,
                    logger: Optional[str] = None) -> dict:
    """An empty checkpoint with a face detector's class names.

    mmengine's ``load_checkpoint(model, filename)`` loads this empty state
    dict with ``strict=False``; the detectors of ``configs/detectors/`` have
    no parameters, so nothing is missing.
    """
    return dict(state_dict={}, meta=dict(dataset_meta=dict(classes=('face',
                                                                     ))))
