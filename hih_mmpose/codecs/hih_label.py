# Copyright (c) hih_mmpose contributors. All rights reserved.
from typing import List, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.utils import to_2tuple
from torch import Tensor

from mmpose.codecs.base import BaseKeypointCodec
from mmpose.registry import KEYPOINT_CODECS
from .hih_decoding import DECIMAL_DECODES, decode_hih, decode_hih_torch
from .hih_targets import gaussian_heatmaps, split_coordinates

IntPair = Union[int, Tuple[int, int]]


@KEYPOINT_CODECS.register_module()
class HIHLabel(BaseKeypointCodec):
    """Encode keypoints as an integer heatmap plus a decimal heatmap, as in
    `Heatmap in Heatmap`_ (HIH) by Lan et al (2021).

    A coordinate in heatmap units is split into its integer cell, a Gaussian
    peak on the integer heatmap, and its decimal part, classified into the
    ``w x h`` sub-pixel intervals of a small decimal heatmap (trained with a
    Gaussian soft label, see :class:`SeamlessLoss`).

    Pixel convention: an input-image keypoint ``x`` (mmpose's convention,
    pixel centres at integers) has heatmap coordinate
    ``u = (x + 0.5) / stride``, so heatmap cell ``i`` covers input pixels
    ``stride * i ... stride * (i + 1) - 1``, the cells of a stride-4 feature
    map. Decoding inverts this exactly.

    Differences from the published encoder (both at edges only):
    the integer Gaussian peaks at the keypoint's cell for every cell (the
    published one is shifted one cell right/down for cells 0-4), and a
    decimal part that rounds up to a whole cell carries into the next cell
    (the published one centres the decimal target outside the map).

    Note:

        - instance number: N
        - keypoint number: K
        - keypoint dimension: D (2)
        - image size: [w, h]
        - integer heatmap size: [W, H]
        - decimal heatmap size: [Wd, Hd]

    Encoded:

        - heatmaps (np.ndarray): Integer heatmaps in shape (K, H, W), peak 1.
        - decimal_heatmaps (np.ndarray): Decimal Gaussian targets (before
          the softmax of the loss) in shape (N, K, Hd, Wd).
        - keypoint_weights (np.ndarray): Target weights in shape (N, K): 0
          for invisible keypoints and keypoints outside the input image.
        - keypoint_coords (np.ndarray): The keypoints in heatmap units
          ``(x + 0.5) / stride`` in shape (N, K, 2) (0 where the weight is
          0), from which a head can make decimal targets for any cell.

    Args:
        input_size (int | tuple): Input image size [w, h].
            Defaults to ``(256, 256)``.
        heatmap_size (int | tuple): Integer heatmap size [W, H]; the stride
            ``w / W`` must equal ``h / H``. Defaults to ``(64, 64)``.
        decimal_size (int | tuple): Decimal heatmap size [Wd, Hd].
            Defaults to ``(8, 8)``.
        sigma (float): Sigma of the integer Gaussian in heatmap cells.
            Defaults to ``1.5``.
        decimal_sigma (float): Sigma of the decimal Gaussian in decimal
            cells. Defaults to ``1.0``.
        mask_decimal (bool): When decoding, ignore a decimal map whose
            logits are all <= 0, as the published decoder does.
            Defaults to ``True``.
        decimal_decode (str): How to decode: ``'argmax'`` of the decimal
            map (published), its ``'expectation'`` under the softmax of
            the logits, or ``'expectation_dark'``, the mean of that
            coordinate and mmpose's DARK refinement of the integer heatmap
            (measured best under annotation noise, see
            ``docs/wild_faces.md``). Defaults to ``'argmax'``.
        blur_kernel_size (int): DARK's Gaussian blur kernel size (odd,
            >= 3) for ``'expectation_dark'``. Defaults to ``3``.

    .. _`Heatmap in Heatmap`: https://arxiv.org/abs/2104.03100
    """

    field_mapping_table = dict(heatmaps='heatmaps')
    # (the occlusion labels are packed when GetKeypointOcclusion made them)
    label_mapping_table = dict(
        keypoint_weights='keypoint_weights',
        decimal_heatmaps='decimal_heatmaps',
        keypoint_coords='keypoint_coords',
        keypoint_occlusion='keypoint_occlusion',
        keypoint_occlusion_weights='keypoint_occlusion_weights')

    def __init__(self,
                 input_size: IntPair = (256, 256),
                 heatmap_size: IntPair = (64, 64),
                 decimal_size: IntPair = (8, 8),
                 sigma: float = 1.5,
                 decimal_sigma: float = 1.0,
                 mask_decimal: bool = True,
                 decimal_decode: str = 'argmax',
                 blur_kernel_size: int = 3) -> None:
        super().__init__()
        self.input_size = tuple(to_2tuple(input_size))
        self.heatmap_size = tuple(to_2tuple(heatmap_size))
        self.decimal_size = tuple(to_2tuple(decimal_size))
        for name in ('input_size', 'heatmap_size', 'decimal_size'):
            size = getattr(self, name)
            if len(size) != 2 or min(size) < 1:
                raise ValueError(f'{self.__class__.__name__}: {name} must be '
                                 f'two positive ints [w, h], got {size}')
        stride = np.array(self.input_size) / np.array(self.heatmap_size)
        if stride[0] != stride[1]:
            raise ValueError(
                f'{self.__class__.__name__}: input_size {self.input_size} and '
                f'heatmap_size {self.heatmap_size} give different strides '
                f'{tuple(stride)} along x and y')
        if sigma <= 0 or decimal_sigma <= 0:
            raise ValueError(f'{self.__class__.__name__}: sigmas must be > 0, '
                             f'got sigma={sigma}, '
                             f'decimal_sigma={decimal_sigma}')
        self.stride = float(stride[0])
        self.sigma = sigma
        self.decimal_sigma = decimal_sigma
        self.mask_decimal = mask_decimal
        if decimal_decode not in DECIMAL_DECODES:
            raise ValueError(
                f'{self.__class__.__name__}: decimal_decode must be one of '
                f'{DECIMAL_DECODES}, got {decimal_decode!r}')
        self.decimal_decode = decimal_decode
        if blur_kernel_size < 3 or blur_kernel_size % 2 != 1:
            raise ValueError(
                f'{self.__class__.__name__}: blur_kernel_size must be odd and '
                f'>= 3, got {blur_kernel_size}')
        self.blur_kernel_size = blur_kernel_size

    def encode(self,
               keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """Encode keypoints (input-image pixels) into HIH targets.

        Args:
            keypoints (np.ndarray): Keypoint coordinates in shape (1, K, 2).
            keypoints_visible (np.ndarray, optional): Keypoint visibilities
                in shape (1, K). Defaults to all visible.

        Returns:
            dict: ``heatmaps`` (K, H, W), ``decimal_heatmaps``
            (1, K, Hd, Wd), ``keypoint_weights`` (1, K) and
            ``keypoint_coords`` (1, K, 2), all float32.
        """
        if keypoints.ndim != 3 or keypoints.shape[0] != 1 or \
                keypoints.shape[2] != 2:
            raise ValueError(
                f'{self.__class__.__name__} encodes one instance of 2-D '
                f'keypoints, shape (1, K, 2); got {keypoints.shape}')
        if keypoints_visible is None:
            keypoints_visible = np.ones(keypoints.shape[:2], dtype=np.float32)

        coords = (keypoints[0] + 0.5) / self.stride  # (K, 2) heatmap units
        inside = np.all((coords >= 0) & (coords < self.heatmap_size), axis=1)
        weights = np.where(inside, keypoints_visible[0], 0.)
        valid = weights > 0
        coords = np.where(valid[:, None], coords, 0.)  # also drops NaN/inf

        cells, bins = split_coordinates(coords, self.heatmap_size,
                                        self.decimal_size,
                                        self.decimal_sigma)
        mask = valid[:, None, None]
        heatmaps = gaussian_heatmaps(cells, self.heatmap_size,
                                     self.sigma) * mask
        decimal_heatmaps = gaussian_heatmaps(bins, self.decimal_size,
                                             self.decimal_sigma) * mask
        return dict(
            heatmaps=heatmaps,
            decimal_heatmaps=decimal_heatmaps[None],
            keypoint_weights=weights[None].astype(np.float32),
            keypoint_coords=coords[None].astype(np.float32))

    def decode(self, integer_heatmaps: np.ndarray,
               decimal_logits: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Decode one sample's maps into input-image keypoints (numpy).

        Args:
            integer_heatmaps (np.ndarray): Integer heatmaps in shape
                (K, H, W) or (1, K, H, W).
            decimal_logits (np.ndarray): Decimal logits in shape
                (K, Hd, Wd) or (1, K, Hd, Wd).

        Returns:
            tuple:
            - keypoints (np.ndarray): Keypoints in input-image pixels,
              shape (1, K, 2).
            - scores (np.ndarray): Scores in [0, 1], shape (1, K).
        """
        integer_heatmaps = integer_heatmaps.reshape(
            (1, ) + integer_heatmaps.shape[-3:])
        decimal_logits = decimal_logits.reshape((1, ) +
                                                decimal_logits.shape[-3:])
        coords, scores = decode_hih(integer_heatmaps, decimal_logits,
                                    self.mask_decimal, self.decimal_decode,
                                    self.blur_kernel_size)
        return coords * self.stride - 0.5, scores

    def decode_torch(self, integer_heatmaps: Tensor,
                     decimal_logits: Tensor) -> Tuple[Tensor, Tensor]:
        """Decode a batch on the tensors' device.

        Args:
            integer_heatmaps (Tensor): Shape (N, K, H, W).
            decimal_logits (Tensor): Shape (N, K, Hd, Wd).

        Returns:
            tuple: keypoints in input-image pixels (N, K, 2) and scores in
            [0, 1] (N, K), as tensors on the input device.
        """
        coords, scores = decode_hih_torch(integer_heatmaps, decimal_logits,
                                          self.mask_decimal,
                                          self.decimal_decode,
                                          self.blur_kernel_size)
        return coords * self.stride - 0.5, scores

    def batch_decode(
        self, integer_heatmaps: Tensor, decimal_logits: Tensor
    ) -> Tuple[List[np.ndarray], List[np.ndarray]]:
        """Decode a batch (called by mmpose heads with torch tensors).

        Args:
            integer_heatmaps (Tensor): Shape (N, K, H, W).
            decimal_logits (Tensor): Shape (N, K, Hd, Wd).

        Returns:
            tuple: lists of N keypoint arrays (1, K, 2) and N score arrays
            (1, K).
        """
        with torch.no_grad():
            keypoints, scores = self.decode_torch(integer_heatmaps,
                                                  decimal_logits)
        keypoints = keypoints.cpu().numpy()
        scores = scores.cpu().numpy()
        return ([kpts[None] for kpts in keypoints],
                [score[None] for score in scores])
