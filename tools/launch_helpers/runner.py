# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Helpers shared by ``tools/train.py`` and ``tools/test.py``."""
import argparse
import os
import os.path as osp
import pickle
from typing import Callable, Optional, TypeVar

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction

from hih_mmpose.utils.checkpoint import (CheckpointError,
                                         check_checkpoint_safe,
                                         checkpoint_loading)

T = TypeVar('T')


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


def end_distributed() -> None:
    """After a run that ended well: destroy the process group, if any.

    A process that exits with gloo's process group alive can abort while
    the interpreter shuts down (its worker threads still hold tensors:
    "terminate called without an active exception", exit code -6 after a
    complete training; pytorch/pytorch#190489). Not after an error: the
    other processes may be inside a collective call, and destroying the
    group would wait for them.
    """
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def add_runner_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments shared by ``tools/train.py`` and ``tools/test.py``."""
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--show-dir',
        help='save visualisations into work_dir/timestamp/show_dir')
    parser.add_argument('--show', action='store_true', help='show results')
    parser.add_argument(
        '--interval', type=int, default=1, help='visualisation interval')
    parser.add_argument(
        '--wait-time', type=float, default=1, help='display time (s)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    parser.add_argument(
        '--skip-data-check',
        action='store_true',
        help='do not check the annotation files and images before the run')
    parser.add_argument(
        '--check-images',
        action='store_true',
        help='also decode every image in the data check (slow)')
    parser.add_argument(
        '--trust-checkpoint',
        action='store_true',
        help='load checkpoints with full unpickling, which can run code: '
        'only for a file you trust that the safe loader refuses')


def run_with_checkpoints(step: Callable[[], T],
                         checkpoint: Optional[str] = None,
                         trust: bool = False) -> T:
    """Run ``step`` (``runner.train`` / ``runner.test``) with the safe
    checkpoint loading of :func:`checkpoint_loading`.

    Args:
        step (Callable): What to run.
        checkpoint (str, optional): The checkpoint the run will load
            (``load_from``), checked first so that a refused file stops the
            run before anything else happens.
        trust (bool): Unpickle fully (``--trust-checkpoint``).

    Raises:
        CheckpointError: A checkpoint refused by the safe loader (also one
            the run finds itself, e.g. ``--resume`` without a path).
    """
    if checkpoint is not None and not trust:
        check_checkpoint_safe(checkpoint)
    # (trusted: the globals that file names are allowed too; torch's
    # environment is never changed)
    with checkpoint_loading(checkpoint if trust and checkpoint else None):
        try:
            return step()
        except pickle.UnpicklingError as error:
            raise CheckpointError(
                'a checkpoint of the run was refused by the safe loader: '
                f'{str(error).splitlines()[0][:300]}; if you trust it, '
                'pass --trust-checkpoint (full unpickling can run '
                'code)') from None


def merge_runner_arguments(cfg: Config, args: argparse.Namespace) -> None:
    """Apply the arguments of :func:`add_runner_arguments` (but
    ``--cfg-options``, which the tools apply last) to ``cfg`` in place."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    if args.work_dir is not None:
        if osp.exists(args.work_dir) and not osp.isdir(args.work_dir):
            raise NotADirectoryError(
                f'--work-dir {args.work_dir} is a file; name a folder for '
                'the logs and checkpoints')
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.launcher = args.launcher
    if args.show or args.show_dir:
        hook = cfg.default_hooks.visualization
        hook.update(enable=True, show=args.show, interval=args.interval,
                    wait_time=args.wait_time)
        if args.show_dir:
            hook.out_dir = args.show_dir


#: keys mmpose's pose estimators and heads read from ``model.test_cfg``,
#: and mmengine's training loops from ``train_cfg``, beyond those a config
#: sets; a ``--cfg-options`` key below these dicts that is neither is
#: reported (a typo is accepted by mmengine and changes nothing)
KNOWN_OPTION_KEYS = {
    'model.test_cfg': ('flip_test', 'flip_mode', 'shift_heatmap',
                       'output_heatmaps', 'output_keypoint_indices'),
    'model.train_cfg': (),
    'train_cfg': ('type', 'by_epoch', 'max_epochs', 'max_iters',
                  'val_begin', 'val_interval', 'dynamic_intervals'),
}


def unknown_option_keys(cfg: Config, options: Optional[dict]) -> list:
    """Messages for the ``--cfg-options`` keys under ``model.test_cfg``,
    ``model.train_cfg`` and ``train_cfg`` that the config does not have
    and nothing in mmpose / mmengine reads, each with the closest known key.

    Args:
        cfg (Config): The config before the options are merged.
        options (dict, optional): ``--cfg-options`` as parsed.
    """
    import difflib
    messages = []
    for key in options or {}:
        for parent, known in KNOWN_OPTION_KEYS.items():
            if not key.startswith(parent + '.'):
                continue
            leaf = key[len(parent) + 1:].split('.')[0]
            current = cfg
            for part in parent.split('.'):
                current = current.get(part) if isinstance(current,
                                                          dict) else None
            present = tuple(current) if isinstance(current, dict) else ()
            names = sorted(set(present) | set(known))
            if leaf not in names:
                close = difflib.get_close_matches(leaf, names, n=1)
                messages.append(
                    f'--cfg-options {key}: {parent} has no key {leaf!r} and '
                    'nothing reads it, so it changes nothing' +
                    (f' (did you mean {parent}.{close[0]}?)' if close else
                     f' (known: {", ".join(names)})'))
    return messages


def merge_cfg_options(cfg: Config, options: Optional[dict]) -> None:
    """Merge ``--cfg-options`` into ``cfg`` in place, first printing a
    warning for each key of :func:`unknown_option_keys`."""
    for message in unknown_option_keys(cfg, options):
        print(f'warning: {message}', flush=True)
    if options is not None:
        cfg.merge_from_dict(options)
