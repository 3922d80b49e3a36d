# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The sections of tools/analysis_tools/benchmark.py, one module each."""
