"""Resamples a BEV feature map from the grid the model computes on to the grid a task head predicts on.

The detection, map and occupancy grids of a multi-task model differ in extent and cell size (e.g. a
108 m detection BEV at 0.6 m, a 100 m map at 0.5 m, an 80 m occupancy grid at 0.4 m), so every dense
head declares its own grid and bilinearly resamples the shared BEV onto it (as BEVFusion's map head
does). Both grids use the BEV layout of the data-sample contract: ``[B, C, Y, X]``, row = y index,
column = x index, cell centres at ``min + (index + 0.5) * cell``. A head whose grid lives in another
frame (the occupancy head's Occ3D grid is in the ego frame, the BEV in the augmented LiDAR frame)
passes a per-sample 2D transform from its grid's frame into the BEV's.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def _check_range(name: str, bev_range: Sequence[float]) -> Tuple[float, float, float, float]:
    if len(bev_range) != 4:
        raise ValueError(f'{name} must be [x_min, y_min, x_max, y_max] in metres, got {list(bev_range)}')
    x_min, y_min, x_max, y_max = (float(v) for v in bev_range)
    if not (x_max > x_min and y_max > y_min):
        raise ValueError(f'{name} must have x_max > x_min and y_max > y_min, got {list(bev_range)}')
    return x_min, y_min, x_max, y_max


class BEVGridResampler(nn.Module):
    """Bilinear resampling of ``[B, C, H, W]`` BEV features onto a target metric grid.

    Args:
        source_range: ``[x_min, y_min, x_max, y_max]`` (m) covered by the incoming BEV map (the
            model's BEV extent, whatever its resolution).
        target_range: ``[x_min, y_min, x_max, y_max]`` (m) of the head's grid.
        target_cell: cell size (m) of the head's grid; the extent must be a whole number of cells.

    Target cells outside the source extent read zeros.
    """

    def __init__(self, source_range: Sequence[float], target_range: Sequence[float], target_cell: float) -> None:
        super().__init__()
        self.source_range = _check_range('source_range', source_range)
        self.target_range = _check_range('target_range', target_range)
        if target_cell <= 0:
            raise ValueError(f'target_cell must be positive, got {target_cell}')
        x_min, y_min, x_max, y_max = self.target_range
        size_x, size_y = (x_max - x_min) / target_cell, (y_max - y_min) / target_cell
        if abs(size_x - round(size_x)) > 1e-6 or abs(size_y - round(size_y)) > 1e-6:
            raise ValueError(f'target_range {list(target_range)} is not a whole number of {target_cell} m cells')
        self.target_shape = (round(size_y), round(size_x))  # (H, W)
        self.register_buffer('cell_centres', self._cell_centres(target_cell), persistent=False)
        self.register_buffer('grid', self._normalised(self.cell_centres).unsqueeze(0), persistent=False)

    def _cell_centres(self, cell: float) -> Tensor:
        """Metric ``(x, y)`` of every target cell centre, ``[H, W, 2]``."""
        x_min, y_min, _, _ = self.target_range
        height, width = self.target_shape
        xs = x_min + (torch.arange(width, dtype=torch.float64) + 0.5) * cell
        ys = y_min + (torch.arange(height, dtype=torch.float64) + 0.5) * cell
        grid_y, grid_x = torch.meshgrid(ys, xs, indexing='ij')
        return torch.stack([grid_x, grid_y], dim=-1).float()

    def _normalised(self, xy: Tensor) -> Tensor:
        """Source-map coordinates in grid_sample's [-1, 1] (align_corners=False: +-1 are the outer edges)."""
        sx_min, sy_min, sx_max, sy_max = self.source_range
        low, size = xy.new_tensor([sx_min, sy_min]), xy.new_tensor([sx_max - sx_min, sy_max - sy_min])
        return (xy - low) / size * 2 - 1

    def forward(self, bev: Tensor, target2source: Optional[Tensor] = None) -> Tensor:
        """Resample ``bev`` ``[B, C, H_src, W_src]`` to ``[B, C, H, W]`` (the target shape).

        Args:
            bev: the BEV map.
            target2source: optional ``[B, 3, 3]`` homogeneous 2D transforms taking metric ``(x, y)`` of the
                target grid's frame into the BEV's frame (default: the frames coincide).
        """
        if bev.dim() != 4:
            raise ValueError(f'BEVGridResampler expects a [B, C, H, W] BEV map, got shape {tuple(bev.shape)}')
        if target2source is None:
            grid = self.grid.expand(bev.shape[0], -1, -1, -1)
        else:
            if target2source.shape != (bev.shape[0], 3, 3):
                raise ValueError(f'target2source must be [B={bev.shape[0]}, 3, 3], got {tuple(target2source.shape)}')
            transform = target2source.to(self.cell_centres)
            rotated = torch.einsum('bij,hwj->bhwi', transform[:, :2, :2], self.cell_centres)
            moved = rotated + transform[:, None, None, :2, 2]
            grid = self._normalised(moved)
        return F.grid_sample(bev, grid.to(bev.dtype), mode='bilinear', padding_mode='zeros', align_corners=False)

    def extra_repr(self) -> str:
        return f'source_range={self.source_range}, target_range={self.target_range}, target_shape={self.target_shape}'
