"""Rasterise NuScenesMap layers into a LiDAR-centred BEV grid, with an on-disk cache per sample."""
import hashlib
import os
import os.path as osp
from typing import Dict, Optional, Sequence

import cv2
import numpy as np
from shapely.geometry.base import BaseGeometry

from .bev_grid import BEVGrid
from .geometry import yaw_of

SUBPIXEL_BITS = 4  # cv2 fixed-point precision for polygon vertices


class MapMaskRasterizer:
    """Draw map classes (each a union of NuScenesMap layers) over a grid in a sensor's frame.

    Geometry comes from the devkit (``NuScenesMap.get_map_geom``); drawing is ours because the devkit's
    line drawing iterates multi-part geometries, which shapely 2 forbids, and it rounds vertices to whole
    pixels. Polygons are filled at ``1/16`` pixel precision; lines are drawn ``line_width`` metres wide.

    Args:
        data_root: nuScenes root holding ``maps/expansion/<location>.json``.
        class_layers: Output class -> NuScenesMap layers drawn into it, in channel order.
        line_width: Width of line layers (dividers) in metres.
    """

    def __init__(self, data_root: str, class_layers: Dict[str, Sequence[str]], line_width: float = 1.0) -> None:
        self.data_root = data_root
        self.class_layers = {name: tuple(layers) for name, layers in class_layers.items()}
        self.line_width = line_width
        self._maps: Dict[str, object] = {}

    def _map(self, location: str):
        if location not in self._maps:
            from nuscenes.map_expansion.map_api import NuScenesMap
            json_path = osp.join(self.data_root, 'maps', 'expansion', f'{location}.json')
            if not osp.isfile(json_path):
                raise FileNotFoundError(f'map expansion {json_path} does not exist; install the nuScenes map '
                                        'expansion (v1.3) into <data root>/maps/expansion/.')
            self._maps[location] = NuScenesMap(dataroot=self.data_root, map_name=location)
        return self._maps[location]

    def rasterize(self, location: str, sensor2global: np.ndarray, grid: BEVGrid) -> np.ndarray:
        """``[C, rows, cols]`` uint8 {0, 1} masks over ``grid`` in the sensor's frame (roll / pitch ignored).

        Args:
            location: Map name (the log's ``location``).
            sensor2global: ``[4, 4]`` pose of the frame the grid is defined in.
            grid: The raster.
        """
        centre_local = np.array([np.mean(grid.x_range), np.mean(grid.y_range)])
        yaw = yaw_of(sensor2global)
        rotation = np.array([[np.cos(yaw), -np.sin(yaw)], [np.sin(yaw), np.cos(yaw)]])
        centre_global = rotation @ centre_local + sensor2global[:2, 3]
        height = grid.y_range[1] - grid.y_range[0]
        width = grid.x_range[1] - grid.x_range[0]
        layers = sorted({layer for group in self.class_layers.values() for layer in group})
        geometry = dict(self._map(location).get_map_geom(
            (centre_global[0], centre_global[1], height, width), np.rad2deg(yaw), layers))
        # get_map_geom returns coordinates relative to the patch centre, axes along the sensor's x and y.
        to_pixels = np.array([grid.x_range[0] - centre_local[0], grid.y_range[0] - centre_local[1]])
        masks = np.zeros((len(self.class_layers), *grid.shape), np.uint8)
        for channel, group in enumerate(self.class_layers.values()):
            for layer in group:
                for geom in geometry[layer]:
                    self._draw(masks[channel], geom, to_pixels, grid.resolution)
        return masks

    def _draw(self, canvas: np.ndarray, geom: BaseGeometry, origin: np.ndarray, resolution: float) -> None:
        if geom.is_empty:
            return
        if hasattr(geom, 'geoms'):
            for part in geom.geoms:
                self._draw(canvas, part, origin, resolution)
            return

        def pixels(coords) -> np.ndarray:
            # cv2 pixel centres are integers; metric pixel centres sit at half cells.
            xy = (np.asarray(coords)[:, :2] - origin) / resolution - 0.5
            return np.round(xy * (1 << SUBPIXEL_BITS)).astype(np.int32)

        if geom.geom_type == 'Polygon':
            cv2.fillPoly(canvas, [pixels(geom.exterior.coords)], 1, shift=SUBPIXEL_BITS)
            holes = [pixels(ring.coords) for ring in geom.interiors]
            if holes:
                cv2.fillPoly(canvas, holes, 0, shift=SUBPIXEL_BITS)
        elif geom.geom_type == 'LineString':
            thickness = max(1, int(round(self.line_width / resolution)))
            cv2.polylines(canvas, [pixels(geom.coords)], False, 1, thickness, shift=SUBPIXEL_BITS)


class MaskCache:
    """Per-sample masks stored as bit-packed compressed ``.npz`` files, safe with parallel workers.

    Args:
        cache_dir: Folder of the cache; None keeps nothing.
        key: Settings the masks depend on; a change starts a fresh sub-folder.
    """

    def __init__(self, cache_dir: Optional[str], key: str) -> None:
        digest = hashlib.md5(key.encode()).hexdigest()[:12]
        self.folder = osp.join(cache_dir, digest) if cache_dir else None

    def load(self, name: str) -> Optional[np.ndarray]:
        """The cached ``[C, H, W]`` uint8 mask, or None."""
        if self.folder is None or not osp.isfile(osp.join(self.folder, f'{name}.npz')):
            return None
        with np.load(osp.join(self.folder, f'{name}.npz')) as stored:
            shape = tuple(stored['shape'])
            return np.unpackbits(stored['bits'], count=int(np.prod(shape))).reshape(shape)

    def save(self, name: str, mask: np.ndarray) -> None:
        if self.folder is None:
            return
        os.makedirs(self.folder, exist_ok=True)
        temporary = osp.join(self.folder, f'.{name}.{os.getpid()}.npz')
        np.savez_compressed(temporary, bits=np.packbits(mask.astype(bool)), shape=np.array(mask.shape))
        os.replace(temporary, osp.join(self.folder, f'{name}.npz'))
