# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The installed package's metadata and the import-time stack check."""
import sys
from importlib import metadata

import pytest

import hih_mmpose
from hih_mmpose.version import (SUPPORTED_VERSIONS, check_stack_versions,
                                installed_versions)


def test_installed_metadata_matches_the_tree():
    meta = metadata.metadata('hih_mmpose')
    assert meta['Version'] == hih_mmpose.__version__
    assert meta['Requires-Python'].replace(' ', '') in ('>=3.11,<3.12',
                                                        '<3.12,>=3.11')
    assert (3, 11) <= sys.version_info[:2] < (3, 12)
    classifiers = meta.get_all('Classifier')
    assert 'Programming Language :: Python :: 3.11' in classifiers
    assert not any(c.startswith('Programming Language :: Python :: 3.')
                   and c != 'Programming Language :: Python :: 3.11'
                   for c in classifiers)
    assert set(meta.get_all('Provides-Extra')) >= {'deploy', 'detector',
                                                    'runtime', 'tests'}
    # the extras carry the pins of requirements/*.txt
    extras = metadata.requires('hih_mmpose')
    assert any(r.startswith('mediapipe==0.10.21') and 'detector' in r
               for r in extras)
    assert any(r.startswith('mmengine==0.10.7') and 'runtime' in r
               for r in extras)


def test_the_installed_stack_is_supported():
    found = installed_versions()
    assert set(found) == {'mmcv', 'mmengine', 'mmpose', 'mmdet'}
    check_stack_versions(found)
    check_stack_versions()


@pytest.mark.parametrize('name,version', [('mmpose', '1.2.0'),
                                          ('mmpose', '1.4.0'),
                                          ('mmcv', '2.2.0'),
                                          ('mmengine', '0.9.1'),
                                          ('mmdet', '3.2.0')])
def test_a_version_outside_the_range_names_package_version_and_range(
        name, version):
    found = dict(installed_versions(), **{name: version})
    low, high = SUPPORTED_VERSIONS[name]
    with pytest.raises(ImportError) as info:
        check_stack_versions(found)
    message = str(info.value)
    assert f'{name} {version} is installed' in message
    assert f'{name}>={low},<{high}' in message
    assert 'tools/setup_env.sh' in message
    # only the wrong package is blamed
    assert message.count(' is installed') == 1


def test_prereleases_and_boundaries():
    ok = dict(mmcv='2.1.0', mmengine='0.10.7', mmpose='1.3.2',
              mmdet='3.3.0')
    check_stack_versions(ok)
    check_stack_versions(dict(ok, mmcv='2.0.0', mmpose='1.3.0rc1'))
    with pytest.raises(ImportError, match='mmcv 2.2.0rc1 is installed'):
        check_stack_versions(dict(ok, mmcv='2.2.0rc1'))


def test_a_missing_package_is_named():
    found = dict(installed_versions(), mmdet=None)
    with pytest.raises(ImportError, match=r'mmdet is not installed '
                       r'\(needs mmdet>=3\.3\.0,<3\.4\.0\)'):
        check_stack_versions(found)


#: what ``import hih_mmpose`` loads of the package: the modules that
#: register what configs name and the helpers they import, nothing else
REGISTRATION_MODULES = [
    'hih_mmpose', 'hih_mmpose.codecs', 'hih_mmpose.codecs.dark_refine',
    'hih_mmpose.codecs.hih_decoding', 'hih_mmpose.codecs.hih_label',
    'hih_mmpose.codecs.hih_targets', 'hih_mmpose.datasets',
    'hih_mmpose.datasets.keypoint_occlusion',
    'hih_mmpose.datasets.landmark_schemes', 'hih_mmpose.datasets.transforms',
    'hih_mmpose.engine', 'hih_mmpose.engine.channels_last_hook',
    'hih_mmpose.engine.cpu_bf16_optim_wrapper',
    'hih_mmpose.engine.finite_loss_hook',
    'hih_mmpose.engine.plain_checkpoint_hook', 'hih_mmpose.evaluation',
    'hih_mmpose.evaluation.functional',
    'hih_mmpose.evaluation.functional.decimal_accuracy',
    'hih_mmpose.evaluation.functional.face_metrics',
    'hih_mmpose.evaluation.metrics',
    'hih_mmpose.evaluation.metrics.face_alignment_metric',
    'hih_mmpose.models', 'hih_mmpose.models.backbones',
    'hih_mmpose.models.backbones.hih_hourglass', 'hih_mmpose.models.heads',
    'hih_mmpose.models.heads.hih_head',
    'hih_mmpose.models.heads.hih_visibility_head',
    'hih_mmpose.models.losses', 'hih_mmpose.models.losses.seamless_loss',
    'hih_mmpose.models.necks', 'hih_mmpose.models.necks.neck_sequence',
    'hih_mmpose.models.utils', 'hih_mmpose.models.utils.cell_decimal_branch',
    'hih_mmpose.models.utils.hih_blocks', 'hih_mmpose.utils',
    'hih_mmpose.utils.cpu_info', 'hih_mmpose.utils.plain_checkpoint',
    'hih_mmpose.version'
]


def test_import_registers_and_loads_nothing_else():
    """``import hih_mmpose`` (what every config triggers) loads the
    registration modules only: no runtime, inference, deployment,
    synthetic world or detectors, and none of MediaPipe, ONNX Runtime,
    OpenVINO or mmdet's models."""
    import subprocess
    code = ("import hih_mmpose, sys; print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('hih_mmpose', 'mediapipe', "
            "'onnxruntime', 'openvino') or m.startswith('mmdet.models')))")
    result = subprocess.run([sys.executable, '-c', code],
                            capture_output=True, text=True, check=True)
    assert eval(result.stdout.strip().splitlines()[-1]) == \
        REGISTRATION_MODULES
