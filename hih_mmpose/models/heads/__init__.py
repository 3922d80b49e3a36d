# Copyright (c) hih_mmpose contributors. All rights reserved.
from .hih_head import HIHHead
from .hih_visibility_head import HIHVisibilityHead, landmark_maps

__all__ = ['HIHHead', 'HIHVisibilityHead', 'landmark_maps']
