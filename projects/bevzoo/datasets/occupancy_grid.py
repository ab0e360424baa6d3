"""The Occ3D-nuScenes voxel grid and how its ego-frame labels are carried into the model's LiDAR frame."""
from dataclasses import dataclass
from typing import Tuple

import numpy as np

from .bev_grid import BEVGrid, resample_nearest

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


def ego_labels_to_lidar(labels: np.ndarray, grid: OccupancyGrid, lidar2ego: np.ndarray,
                        lidar_aug_matrix: np.ndarray, fill: int) -> np.ndarray:
    """Carry an Occ3D ``[X, Y, Z]`` array from the ego frame into the (augmented) LiDAR frame.

    The result lives on the same grid with x, y along the augmented LiDAR axes (centred on the LiDAR) and
    z the Occ3D height levels of the ego frame (ground at level 2). Each output column ``(i, j)`` copies
    the ego column under its centre (nearest neighbour in xy, roll / pitch of the LiDAR ignored). Whole
    voxels are copied, so 90-degree rotations and flips about a voxel-aligned origin are exact; other
    angles, scales and the LiDAR's offset from the ego origin move labels by at most half a voxel
    (0.2 m). Heights are not scaled by a BEV scale augmentation.

    Args:
        labels: ``[X, Y, Z]`` ego-frame labels or mask.
        grid: The Occ3D grid (the same extent is used in both frames).
        lidar2ego: ``[4, 4]`` LiDAR pose in the ego frame.
        lidar_aug_matrix: ``[4, 4]`` BEV augmentation of the LiDAR frame.
        fill: Value of output voxels whose column falls outside the ego grid.

    Returns:
        np.ndarray: ``[X, Y, Z]`` in the augmented LiDAR frame, same dtype.
    """
    augmented2ego = np.asarray(lidar2ego) @ np.linalg.inv(lidar_aug_matrix)
    columns = np.ascontiguousarray(labels.transpose(2, 1, 0))  # [Z, Y, X]: a BEV raster per height level
    moved = resample_nearest(columns, grid.bev, grid.bev, augmented2ego, fill=fill)
    return moved.transpose(2, 1, 0)
