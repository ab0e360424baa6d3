"""Map-segmentation and occupancy panels, drawn in metres in the LiDAR frame like the BEV panel.

The map raster is in the LiDAR frame (row = y, column = x, 100 m square); Occ3D's occupancy stays in the
ego frame (80 m square, ``[x, y, z]``) and is placed into the LiDAR frame through ``lidar2ego``.
"""
from typing import Optional

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.transforms import Affine2D

from ..datasets.occupancy_grid import FREE_LABEL
from .palettes import MAP_COLORS, OCC_COLORS

MAP_HALF_EXTENT = 50.0  # metres: BEVFusion's 100 m map square (docs/architecture.md)
OCC_HALF_EXTENT = 40.0  # metres: Occ3D's 80 m grid


def map_overlay(masks: torch.Tensor, threshold: float = 0.5) -> np.ndarray:
    """``[H, W, 3]`` image of ``[C, H, W]`` masks or probabilities (>= threshold), later classes on top."""
    image = np.ones((*masks.shape[1:], 3))
    for channel, color in zip(masks.detach().cpu().float().numpy(), MAP_COLORS):
        image[channel >= threshold] = color
    return image


def add_map_legend(ax: Axes, class_names) -> None:
    """Name the colour of each map class."""
    handles = [Patch(color=color, label=name) for name, color in zip(class_names, MAP_COLORS)]
    ax.legend(handles=handles, fontsize=6, loc='lower left', framealpha=0.7)


def occupancy_top_view(labels: torch.Tensor) -> np.ndarray:
    """``[X, Y, 3]`` colours of the highest non-free voxel of each column of ``[X, Y, Z]`` labels."""
    grid = labels.detach().cpu().long().numpy()
    occupied = grid != FREE_LABEL
    top = grid.shape[2] - 1 - np.argmax(occupied[:, :, ::-1], axis=2)
    column = np.take_along_axis(grid, top[..., None], axis=2)[..., 0]
    column[~occupied.any(axis=2)] = FREE_LABEL
    return OCC_COLORS[column]


def draw_raster(ax: Axes, image: np.ndarray, title: str, half_extent: float,
                frame_to_lidar: Optional[np.ndarray] = None, view_extent: float = MAP_HALF_EXTENT) -> None:
    """Show a ``[Y, X, 3]`` raster (row = y) covering ``+-half_extent`` metres, in LiDAR-frame metres.

    Args:
        ax: the axes to draw in.
        image: the raster, row 0 at the lowest y.
        title: panel title.
        half_extent: half the side of the square the raster covers, metres.
        frame_to_lidar: ``[3, 3]`` 2D transform from the raster's frame to the LiDAR frame (None: the same).
        view_extent: half the side of the square shown, metres.
    """
    shown = ax.imshow(image, origin='lower', interpolation='nearest',
                      extent=(-half_extent, half_extent, -half_extent, half_extent))
    if frame_to_lidar is not None:
        shown.set_transform(Affine2D(frame_to_lidar) + ax.transData)
    ax.set_xlim(-view_extent, view_extent)
    ax.set_ylim(-view_extent, view_extent)
    ax.set_aspect('equal')
    ax.set_title(title, fontsize=9)
