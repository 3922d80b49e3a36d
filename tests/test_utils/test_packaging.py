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
