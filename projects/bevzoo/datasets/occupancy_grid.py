"""The Occ3D-nuScenes voxel grid (ego frame)."""
from dataclasses import dataclass
from typing import Tuple

import numpy as np

from .bev_grid import BEVGrid

FREE_LABEL = 17  # Occ3D's 'free'


@dataclass(frozen=True)
class OccupancyGrid:
    """An axis-aligned voxel grid; defaults are Occ3D-nuScenes' (200 x 200 x 16, 0.4 m).

    Label arrays have axes (x, y, z): ``labels[i, j, k]`` covers x in ``[x_min + i * voxel,
    x_min + (i + 1) * voxel)``, likewise y and z.
    """
    point_cloud_range: Tuple[float, ...] = (-40.0, -40.0, -1.0, 40.0, 40.0, 5.4)
    voxel_size: float = 0.4

    @property
    def shape(self) -> Tuple[int, int, int]:
        """``(X, Y, Z)`` voxel counts."""
        low, high = np.array(self.point_cloud_range[:3]), np.array(self.point_cloud_range[3:])
        return tuple(int(n) for n in np.round((high - low) / self.voxel_size))

    @property
    def bev(self) -> BEVGrid:
        """The grid's xy plane as a BEV raster."""
        x_min, y_min, _, x_max, y_max, _ = self.point_cloud_range
        return BEVGrid((x_min, x_max), (y_min, y_max), self.voxel_size)

    def voxel_index(self, xyz: np.ndarray) -> np.ndarray:
        """``[N, 3]`` integer voxel indices of points ``[N, 3]`` (may fall outside the grid)."""
        return np.floor((xyz - np.array(self.point_cloud_range[:3])) / self.voxel_size).astype(np.int64)

