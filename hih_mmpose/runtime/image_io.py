# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The one image loader of the API, the demo and the tools.

An image's size is read from its file header before anything decodes it:
a few-megabyte PNG can hold a 30000 x 30000 picture whose decoded 2.7 GB
array takes the process down in the face detector. Images above
:data:`MAX_IMAGE_PIXELS` are refused with an error that names their size and
the limit; pass ``max_pixels`` (or set the module attribute, e.g.
``hih_mmpose.runtime.image_io.MAX_IMAGE_PIXELS = 200_000_000``) to raise it.
"""
import os.path as osp
import struct
from typing import Optional, Tuple, Union

import cv2
import numpy as np
from PIL import Image

from .validation import check_number

ImageType = Union[str, np.ndarray]

#: Default pixel limit (width x height): 100 megapixels, a 10000 x 10000
#: image, larger than any camera photo a face tool meets.
MAX_IMAGE_PIXELS = 100_000_000


class ImageTooLargeError(ValueError):
    """An image with more pixels than the limit."""


def image_size(path: str) -> Tuple[int, int]:
    """(width, height) of an image file, read from its header (nothing is
    decoded) by PIL's format plugins directly, so that PIL's process-wide
    decompression-bomb limit is neither hit nor changed (other threads'
    loads keep it).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it is not an image PIL can identify.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'image {path} does not exist')
    with open(path, 'rb') as f:
        prefix = f.read(16)
        for load_plugins in (Image.preinit, Image.init):
            load_plugins()
            for name in list(Image.ID):
                factory, accept = Image.OPEN[name]
                accepted = True if accept is None else accept(prefix)
                if not accepted or isinstance(accepted, str):
                    continue
                f.seek(0)
                try:  # (what Image.open does, less its bomb check)
                    return factory(f, path).size
                except (SyntaxError, IndexError, TypeError, ValueError,
                        OSError, EOFError, struct.error):
                    continue
    raise ValueError(f'{path} is not a readable image')


def check_image_pixels(width: int, height: int, source: str,
                       max_pixels: Optional[int] = None) -> None:
    """Refuse an image of more than ``max_pixels`` pixels.

    Args:
        width (int): Image width.
        height (int): Image height.
        source (str): What to call the image in the error (a path).
        max_pixels (int, optional): The limit; ``None``:
            :data:`MAX_IMAGE_PIXELS`.

    Raises:
        ImageTooLargeError: Above the limit.
    """
    if max_pixels is not None:
        check_number('max_pixels', max_pixels, 1, integer=True)
    limit = MAX_IMAGE_PIXELS if max_pixels is None else max_pixels
    if width * height > limit:
        raise ImageTooLargeError(
            f'{source} is {width} x {height} = {width * height:,} pixels, '
            f'more than the limit of {limit:,}; pass max_pixels (the demo: '
            '--max-pixels) to allow it')


def load_image(image: ImageType,
               max_pixels: Optional[int] = None) -> np.ndarray:
    """Read an image path or accept an array; return BGR uint8 (H, W, 3).

    A file's size is checked from its header first (see the module). It
    is then read as OpenCV's ``imread`` reads colour images: the EXIF
    orientation of a phone photo is applied, 16-bit images are scaled to 8
    bits, gray is made BGR and an alpha channel dropped. Arrays: gray
    (H, W) and BGRA (H, W, 4) are converted, uint16 is scaled to 8 bits the
    same way (``>> 8``).

    Args:
        image (str | np.ndarray): Path or array.
        max_pixels (int, optional): Pixel limit; ``None``:
            :data:`MAX_IMAGE_PIXELS`.

    Raises:
        FileNotFoundError: For a path that does not exist.
        ImageTooLargeError: For an image above the pixel limit.
        ValueError: For a file that is not a readable image or an array of
            another shape or type.
    """
    if isinstance(image, str):
        try:
            width, height = image_size(image)
        except ValueError:
            # a format PIL does not know: OpenCV decides (its own limit is
            # 2^30 pixels)
            width = height = 0
        check_image_pixels(width, height, image, max_pixels)
        array = cv2.imread(image, cv2.IMREAD_COLOR)
        if array is None:
            raise ValueError(f'{image} is not a readable image')
        return array
    if not isinstance(image, np.ndarray):
        raise TypeError('image must be a path (str) or a numpy array, got '
                        f'{type(image).__name__}')
    if image.size == 0:
        raise ValueError(f'the image is empty (shape {image.shape})')
    if image.ndim in (2, 3):
        check_image_pixels(image.shape[1], image.shape[0], 'the image array',
                           max_pixels)
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    if image.dtype != np.uint8:
        raise ValueError(
            f'expected a uint8 or uint16 image, got {image.dtype}')
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    raise ValueError(f'expected an (H, W), (H, W, 3) or (H, W, 4) image, '
                     f'got shape {image.shape}')
