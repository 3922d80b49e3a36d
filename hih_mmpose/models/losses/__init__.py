# Copyright (c) hih_mmpose contributors. All rights reserved.
from .seamless_loss import SeamlessLoss

__all__ = ['SeamlessLoss']
