# Copyright (c) hih_mmpose contributors. All rights reserved.
import re

from setuptools import find_packages, setup


def get_version() -> str:
    with open('hih_mmpose/version.py', encoding='utf-8') as f:
        match = re.search(r"^__version__ = '([^']+)'", f.read(), re.M)
    return match.group(1)


def parse_requirements(name: str) -> list:
    """The requirement lines of requirements/<name>.txt, comments dropped."""
    with open(f'requirements/{name}.txt', encoding='utf-8') as f:
        lines = (line.split('#', 1)[0].strip() for line in f)
        return [line for line in lines if line]


setup(
    name='hih_mmpose',
    version=get_version(),
    description='Heatmap in Heatmap (HIH) face alignment as an MMPose plugin',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    license='Apache License 2.0',
    packages=find_packages(include=['hih_mmpose', 'hih_mmpose.*']),
    # the verified interpreter (tools/setup_env.sh, CI): CPython 3.11
    python_requires='>=3.11,<3.12',
    # tools/setup_env.sh is the verified install: it builds mmcv 2.1.0 with
    # its ops and installs mmpose 1.3.2 and MediaPipe without their
    # dependency lists (mmpose's requires chumpy, which no longer builds;
    # MediaPipe's pulls jax, a second OpenCV and protobuf<5), which plain
    # pins cannot express. `import hih_mmpose` checks the stack's versions.
    install_requires=['numpy', 'scipy'],
    extras_require={
        # the OpenMMLab stack's runtime imports, ONNX / OpenVINO deployment
        'runtime': parse_requirements('runtime'),
        'deploy': ['onnx', 'onnxruntime', 'openvino==2026.4.1'],
        # BlazeFace (configs/detectors/blazeface.py); install with --no-deps
        'detector': parse_requirements('detector'),
        'tests': parse_requirements('tests'),
    },
    classifiers=[
        'Development Status :: 3 - Alpha',
        'Intended Audience :: Developers',
        'Intended Audience :: Science/Research',
        'License :: OSI Approved :: Apache Software License',
        'Operating System :: POSIX :: Linux',
        'Programming Language :: Python :: 3',
        'Programming Language :: Python :: 3 :: Only',
        'Programming Language :: Python :: 3.11',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
        'Topic :: Scientific/Engineering :: Image Recognition',
    ],
    zip_safe=False,
)
