# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Helpers shared by ``tools/train.py`` and ``tools/test.py``."""
import torch
import torch.distributed as dist
from mmengine.config import Config


def prepare_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Let mmengine run distributed on machines without CUDA.

    mmengine 0.10.7 calls ``torch.cuda.set_device`` while initialising the
    process group and wraps the model with ``device_ids=[LOCAL_RANK]``; both
    fail without a GPU. Without CUDA this initialises the process group with
    the gloo backend itself (mmengine then skips its own initialisation) and
    wraps the model for CPU (``device_ids=None``). With CUDA it does nothing.

    Args:
        cfg (Config): The config, changed in place.
        launcher (str): The ``--launcher`` argument.
    """
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher != 'pytorch':
        raise ValueError(
            f'--launcher {launcher} needs CUDA here; on CPU use the pytorch '
            'launcher (tools/dist_train.sh)')
    cfg.env_cfg.setdefault('dist_cfg', {})['backend'] = 'gloo'
    if cfg.get('model_wrapper_cfg') is None:
        cfg.model_wrapper_cfg = dict(
            type='MMDistributedDataParallel', device_ids=None)
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
