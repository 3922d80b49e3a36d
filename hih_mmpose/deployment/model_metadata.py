# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The runtime's metadata of a model (:class:`~hih_mmpose.runtime.sessions.
ModelInfo`), made from the model and its config: what
``tools/deployment/export_onnx.py`` writes beside an exported file and what
``FaceLandmarker``'s PyTorch session carries."""
import hashlib
import json
import os.path as osp

from torch import nn

from ..datasets.landmark_schemes import (KEYPOINT_SCHEMES, eye_indices,
                                         scheme_indices)
from ..runtime.sessions import ModelInfo, metadata_file


def weights_fingerprint(model: nn.Module) -> str:
    """SHA-256 (hex, 16 digits) of a model's state dict: names, shapes and
    values of every parameter and buffer, in name order."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        tensor = tensor.detach().cpu().contiguous()
        digest.update(f'{name}:{tuple(tensor.shape)}:{tensor.dtype}'.encode())
        digest.update(tensor.numpy().tobytes())
    return digest.hexdigest()[:16]


def _test_crop_padding(pipeline: list) -> float:
    """The box padding of a top-down test pipeline, which must be the one
    the runtime reproduces: ``GetBBoxCenterScale`` then ``TopdownAffine``
    without UDP (any other step that moves pixels would be silently left
    out, so it is refused)."""
    padding = None
    for step in pipeline:
        kind = step['type']
        if kind == 'GetBBoxCenterScale':
            padding = float(step.get('padding', 1.25))
        elif kind == 'TopdownAffine' and step.get('use_udp', False):
            raise ValueError('the runtime cuts crops as TopdownAffine '
                             'without UDP; this config uses use_udp=True')
        elif kind not in ('LoadImage', 'TopdownAffine', 'PackPoseInputs'):
            raise ValueError(f'the runtime cannot reproduce the test '
                             f'pipeline step {kind}')
    if padding is None:
        raise ValueError('the test pipeline has no GetBBoxCenterScale')
    return padding


def model_info(model: nn.Module, precision: str = 'fp32') -> ModelInfo:
    """The :class:`ModelInfo` of a built HIH top-down model (``model.cfg``
    its config, ``model.dataset_meta`` its keypoints).

    Raises:
        ValueError: a test pipeline the runtime cannot reproduce.
    """
    from ..models.heads import HIHVisibilityHead
    cfg = model.cfg
    meta = model.dataset_meta or {}
    count = int(meta.get('num_keypoints') or model.head.out_channels)
    schemes = {}
    for name in KEYPOINT_SCHEMES:
        try:
            indices = scheme_indices(count, name)
        except ValueError:
            continue
        if indices is not None or KEYPOINT_SCHEMES[name][0] == count:
            schemes[name] = list(range(count)) if indices is None else [
                int(i) for i in indices]
    names = meta.get('keypoint_id2name') or {}
    eyes = eye_indices(count)
    return ModelInfo(
        input_size=tuple(int(v) for v in model.head.decoder.input_size),
        num_keypoints=count,
        bbox_padding=_test_crop_padding(
            cfg.test_dataloader.dataset.pipeline),
        flip_indices=[int(i) for i in meta.get('flip_indices', [])],
        flip_test=bool((model.test_cfg or {}).get('flip_test', False)),
        keypoint_names=[str(names[i]) for i in sorted(names)],
        schemes=schemes,
        eyes=None if eyes is None else [list(eye) for eye in eyes],
        precision=precision,
        outputs=['keypoints', 'scores'] + (
            ['visible'] if isinstance(model.head, HIHVisibilityHead) else []),
        weights_sha256=weights_fingerprint(model),
        config=osp.basename(cfg.filename or ''))


def write_model_info(info: ModelInfo, model_file: str) -> str:
    """Write ``info`` as the ``.json`` beside ``model_file``; returns its
    path."""
    path = metadata_file(model_file)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(info.to_dict(), f, indent=1)
    return path
