# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The image loader checks an image's size from its file header before
anything decodes it: a small file that would decode into gigabytes gets a
clear error, in the API, the demo and the converters."""
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

from hih_mmpose.apis import FaceLandmarker
from hih_mmpose.runtime.image_io import (MAX_IMAGE_PIXELS, ImageTooLargeError,
                                         image_size, load_image)

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))


def test_huge_png_is_refused_from_its_header(tmp_path, png_header):
    path = str(tmp_path / 'bomb.png')
    png_header(path, 30000, 30000)
    assert image_size(path) == (30000, 30000)
    message = (r'bomb\.png is 30000 x 30000 = 900,000,000 pixels, more than '
               r'the limit of 100,000,000')
    with pytest.raises(ImageTooLargeError, match=message):
        load_image(path)
    assert issubclass(ImageTooLargeError, ValueError)
    assert MAX_IMAGE_PIXELS == 100_000_000
    # the limit is configurable: a header-only file above a lower limit
    small = str(tmp_path / 'small.png')
    png_header(small, 400, 300)
    with pytest.raises(ImageTooLargeError, match='limit of 100,000'):
        load_image(small, max_pixels=100_000)
    # arrays are held to the same limit (no decoding to save, but the
    # detector would still receive them)
    with pytest.raises(ImageTooLargeError, match='400 x 300'):
        load_image(np.zeros((300, 400, 3), np.uint8), max_pixels=100_000)


def test_landmarker_and_demo_refuse_it(tiny_hih, tmp_path, png_header):
    config, checkpoint = tiny_hih
    path = str(tmp_path / 'bomb.png')
    png_header(path, 30000, 30000)
    landmarker = FaceLandmarker(config, checkpoint)
    with pytest.raises(ImageTooLargeError, match='30000 x 30000'):
        landmarker(path)
    result = subprocess.run(
        [sys.executable, 'demo/face_demo.py', path, '--config', config,
         '--checkpoint', checkpoint],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert '30000 x 30000 = 900,000,000 pixels' in result.stderr
    assert 'Segmentation fault' not in result.stderr


def test_wrong_types_are_named():
    with pytest.raises(TypeError, match='a path .* or a numpy array, got int'):
        load_image(3)
    with pytest.raises(ValueError, match='uint8 or uint16'):
        load_image(np.zeros((4, 4, 3), np.float32))


@pytest.mark.parametrize('bad', [float('nan'), '100', 0, 2.5])
def test_max_pixels_is_checked(bad):
    """A pixel limit that is not a whole number >= 1 is named (NaN used to
    turn the limit off: every comparison with it is false)."""
    with pytest.raises((TypeError, ValueError), match='max_pixels'):
        load_image(np.zeros((4, 4, 3), np.uint8), max_pixels=bad)


def test_the_size_check_leaves_pil_alone(tmp_path, png_header):
    """The header is read without PIL's process-wide decompression-bomb
    limit: a tiny limit set by someone else stays set and does not stop our
    check (it used to be switched off while an image was opened, for every
    thread of the process)."""
    from PIL import Image
    path = str(tmp_path / 'wide.png')
    png_header(path, 300, 200)
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = 1000
    try:
        assert image_size(path) == (300, 200)
        assert Image.MAX_IMAGE_PIXELS == 1000
        with pytest.raises(Image.DecompressionBombError):
            Image.open(path)
    finally:
        Image.MAX_IMAGE_PIXELS = previous
