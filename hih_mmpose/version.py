# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The package version and the OpenMMLab versions it supports.

``import hih_mmpose`` calls :func:`stack_installed` before it imports
mmpose, as mmpose and mmdet assert their own mmcv / mmengine ranges, so that a
wrong stack fails with the package, the version found and the supported
range rather than deep inside a registry or an op.
"""
import re
from importlib import metadata
from typing import Dict, Mapping, Optional, Tuple

__version__ = '0.1.0'

# package -> (lowest supported, first unsupported) release, both as in pip's
# `>=low,<high`; the verified stack (tools/setup_env.sh) is mmcv 2.1.0,
# mmengine 0.10.7, mmpose 1.3.2 and mmdet 3.3.0. mmcv's range is mmpose
# 1.3.2's own assertion.
SUPPORTED_VERSIONS: Dict[str, Tuple[str, str]] = {
    'mmcv': ('2.0.0', '2.2.0'),
    'mmengine': ('0.10.0', '0.11.0'),
    'mmpose': ('1.3.0', '1.4.0'),
    'mmdet': ('3.3.0', '3.4.0'),
}


def _release(version: str) -> Tuple[int, ...]:
    """The numeric release of a version string: '2.1.0rc1' -> (2, 1, 0)."""
    match = re.match(r'\d+(\.\d+)*', version.strip())
    if match is None:
        raise ValueError(f'not a version number: {version!r}')
    return tuple(int(part) for part in match.group().split('.'))


def installed_versions() -> Dict[str, Optional[str]]:
    """The installed version of each package in :data:`SUPPORTED_VERSIONS`
    (``None`` where it is not installed), read from the package metadata
    without importing the package."""
    versions: Dict[str, Optional[str]] = {}
    for name in SUPPORTED_VERSIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def check_stack_versions(
        installed: Optional[Mapping[str, Optional[str]]] = None) -> None:
    """Raise ``ImportError`` naming every package of the OpenMMLab stack that
    is missing or outside its supported range.

    Args:
        installed (Mapping[str, str | None], optional): package -> installed
            version (``None``: not installed). Defaults to the installed
            packages' metadata (:func:`installed_versions`).
    """
    if installed is None:
        installed = installed_versions()
    problems = []
    for name, (low, high) in SUPPORTED_VERSIONS.items():
        found = installed.get(name)
        wanted = f'{name}>={low},<{high}'
        if found is None:
            problems.append(f'{name} is not installed (needs {wanted})')
        elif not _release(low) <= _release(found) < _release(high):
            problems.append(f'{name} {found} is installed; hih_mmpose '
                            f'{__version__} supports {wanted}')
    if problems:
        raise ImportError(
            'hih_mmpose cannot run on this OpenMMLab stack: ' +
            '; '.join(problems) + '. tools/setup_env.sh installs the '
            'verified stack (mmcv 2.1.0 with ops, mmengine 0.10.7, mmpose '
            '1.3.2, mmdet 3.3.0).')


def stack_installed(
        installed: Optional[Mapping[str, Optional[str]]] = None) -> bool:
    """Whether to register the plugin: ``False`` where none of the
    OpenMMLab stack is installed (the standalone runtime's environment),
    ``True`` where all of it is in its supported range; anything between (a
    broken or partial stack) raises :func:`check_stack_versions`'s
    ``ImportError`` rather than being taken for a missing one."""
    if installed is None:
        installed = installed_versions()
    if all(version is None for version in installed.values()):
        return False
    check_stack_versions(installed)
    return True
