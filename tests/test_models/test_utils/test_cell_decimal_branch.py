# Copyright (c) hih_mmpose contributors. All rights reserved.
import pytest
import torch

from mmpose.registry import MODELS
from hih_mmpose.models.utils import gather_cell_windows


def test_gather_cell_windows_exact():
    """Windows read the map around each cell; outside the map reads 0."""
    maps = torch.arange(2 * 5 * 6, dtype=torch.float32).view(1, 2, 5, 6)
    cells = torch.tensor([[[2, 3], [0, 0], [5, 4]]])  # (x, y)
    windows = gather_cell_windows(maps, cells, 3)
    assert windows.shape == (1, 3, 2, 9)
    # interior cell (x=2, y=3): rows 2..4, columns 1..3 of each channel
    for c in range(2):
        expected = maps[0, c, 2:5, 1:4].flatten()
        torch.testing.assert_close(windows[0, 0, c], expected)
    # top-left corner: the first row and column are padding
    corner = windows[0, 1, 0].view(3, 3)
    torch.testing.assert_close(corner[0], torch.zeros(3))
    torch.testing.assert_close(corner[:, 0], torch.zeros(3))
    torch.testing.assert_close(corner[1:, 1:], maps[0, 0, 0:2, 0:2])
    # bottom-right corner
    corner = windows[0, 2, 1].view(3, 3)
    torch.testing.assert_close(corner[:2, :2], maps[0, 1, 3:5, 4:6])
    assert corner[2].abs().sum() == 0 and corner[:, 2].abs().sum() == 0


def build_branch(**kwargs):
    cfg = dict(type='CellDecimalBranch', in_channels=8, num_keypoints=3,
               decimal_size=(8, 8), channels=4, window=3,
               hidden_channels=16)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_shapes_and_gradients():
    torch.manual_seed(0)
    branch = build_branch()
    stream = torch.randn(2, 8, 16, 16, requires_grad=True)
    heatmaps = torch.rand(2, 3, 16, 16, requires_grad=True)
    cells = torch.randint(0, 16, (2, 3, 2))
    logits = branch(stream, heatmaps, cells)
    assert logits.shape == (2, 3, 8, 8)
    logits.square().sum().backward()
    assert stream.grad.abs().sum() > 0
    assert heatmaps.grad is None  # the heatmap input is detached

    detached = build_branch(detach_stream=True)
    stream.grad = None
    detached(stream, heatmaps, cells).sum().backward()
    # a zero gradient, not none (distributed training needs one)
    assert stream.grad is not None and stream.grad.abs().sum() == 0
    assert detached.fc_out.weight.grad.abs().sum() > 0


def test_reads_only_the_window():
    """Changing the stream far from every cell changes nothing."""
    torch.manual_seed(0)
    branch = build_branch().eval()
    stream = torch.randn(1, 8, 16, 16)
    heatmaps = torch.rand(1, 3, 16, 16)
    cells = torch.tensor([[[2, 2], [3, 2], [2, 3]]])
    before = branch(stream, heatmaps, cells)
    stream[..., 10:, 10:] += 5.
    heatmaps[..., 10:, 10:] += 5.
    torch.testing.assert_close(branch(stream, heatmaps, cells), before)
    cells[0, 0] = torch.tensor([12, 12])
    assert not torch.allclose(branch(stream, heatmaps, cells)[0, 0],
                              before[0, 0])


def test_bad_window():
    with pytest.raises(ValueError, match='odd'):
        build_branch(window=4)
