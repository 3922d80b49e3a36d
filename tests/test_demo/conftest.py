# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The demo script as a module, for the tests that call its functions."""
import importlib.util
import os.path as osp

import pytest

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))


@pytest.fixture
def face_demo():
    """``demo/face_demo.py`` loaded afresh (its ``main`` and helpers)."""
    spec = importlib.util.spec_from_file_location(
        'face_demo', osp.join(REPO, 'demo', 'face_demo.py'))
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    return demo
