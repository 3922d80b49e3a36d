# Copyright (c) hih_mmpose contributors. All rights reserved.
import math
from typing import Optional

from mmengine.hooks import Hook

from mmpose.registry import HOOKS


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Stop training with a clear message when the loss is NaN or infinite.

    The message names the epoch, the iteration and every loss term, so the
    run can be resumed from the last checkpoint with a lower learning rate
    (``tools/train.py --resume``).

    Args:
        interval (int): Check every ``interval`` iterations. Defaults to
            ``1`` (the check reads one scalar).
    """

    priority = 'HIGH'

    def __init__(self, interval: int = 1) -> None:
        if interval < 1:
            raise ValueError(f'{self.__class__.__name__}: interval must be '
                             f'>= 1, got {interval}')
        self.interval = interval

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        if not outputs or not self.every_n_train_iters(runner,
                                                       self.interval):
            return
        loss = float(outputs['loss'])
        if math.isfinite(loss):
            return
        terms = ', '.join(f'{key}={float(value):.6g}'
                          for key, value in outputs.items()
                          if 'loss' in key)
        raise RuntimeError(
            f'the loss is {loss} at iteration {runner.iter + 1} (epoch '
            f'{runner.epoch + 1}, batch {batch_idx + 1}): {terms}. Training '
            'stopped; resume from the last checkpoint (tools/train.py '
            '--resume), e.g. with a lower learning rate.')
