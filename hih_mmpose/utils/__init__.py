# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Helpers shared by the package, the tools and the demo; import them from
their modules (this package imports nothing, so that the runtime can use
:mod:`.cpu_info` without the training stack)."""
