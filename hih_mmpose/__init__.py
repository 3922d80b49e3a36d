# Copyright (c) hih_mmpose contributors. All rights reserved.
"""HIH (Heatmap in Heatmap) face alignment as an MMPose plugin.

Importing this package registers the HIH codec, backbone, head, losses and
face metrics into mmpose's registries; configs load it with
``custom_imports = dict(imports=['hih_mmpose'], allow_failed_imports=False)``.
"""
from . import apis, codecs, datasets, engine, evaluation, models  # noqa: F401
from .utils import allow_mmengine_checkpoints
from .version import __version__

allow_mmengine_checkpoints()

__all__ = ['__version__', 'allow_mmengine_checkpoints']
