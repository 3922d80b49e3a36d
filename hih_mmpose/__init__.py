# Copyright (c) hih_mmpose contributors. All rights reserved.
"""HIH (Heatmap in Heatmap) face alignment as an MMPose plugin.

Where the OpenMMLab stack (torch, mmengine, mmcv, mmpose) is installed,
importing this package registers what a config names, the HIH codec,
backbone, head, losses, necks, transforms, datasets, hooks and face
metric, into mmpose's and mmengine's registries, and loads nothing else;
configs load it with
``custom_imports = dict(imports=['hih_mmpose'], allow_failed_imports=False)``.
The installed stack is checked first (``hih_mmpose.version``): a wrong or
partly installed one is an ``ImportError`` that names the package.

Where none of the stack is installed (a CPU server with only
``requirements/standalone.txt``), nothing is registered and
:mod:`hih_mmpose.runtime` runs exported models on its own.

Imported only where they are used:

- ``hih_mmpose.runtime``: the standalone runtime (numpy, OpenCV, ONNX
  Runtime / OpenVINO): detector protocol, crops, sessions, landmarker,
  tracker, filters;
- ``hih_mmpose.apis``: ``FaceLandmarker``, the runtime on a PyTorch session
  made from a config and checkpoint;
- ``hih_mmpose.deployment``: ONNX export (the model and its metadata),
  int8 quantisation;
- ``hih_mmpose.models.detectors``: the runtime's face detectors as mmdet
  models and the ``weightless://`` checkpoint scheme (``configs/detectors/``
  import it through their ``custom_imports``);
"""
from .version import __version__, stack_installed

if stack_installed():
    from . import codecs, datasets, engine, evaluation, models  # noqa: F401

__all__ = ['__version__']
