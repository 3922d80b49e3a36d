# Copyright (c) hih_mmpose contributors. All rights reserved.
from .channels_last_hook import ChannelsLastHook
from .finite_loss_hook import FiniteLossHook

__all__ = ['ChannelsLastHook', 'FiniteLossHook']
