# Copyright (c) hih_mmpose contributors. All rights reserved.
import logging
import random
from typing import Any, Dict

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log

from mmpose.registry import HOOKS
from ..utils.plain_checkpoint import from_plain, to_plain

#: Key of ``checkpoint['meta']`` with the random generators' states.
RNG_STATE_KEY = 'hih_rng_state'


def _rng_state() -> Dict[str, Any]:
    """The states of Python's, numpy's and torch's (CPU) global generators:
    what augmentation in the training process draws from."""
    return dict(python=random.getstate(), numpy=np.random.get_state(),
                torch=torch.get_rng_state())


def _set_rng_state(state: Dict[str, Any]) -> None:
    version, internal, gauss = state['python']
    random.setstate((version, tuple(internal), gauss))
    np.random.set_state(tuple(state['numpy']))
    torch.set_rng_state(state['torch'])


def _drop_config_text(checkpoint: dict) -> None:
    """Remove the config's Python text from a checkpoint, in place:
    ``meta['cfg']`` and the message hub's ``runtime_info['cfg']`` (what
    mmengine's inferencers execute when given weights without a config) and
    ``meta['config']`` (what mmengine's resume would execute). The Runner
    keeps its own config; nothing reads these back."""
    meta = checkpoint.get('meta')
    if isinstance(meta, dict):
        meta.pop('cfg', None)
        meta.pop('config', None)
    hub = checkpoint.get('message_hub')
    info = hub.get('runtime_info') if isinstance(hub, dict) else None
    if isinstance(info, dict):
        info.pop('cfg', None)


@HOOKS.register_module()
class PlainCheckpointHook(Hook):
    """Make every checkpoint the Runner writes load with torch's defaults,
    and every checkpoint it reads run no code.

    Saving (epoch, last and best checkpoints alike): numpy arrays and
    scalars (mmpose's ``dataset_meta``) and mmengine's ``HistoryBuffer`` s
    (the message hub) are written as plain data
    (:func:`hih_mmpose.utils.plain_checkpoint.to_plain`), so that
    ``torch.load(file)`` with torch >= 2.6's ``weights_only=True`` default,
    and so mmengine's and mmpose's loaders, mmpose's tools and
    ``MMPoseInferencer``, open the file with nothing set. With
    ``save_rng_state`` the states of Python's, numpy's and torch's global
    random generators are saved too (``meta['hih_rng_state']``).

    No checkpoint it writes carries the config's Python text (``meta['cfg']``
    and the message hub's ``runtime_info['cfg']``, which mmengine's
    inferencers execute when given weights without a config): give the
    config with the weights, as every mmpose entry point does.

    Loading (``load_from``, ``resume``): the plain data become the same
    numpy arrays and buffers again, so ``--resume`` restores the message hub
    exactly; on resume the generators' states are restored, so that
    augmentation in the training process (``num_workers=0``) draws what an
    uninterrupted run would. Config text in an older checkpoint
    (``meta['config']``, which ``Runner.resume`` would execute; ``cfg``) is
    dropped unread, ``meta['config']`` with a warning.

    Args:
        save_rng_state (bool): Save and, on resume, restore the random
            generators' states. Defaults to ``True``.
    """

    # after other hooks (e.g. EMAHook) have written the checkpoint
    priority = 'LOWEST'

    def __init__(self, save_rng_state: bool = True) -> None:
        self.save_rng_state = save_rng_state

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        _drop_config_text(checkpoint)
        if self.save_rng_state:
            checkpoint.setdefault('meta', {})[RNG_STATE_KEY] = _rng_state()
        plain = to_plain(checkpoint)
        checkpoint.clear()
        checkpoint.update(plain)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        meta = checkpoint.get('meta')
        if not isinstance(meta, dict):
            return
        if 'config' in meta:
            print_log(
                "the checkpoint's meta['config'] (Python text that "
                "mmengine's resume would execute) was dropped unread",
                logger='current', level=logging.WARNING)
        _drop_config_text(checkpoint)
        from_plain(checkpoint)
        rng_state = meta.pop(RNG_STATE_KEY, None)
        if rng_state is not None and getattr(runner, '_resume', False):
            try:
                _set_rng_state(rng_state)
            except (KeyError, TypeError, ValueError) as error:
                print_log(
                    'the random generators were not restored from the '
                    f'checkpoint (malformed state: {error})',
                    logger='current', level=logging.WARNING)

    def before_train(self, runner) -> None:
        """Say so when a resume lands in the middle of an epoch: mmengine's
        epoch loop then runs that epoch again from its first batch (the
        iteration count goes on from the checkpoint's, so the run makes more
        iterations than an uninterrupted one and the ETA is off)."""
        from mmengine.runner import EpochBasedTrainLoop
        loop = runner.train_loop
        if not runner.iter:
            return
        workers = getattr(getattr(loop, 'dataloader', None), 'num_workers',
                          0)
        if workers:
            print_log(
                f'resumed with {workers} data loader worker(s): mmengine '
                'seeds the workers anew, so the rest of the run draws other '
                'augmentations than an uninterrupted one and its weights '
                'will differ; with num_workers=0 the random generators '
                'restored from the checkpoint make them bit-identical',
                logger='current', level=logging.WARNING)
        if not isinstance(loop, EpochBasedTrainLoop):
            return
        per_epoch = len(loop.dataloader)
        done = runner.iter - runner.epoch * per_epoch
        if done > 0:
            print_log(
                f'resumed at iteration {runner.iter}, {done} of the '
                f'{per_epoch} iterations into epoch {runner.epoch + 1} (an '
                'iteration checkpoint): mmengine\'s epoch loop runs epoch '
                f'{runner.epoch + 1} again from its first batch, so this run '
                f'makes {done} iterations more than an uninterrupted one; '
                'resume from an epoch checkpoint to avoid it',
                logger='current', level=logging.WARNING)
