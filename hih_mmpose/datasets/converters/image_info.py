# Copyright (c) hih_mmpose contributors. All rights reserved.
from typing import Tuple

from PIL import Image, UnidentifiedImageError


def image_size(path: str) -> Tuple[int, int]:
    """(width, height) of an image file, read from its header.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it is not a readable image.
    """
    try:
        with Image.open(path) as image:
            return image.size
    except FileNotFoundError:
        raise FileNotFoundError(f'image {path} does not exist') from None
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f'{path} is not a readable image: {error}') from None
