# Copyright (c) hih_mmpose contributors. All rights reserved.
from setuptools import find_packages, setup


def get_version() -> str:
    scope = {}
    with open('hih_mmpose/version.py', encoding='utf-8') as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='hih_mmpose',
    version=get_version(),
    description='Heatmap in Heatmap (HIH) face alignment as an MMPose plugin',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    license='Apache License 2.0',
    packages=find_packages(include=['hih_mmpose', 'hih_mmpose.*']),
    python_requires='>=3.8',
    # The OpenMMLab stack is installed by tools/setup_env.sh: mmcv must be
    # built with ops and mmpose without its unbuildable chumpy requirement,
    # which plain requirement pins cannot express.
    install_requires=['numpy', 'scipy'],
    classifiers=[
        'License :: OSI Approved :: Apache Software License',
        'Programming Language :: Python :: 3',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
    zip_safe=False,
)
