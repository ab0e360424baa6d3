"""The ground raster: surface type and road paint per cell, the ground truth for the road surface."""
import cv2
import numpy as np

from .materials import GROUND_SURFACES

SURFACE = {name: index for index, name in enumerate(GROUND_SURFACES)}
PAINT_NONE, PAINT_WHITE, PAINT_YELLOW = 0, 1, 2
_SUBPIXEL_BITS = 4


class GroundRaster:
    """Surface codes (`materials.GROUND_SURFACES`) and paint codes on a regular grid from (0, 0).

    Args:
        width, height: Extent in metres.
        resolution: Metres per cell.
    """

    def __init__(self, width: float, height: float, resolution: float) -> None:
        self.resolution = resolution
        shape = (int(np.ceil(height / resolution)), int(np.ceil(width / resolution)))
        self.surface = np.full(shape, SURFACE['terrain'], np.uint8)
        self.paint = np.zeros(shape, np.uint8)

    def _pixels(self, corners: np.ndarray) -> np.ndarray:
        scaled = np.asarray(corners) / self.resolution * (1 << _SUBPIXEL_BITS)
        return np.round(scaled - 0.5 * (1 << _SUBPIXEL_BITS)).astype(np.int32)[None]

    def fill(self, corners: np.ndarray, surface: str) -> None:
        """Set the surface inside a polygon [N, 2] (metres)."""
        cv2.fillPoly(self.surface, self._pixels(corners), int(SURFACE[surface]), shift=_SUBPIXEL_BITS)

    def paint_polygon(self, corners: np.ndarray, paint: int) -> None:
        """Paint a marking polygon [N, 2]."""
        cv2.fillPoly(self.paint, self._pixels(corners), int(paint), shift=_SUBPIXEL_BITS)

    def lookup(self, x: np.ndarray, y: np.ndarray) -> tuple:
        """Surface and paint codes at points (metres); outside the raster: terrain, no paint."""
        col = np.floor(np.asarray(x) / self.resolution).astype(np.int64)
        row = np.floor(np.asarray(y) / self.resolution).astype(np.int64)
        inside = (row >= 0) & (row < self.surface.shape[0]) & (col >= 0) & (col < self.surface.shape[1])
        row, col = np.where(inside, row, 0), np.where(inside, col, 0)
        surface = np.where(inside, self.surface[row, col], SURFACE['terrain'])
        paint = np.where(inside, self.paint[row, col], PAINT_NONE)
        return surface, paint
