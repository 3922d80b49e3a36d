# Copyright (c) hih_mmpose contributors. All rights reserved.
from .finite_loss_hook import FiniteLossHook

__all__ = ['FiniteLossHook']
