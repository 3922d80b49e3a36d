# Copyright (c) hih_mmpose contributors. All rights reserved.
"""What ``tools/train.py`` and ``tools/test.py`` share: runner arguments,
CPU distributed set-up, checked checkpoints (:mod:`.runner`) and the check
of the dataset files a run names before it starts
(:mod:`.annotation_check`). Tools code, not part of the package."""
