"""Map-segmentation and occupancy panels (row = y, column = x, y up as in the BEV panel)."""
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from .palettes import MAP_COLORS, OCC_COLORS

FREE_LABEL = 17


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


def draw_image(ax: Axes, image: np.ndarray, title: str, x_first: bool = False) -> None:
    """Show a BEV raster with y up; ``x_first`` for arrays indexed [x, y] (occupancy)."""
    ax.imshow(image.transpose(1, 0, 2) if x_first else image, origin='lower', interpolation='nearest')
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
