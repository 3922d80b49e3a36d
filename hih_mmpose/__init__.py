# Copyright (c) hih_mmpose contributors. All rights reserved.
"""HIH (Heatmap in Heatmap) face alignment as an MMPose plugin.

Importing this package registers the HIH codec, backbone, head, losses,
hooks, face detectors and face metrics into mmpose's (and mmdet's / mmengine's)
registries, and changes nothing else; configs load it with
``custom_imports = dict(imports=['hih_mmpose'], allow_failed_imports=False)``.
"""
from . import (apis, codecs, datasets, deployment, engine,  # noqa: F401
               evaluation, models)
from .version import __version__

__all__ = ['__version__']
