"""Box encoding of the query head: BEV cell units for centres, log sizes, (sin, cos) yaw."""
from typing import Dict, Sequence

import torch
from torch import Tensor

from mmdet3d.structures import LiDARInstance3DBoxes

CODE_SIZE = 10  # x, y (cells), z (gravity centre), log l, log w, log h, sin, cos, vx, vy


class QueryBoxCoder:
    """Encodes ``LiDARInstance3DBoxes`` to regression targets and decodes head outputs back to boxes.

    Args:
        point_cloud_range: ``[x_min, y_min, z_min, x_max, y_max, z_max]`` of the BEV.
        voxel_size: ``[dx, dy, dz]`` voxel size; a BEV cell of the head is ``voxel_size * out_size_factor``.
        out_size_factor: stride of the head's BEV relative to the voxel grid.
    """

    def __init__(self, point_cloud_range: Sequence[float], voxel_size: Sequence[float], out_size_factor: int) -> None:
        self.origin = torch.tensor(point_cloud_range[:2], dtype=torch.float32)
        self.cell = torch.tensor(voxel_size[:2], dtype=torch.float32) * out_size_factor
        self.range_size = torch.tensor(point_cloud_range[3:5], dtype=torch.float32) - self.origin

    def grid_shape(self) -> tuple:
        """``(Y, X)`` cells of the head's BEV."""
        y_cells, x_cells = (self.range_size / self.cell).round().long().tolist()[::-1]
        return y_cells, x_cells

    def centres_in_cells(self, xy: Tensor) -> Tensor:
        """``[..., 2]`` metres -> ``[..., 2]`` BEV cell coordinates (continuous)."""
        return (xy - self.origin.to(xy)) / self.cell.to(xy)

    def normalized_centres(self, cells: Tensor) -> Tensor:
        """``[..., 2]`` cell coordinates -> ``[..., 2]`` fractions of the BEV extent (for matching costs)."""
        return cells * self.cell.to(cells) / self.range_size.to(cells)

    def encode(self, boxes: LiDARInstance3DBoxes) -> Tensor:
        """``M`` boxes (9-dim, with velocity) -> ``[M, 10]`` targets."""
        tensor = boxes.tensor
        if tensor.shape[1] < 9:
            raise ValueError(f'QueryBoxCoder needs 9-dim boxes with velocity, got {tensor.shape[1]}-dim boxes')
        return torch.cat([self.centres_in_cells(tensor[:, :2]), boxes.gravity_center[:, 2:3], boxes.dims.log(),
                          boxes.yaw[:, None].sin(), boxes.yaw[:, None].cos(), tensor[:, 7:9]], dim=1)

    @staticmethod
    def stack_predictions(preds: Dict[str, Tensor]) -> Tensor:
        """Head outputs ``center, height, dim, rot, vel`` of ``[B, k, Q]`` -> ``[B, Q, 10]`` in code order."""
        return torch.cat([preds[name] for name in ('center', 'height', 'dim', 'rot', 'vel')], dim=1).transpose(1, 2)

    def decode(self, codes: Tensor) -> LiDARInstance3DBoxes:
        """``[Q, 10]`` codes (centres in absolute cells) -> boxes with bottom centres and velocity."""
        xy = codes[:, :2] * self.cell.to(codes) + self.origin.to(codes)
        dims = codes[:, 3:6].exp()
        z_bottom = codes[:, 2:3] - dims[:, 2:3] / 2
        yaw = torch.atan2(codes[:, 6:7], codes[:, 7:8])
        return LiDARInstance3DBoxes(torch.cat([xy, z_bottom, dims, yaw, codes[:, 8:10]], dim=1), box_dim=9)
