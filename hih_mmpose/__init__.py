# Copyright (c) hih_mmpose contributors. All rights reserved.
"""HIH (Heatmap in Heatmap) face alignment as an MMPose plugin.

Importing this package registers what a training or test config names, the
HIH codec, backbone, head, losses, transforms, datasets, hooks and face
metrics, into mmpose's and mmengine's registries, and changes nothing else;
configs load it with
``custom_imports = dict(imports=['hih_mmpose'], allow_failed_imports=False)``.

Three subpackages are imported only where they are used, so that a training
does not load inference backends or mmdet:

- ``hih_mmpose.apis``: the one-call image API and the video tracker;
- ``hih_mmpose.deployment``: ONNX / OpenVINO export and low precision;
- ``hih_mmpose.models.detectors``: the face detectors as mmdet models and
  the ``weightless://`` checkpoint scheme (``configs/detectors/`` import
  it through their ``custom_imports``).

Research analysis shared by the tools lives in
``hih_mmpose.analysis`` (not imported by ``hih_mmpose`` either).

Before anything is registered, the installed mmcv, mmengine, mmpose and mmdet
are checked against the supported ranges (``hih_mmpose.version``): a wrong
stack is an ``ImportError`` that names the package, its version and the range.
"""
from .version import __version__, check_stack_versions

check_stack_versions()

from . import codecs, datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
