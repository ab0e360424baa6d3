"""Metric BEV rasters (row along +y, column along +x) and nearest-neighbour resampling between them."""
from dataclasses import dataclass
from typing import Tuple

import numpy as np


@dataclass(frozen=True)
class BEVGrid:
    """A metric BEV raster: ``mask[c, row, col]``, row along +y, col along +x, cells of ``resolution`` m.

    Pixel ``(row, col)`` covers x in ``[x_min + col * res, x_min + (col + 1) * res)`` and the same for y.
    """
    x_range: Tuple[float, float] = (-50.0, 50.0)
    y_range: Tuple[float, float] = (-50.0, 50.0)
    resolution: float = 0.5

    @property
    def shape(self) -> Tuple[int, int]:
        """``(rows, cols)``."""
        return (int(round((self.y_range[1] - self.y_range[0]) / self.resolution)),
                int(round((self.x_range[1] - self.x_range[0]) / self.resolution)))

    def expanded(self, margin: float) -> 'BEVGrid':
        """The same lattice grown by ``margin`` metres on every side (rounded to whole cells)."""
        cells = np.ceil(margin / self.resolution) * self.resolution
        return BEVGrid((self.x_range[0] - cells, self.x_range[1] + cells),
                       (self.y_range[0] - cells, self.y_range[1] + cells), self.resolution)

    def pixel_centres(self) -> np.ndarray:
        """``[rows, cols, 2]`` metric (x, y) of every pixel centre."""
        xs = self.x_range[0] + (np.arange(self.shape[1]) + 0.5) * self.resolution
        ys = self.y_range[0] + (np.arange(self.shape[0]) + 0.5) * self.resolution
        return np.stack(np.meshgrid(xs, ys, indexing='xy'), axis=-1)


def resample_nearest(source: np.ndarray, source_grid: BEVGrid, target_grid: BEVGrid, target2source: np.ndarray,
                     fill: int = 0) -> np.ndarray:
    """Nearest-neighbour lookup of a ``[C, H, W]`` raster at the pixel centres of another grid.

    Args:
        source: Raster over ``source_grid``.
        source_grid: Its grid.
        target_grid: Grid of the result.
        target2source: ``[4, 4]``; only its xy part is used (BEV).
        fill: Value of pixels that fall outside the source.

    Returns:
        np.ndarray: ``[C, *target_grid.shape]``; outside pixels hold ``fill``.
    """
    centres = target_grid.pixel_centres().reshape(-1, 2)
    xy = centres @ target2source[:2, :2].T + target2source[:2, 3]
    cols = np.floor((xy[:, 0] - source_grid.x_range[0]) / source_grid.resolution).astype(np.int64)
    rows = np.floor((xy[:, 1] - source_grid.y_range[0]) / source_grid.resolution).astype(np.int64)
    inside = (rows >= 0) & (rows < source_grid.shape[0]) & (cols >= 0) & (cols < source_grid.shape[1])
    result = np.full((source.shape[0], centres.shape[0]), fill, source.dtype)
    result[:, inside] = source[:, rows[inside], cols[inside]]
    return result.reshape(source.shape[0], *target_grid.shape)
