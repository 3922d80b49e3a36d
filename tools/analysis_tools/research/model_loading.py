# Copyright (c) hih_mmpose contributors. All rights reserved.
"""A trained HIH model and its face metric, for the analysis tools."""
from typing import Tuple

from torch import nn


def load_hih_checkpoint(cfg, checkpoint: str, device: str = 'cpu',
                        trust: bool = False) -> Tuple[nn.Module, nn.Module]:
    """The config's model with ``checkpoint`` loaded strictly and safely
    (a checkpoint of another model, or one that would run code, is
    refused) and the test set's
    ``FaceAlignmentMetric`` (no subsets, no CED files), for the analysis
    tools.

    Args:
        cfg (Config): The model's config (with any overrides applied).
        checkpoint (str): Its checkpoint file.
        device (str): Where the model goes. Defaults to ``'cpu'``.
        trust (bool): Unpickle the checkpoint fully (can run code).
            Defaults to ``False``.

    Returns:
        tuple: the model (eval mode) and the metric (its ``dataset_meta``
        set to the model's).

    Raises:
        FileNotFoundError: If the checkpoint does not exist.
        ValueError: If the head has no :class:`HIHLabel` decoder.
    """
    import os.path as osp

    from mmpose.apis import init_model
    from mmpose.registry import METRICS

    from hih_mmpose.utils.checkpoint_match import load_checkpoint_strictly
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint {checkpoint} not found')
    model = init_model(cfg, None, device='cpu')
    load_checkpoint_strictly(model, checkpoint, trust)
    model.to(device)
    codec = model.head.decoder
    if codec is None or not hasattr(codec, 'decimal_size'):
        raise ValueError('the head has no HIHLabel decoder: these tools '
                         'analyse HIH maps')
    evaluator = cfg.test_evaluator
    if isinstance(evaluator, (list, tuple)):
        evaluator = next(e for e in evaluator
                         if e['type'] == 'FaceAlignmentMetric')
    metric = METRICS.build(dict(evaluator, subsets=None, ced_dir=None))
    metric.dataset_meta = model.dataset_meta
    return model.eval(), metric
