# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Shared parts of the decimal probe (``tools/analysis_tools/
decimal_probe.py``): the frozen features of a trained HIH model and the
decimal interval accuracy of a branch trained on them."""
from typing import Callable, Dict

import numpy as np
import torch
from mmengine.runner import Runner
from mmengine.utils import ProgressBar
from torch import Tensor, nn

from hih_mmpose.codecs.hih_decoding import argmax_2d_torch
from hih_mmpose.evaluation.functional import decimal_bin_accuracy
from research.decoder_ablation import keypoints_in_crop


@torch.no_grad()
def frozen_features(model: nn.Module, loader_cfg: dict,
                    max_faces: int) -> Dict[str, Tensor]:
    """Stream, last-stage heatmaps and the codec's targets of each face.

    Note:

        - faces: N (at most ``max_faces``)
        - keypoint number: K
        - stream channels: C
        - integer / decimal heatmap size: [W, H] / [Wd, Hd]

    Args:
        model (nn.Module): A ``TopdownPoseEstimator`` with an HIH head fed
            by ``HIHHourglassNet`` (eval mode).
        loader_cfg (dict): Data loader config (test pipeline).
        max_faces (int): Stop after this many faces.

    Returns:
        dict: ``stream`` (N, C, H, W), ``heatmaps`` (N, K, H, W), ``cells``
        (N, K, 2) true integer cells, ``decimal`` (N, K, Hd, Wd) targets
        and ``weights`` (N, K).
    """
    codec = model.head.decoder
    loader = Runner.build_dataloader(loader_cfg)
    out = {k: [] for k in ('stream', 'heatmaps', 'cells', 'decimal',
                           'weights')}
    total = min(max_faces, len(loader.dataset))
    bar = ProgressBar(total)
    count = 0
    for batch in loader:
        data = model.data_preprocessor(batch, False)
        feats = model.extract_feat(data['inputs'])
        integer_heatmaps, _ = model.head.forward_stages(feats)
        out['stream'].append(feats[-1].float())
        out['heatmaps'].append(integer_heatmaps[-1].float())
        for sample in data['data_samples']:
            encoded = codec.encode(
                keypoints_in_crop(sample),
                np.asarray(sample.gt_instances.keypoints_visible))
            # the integer targets peak at the true cells
            cells, _ = argmax_2d_torch(torch.from_numpy(encoded['heatmaps']))
            out['cells'].append(cells)
            out['decimal'].append(
                torch.from_numpy(encoded['decimal_heatmaps'][0]))
            out['weights'].append(
                torch.from_numpy(encoded['keypoint_weights'][0]))
            bar.update()
        count += len(data['data_samples'])
        if count >= total:
            break
    print()
    return {
        key: (torch.cat(v) if key in ('stream', 'heatmaps') else
              torch.stack(v))[:total]
        for key, v in out.items()
    }


@torch.no_grad()
def probe_accuracy(run: Callable[[Dict[str, Tensor], Tensor], Tensor],
                   data: Dict[str, Tensor], batch_size: int = 64) -> float:
    """Decimal interval top-1 accuracy of a branch on frozen features.

    Args:
        run (Callable): ``run(data, index)`` returns the branch's decimal
            logits (B, K, Hd, Wd) for the faces ``index``.
        data (dict): What :func:`frozen_features` returns.
        batch_size (int): Faces per call. Defaults to 64.

    Returns:
        float: As :func:`decimal_bin_accuracy` (keypoints of weight 0 not
        counted).
    """
    logits = torch.cat([
        run(data, torch.arange(start, min(start + batch_size,
                                          len(data['stream']))))
        for start in range(0, len(data['stream']), batch_size)
    ])
    return decimal_bin_accuracy(logits.float().numpy(),
                                data['decimal'].numpy(),
                                data['weights'].numpy())
