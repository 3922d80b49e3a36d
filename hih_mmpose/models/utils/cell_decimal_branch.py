# Copyright (c) hih_mmpose contributors. All rights reserved.
from typing import Tuple, Union

import torch
from mmcv.cnn import ConvModule
from mmengine.utils import to_2tuple
from torch import Tensor, nn

from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType


def gather_cell_windows(maps: Tensor, cells: Tensor, window: int) -> Tensor:
    """Values of ``maps`` in a ``window x window`` square around each cell.

    Positions outside the map read 0. Implemented with ``gather`` on a
    zero-padded map, so it runs batched on any device and exports to ONNX.

    Note:

        - batch size: B
        - channels: C
        - keypoint number: K
        - map size: [W, H]
        - window: S (odd)

    Args:
        maps (Tensor): Maps in shape (B, C, H, W).
        cells (Tensor): Integer cells ``(x, y)`` in shape (B, K, 2), each in
            ``[0, W - 1] x [0, H - 1]``.
        window (int): Odd side S of the square, centred on the cell.

    Returns:
        Tensor: Shape (B, K, C, S * S); the last axis runs row by row from
        the window's top-left corner.
    """
    radius = window // 2
    batch, channels, height, width = maps.shape
    num_keypoints = cells.shape[1]
    padded = nn.functional.pad(maps, (radius, radius, radius, radius))
    padded_width = width + 2 * radius
    steps = torch.arange(window, device=maps.device)
    # top-left corner of the window in the padded map is the cell itself
    rows = cells[..., 1:2] + steps  # (B, K, S)
    cols = cells[..., 0:1] + steps  # (B, K, S)
    index = (rows[..., :, None] * padded_width + cols[..., None, :])
    index = index.reshape(batch, 1, num_keypoints * window * window)
    values = padded.flatten(2).gather(
        2, index.expand(batch, channels, index.shape[-1]))
    values = values.view(batch, channels, num_keypoints, window * window)
    return values.transpose(1, 2)


@MODELS.register_module()
class CellDecimalBranch(nn.Module):
    """Decimal branch that classifies the sub-cell interval from what lies
    around each keypoint's integer cell.

    HIH's decimal heatmap, ``Hd x Wd`` interval logits per keypoint, predicted
    locally: the stream features (reduced by a 1x1 conv-BN-ReLU to
    ``channels``) and the keypoint's own integer heatmap are read in an
    ``S x S`` window centred on the keypoint's integer cell, and a small MLP
    shared by all keypoints (plus a learned per-keypoint bias in the hidden
    layer) maps them to the ``Hd * Wd`` logits. The cell is the ground-truth
    cell in training and the integer heatmap's argmax at inference, the cell
    the HIH decoder adds the decimal part to.

    The published branch instead convolves and pools the whole stream down
    to ``Hd x Wd``, so map position (i, j) sees image region (i, j): to put
    keypoint k's sub-cell phase at a map position it has to carry it there
    through its receptive field. This branch looks where the keypoint is.

    Note:

        - batch size: B
        - stream channels: C
        - keypoint number: K
        - integer heatmap size: [W, H]
        - decimal heatmap size: [Wd, Hd]

    Args:
        in_channels (int): Stream channels C.
        num_keypoints (int): Number of keypoints K.
        decimal_size (int | tuple): Decimal heatmap size [Wd, Hd].
            Defaults to ``(8, 8)``.
        channels (int): Channels the stream is reduced to. Defaults to ``32``.
        window (int): Odd side S of the window around the cell.
            Defaults to ``5``.
        hidden_channels (int): Width of the two hidden MLP layers.
            Defaults to ``256``.
        use_heatmap (bool): Also read the keypoint's integer heatmap in the
            window (detached: the decimal loss does not train the integer
            heatmaps through this input). Defaults to ``True``.
        detach_stream (bool): Stop the decimal loss's gradient at the
            stream, so the backbone learns from the integer heatmaps alone
            and the branch cannot disturb them. The stream stays in the
            autograd graph with a zero gradient, so that every parameter
            still receives a gradient (distributed training requires it of
            the layers that produce the stream). Defaults to ``False``.
        norm_cfg (dict): Normalisation of the reduction conv.
            Defaults to ``dict(type='BN')``.
    """

    def __init__(self,
                 in_channels: int,
                 num_keypoints: int,
                 decimal_size: Union[int, Tuple[int, int]] = (8, 8),
                 channels: int = 32,
                 window: int = 5,
                 hidden_channels: int = 256,
                 use_heatmap: bool = True,
                 detach_stream: bool = False,
                 norm_cfg: ConfigType = dict(type='BN')) -> None:
        super().__init__()
        if window < 1 or window % 2 == 0:
            raise ValueError(f'{self.__class__.__name__}: window must be a '
                             f'positive odd number, got {window}')
        self.decimal_size = tuple(to_2tuple(decimal_size))
        self.window = window
        self.use_heatmap = use_heatmap
        self.detach_stream = detach_stream
        self.reduce = ConvModule(in_channels, channels, 1, norm_cfg=norm_cfg)
        area = window * window
        in_features = channels * area + (area if use_heatmap else 0)
        self.fc1 = nn.Linear(in_features, hidden_channels)
        self.keypoint_bias = nn.Parameter(
            torch.zeros(num_keypoints, hidden_channels))
        self.fc2 = nn.Linear(hidden_channels, hidden_channels)
        self.fc_out = nn.Linear(hidden_channels,
                                self.decimal_size[0] * self.decimal_size[1])
        self.relu = nn.ReLU(inplace=True)

    def forward(self, stream: Tensor, heatmaps: Tensor,
                cells: Tensor) -> Tensor:
        """Decimal logits of every keypoint.

        Args:
            stream (Tensor): Stream features in shape (B, C, H, W).
            heatmaps (Tensor): Integer heatmaps in shape (B, K, H, W).
            cells (Tensor): Integer cells ``(x, y)`` (int64) in shape
                (B, K, 2).

        Returns:
            Tensor: Decimal logits in shape (B, K, Hd, Wd).
        """
        batch, num_keypoints = cells.shape[:2]
        if self.detach_stream:
            # the stream's value, a zero gradient
            stream = stream.detach() + stream * 0.
        windows = gather_cell_windows(self.reduce(stream), cells,
                                      self.window).flatten(2)
        if self.use_heatmap:
            # each keypoint's own heatmap: gather on (B * K, 1, H, W)
            heatmap_windows = gather_cell_windows(
                heatmaps.detach().flatten(0, 1)[:, None],
                cells.flatten(0, 1)[:, None], self.window)
            windows = torch.cat(
                [windows, heatmap_windows.view(batch, num_keypoints, -1)], -1)
        hidden = self.relu(self.fc1(windows) + self.keypoint_bias)
        hidden = self.relu(self.fc2(hidden))
        logits = self.fc_out(hidden)
        return logits.view(batch, num_keypoints, self.decimal_size[1],
                           self.decimal_size[0])
