"""BEV map segmentation targets in the (augmented) LiDAR frame."""
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform
from mmdet3d.registry import TRANSFORMS

from ..bev_grid import BEVGrid, resample_nearest
from ..constants import MAP_CLASS_LAYERS
from ..map_rasterizer import MapMaskRasterizer, MaskCache


@TRANSFORMS.register_module()
class LoadBEVMapMask(BaseTransform):
    """Add ``gt_map_bev``: ``[C, H, W]`` uint8 map classes over a LiDAR-centred grid in the augmented frame.

    ``gt_map_bev[c, row, col]`` is 1 where class ``c`` covers the point ``(x, y)`` of the model's
    (augmented) LiDAR frame with ``x = x_min + (col + 0.5) * res``, ``y = y_min + (row + 0.5) * res``.
    The un-augmented mask is rasterised once per sample from the devkit's ``NuScenesMap`` over the grid
    grown by ``cache_margin`` and cached on disk; each call then looks it up at
    ``inv(lidar_aug_matrix)`` of every output pixel (nearest neighbour), so it must run after
    ``GlobalBEVAug``. Without augmentation this is the rasterised mask itself. ``cache_margin`` must cover
    how far augmentation moves the grid's corners (rotation, scale below 1, translation); the default 35 m
    covers a 45 degree turn at scale 0.9 with 4 m of translation, and a sample beyond it is an error.

    Maps are read from ``<results['data_root']>/maps/expansion/`` (the dataset sets ``data_root``).

    Args:
        class_layers: Class -> NuScenesMap layers, in channel order. Default: the six BEVFusion classes.
        grid: ``dict(x_range, y_range, resolution)`` of the output. Default: 100 m square, 0.5 m cells.
        cache_dir: Folder of the on-disk cache, relative to the data root unless absolute; None
            rasterises every time.
        cache_margin: Metres added around the grid in the cached raster.
        line_width: Width of divider lines in metres.
    """

    def __init__(self, class_layers: Optional[Dict[str, Sequence[str]]] = None, grid: Optional[dict] = None,
                 cache_dir: Optional[str] = 'bevzoo_map_cache', cache_margin: float = 35.0,
                 line_width: float = 1.0) -> None:
        self.class_layers = dict(class_layers or MAP_CLASS_LAYERS)
        self.grid = BEVGrid(**(grid or {}))
        self.cache_grid = self.grid.expanded(cache_margin)
        self.cache_dir = cache_dir
        self.line_width = line_width
        self._sources: Dict[str, Tuple[MapMaskRasterizer, MaskCache]] = {}  # per data root

    def _source(self, data_root: str) -> Tuple[MapMaskRasterizer, MaskCache]:
        if data_root not in self._sources:
            cache_dir = osp.join(data_root, self.cache_dir) if self.cache_dir is not None else None
            key = repr((self.class_layers, self.cache_grid, self.line_width))
            self._sources[data_root] = (MapMaskRasterizer(data_root, self.class_layers, self.line_width),
                                        MaskCache(cache_dir, key))
        return self._sources[data_root]

    def unaugmented_mask(self, results: dict) -> Tuple[np.ndarray, BEVGrid]:
        """The cached raster of the sample in its un-augmented LiDAR frame, and its grid."""
        rasterizer, cache = self._source(results['data_root'])
        mask = cache.load(results['token'])
        if mask is None:
            lidar2global = results['ego2global'] @ results['lidar2ego']
            mask = rasterizer.rasterize(results['map_location'], lidar2global, self.cache_grid)
            cache.save(results['token'], mask)
        return mask, self.cache_grid

    def _check_covered(self, augmented2lidar: np.ndarray) -> None:
        corners = np.array([[x, y] for x in self.grid.x_range for y in self.grid.y_range])
        xy = corners @ augmented2lidar[:2, :2].T + augmented2lidar[:2, 3]
        low = np.array([self.cache_grid.x_range[0], self.cache_grid.y_range[0]])
        high = np.array([self.cache_grid.x_range[1], self.cache_grid.y_range[1]])
        if not np.all((xy >= low) & (xy <= high)):
            raise ValueError(f'{type(self).__name__}: the BEV augmentation moved the map grid beyond the cached '
                             f'raster (corners at {np.round(xy, 1).tolist()} m); raise cache_margin.')

    def transform(self, results: dict) -> dict:
        mask, mask_grid = self.unaugmented_mask(results)
        augmented2lidar = np.linalg.inv(results['lidar_aug_matrix'])
        self._check_covered(augmented2lidar)
        results['gt_map_bev'] = resample_nearest(mask, mask_grid, self.grid, augmented2lidar)
        return results
