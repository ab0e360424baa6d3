"""Occ3D occupancy labels and their camera-visibility mask, exactly as stored (ego frame)."""
import os.path as osp
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform
from mmdet3d.registry import TRANSFORMS

from ..errors import DataFileError
from ..occupancy_grid import OccupancyGrid


@TRANSFORMS.register_module()
class LoadOccupancy(BaseTransform):
    """Add ``gt_occupancy`` (uint8 labels 0..17) and ``gt_occupancy_mask`` (bool) from ``occ_path``.

    Occ3D stores ``[200, 200, 16]`` labels in the ego frame. They are kept there, untouched by any BEV
    augmentation, so training targets and the metric's ground truth are the official files voxel for
    voxel; the occupancy head maps its ego-frame voxel centres into the augmented LiDAR frame it
    computes in (through ``lidar2ego`` and ``lidar_aug_matrix``) instead.

    Args:
        mask_key: Visibility mask in the label file: ``'mask_camera'`` (the common protocol) or
            ``'mask_lidar'``.
        grid: ``dict(point_cloud_range, voxel_size)`` the files must match. Default: Occ3D-nuScenes.
    """

    def __init__(self, mask_key: str = 'mask_camera', grid: Optional[dict] = None) -> None:
        self.mask_key = mask_key
        self.grid = OccupancyGrid(**(grid or {}))

    def read(self, path: str) -> tuple:
        """``(semantics, mask)`` of a label file, ego frame, checked against the grid."""
        if not osp.isfile(path):
            raise FileNotFoundError(f'occupancy labels {path} do not exist; put Occ3D-nuScenes gts/ into the data '
                                    'root (the built-in world writes them) or drop LoadOccupancy from the pipeline.')
        with np.load(path) as labels:
            missing = {'semantics', self.mask_key} - set(labels.files)
            if missing:
                raise DataFileError(f'occupancy labels {path} lack {sorted(missing)} (have {labels.files}).')
            semantics, mask = labels['semantics'], labels[self.mask_key]
        for name, array in (('semantics', semantics), (self.mask_key, mask)):
            if array.shape != self.grid.shape:
                raise DataFileError(f'occupancy labels {path}: {name} has shape {array.shape}, expected '
                                    f'{self.grid.shape} for grid {self.grid}.')
        return semantics.astype(np.uint8), mask.astype(bool)

    def transform(self, results: dict) -> dict:
        results['gt_occupancy'], results['gt_occupancy_mask'] = self.read(results['occ_path'])
        return results
