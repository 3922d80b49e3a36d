# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The tools' helper packages (``research`` of tools/analysis_tools,
``converters`` of tools/dataset_converters) importable as their scripts
import them."""
import os.path as osp
import sys

TOOLS = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))), 'tools')
for folder in ('analysis_tools', 'dataset_converters'):
    if osp.join(TOOLS, folder) not in sys.path:
        sys.path.insert(0, osp.join(TOOLS, folder))
