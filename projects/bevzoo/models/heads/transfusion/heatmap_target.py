"""Gaussian class heatmaps of ground-truth box centres on the head's BEV grid."""
from typing import Tuple

from torch import Tensor

from mmdet3d.models.utils import draw_heatmap_gaussian, gaussian_radius
from mmdet3d.structures import LiDARInstance3DBoxes
from .box_coder import QueryBoxCoder


def gaussian_heatmap(boxes: LiDARInstance3DBoxes, labels: Tensor, num_classes: int, box_coder: QueryBoxCoder,
                     grid_shape: Tuple[int, int], gaussian_overlap: float = 0.1, min_radius: int = 2) -> Tensor:
    """CenterNet-style target heatmap.

    Args:
        boxes: ``M`` ground-truth boxes.
        labels: ``[M]`` their classes in ``[0, num_classes)``.
        num_classes: heatmap channels ``K``.
        box_coder: gives the grid (origin, cell size) of the heatmap.
        grid_shape: ``(Y, X)`` of the heatmap.
        gaussian_overlap: minimum overlap used to size the Gaussian (CenterNet's radius rule).
        min_radius: smallest Gaussian radius in cells.

    Returns:
        ``[K, Y, X]`` heatmap in ``[0, 1]``, 1 at each box's centre cell.
    """
    heatmap = boxes.tensor.new_zeros(num_classes, *grid_shape)
    cells = box_coder.centres_in_cells(boxes.tensor[:, :2])
    sizes = boxes.dims[:, :2] / box_coder.cell.to(cells)
    for cell, size, label in zip(cells, sizes, labels):
        centre = cell.floor().int()
        if not (0 <= centre[0] < grid_shape[1] and 0 <= centre[1] < grid_shape[0]):
            continue
        radius = max(min_radius, int(gaussian_radius((size[1], size[0]), min_overlap=gaussian_overlap)))
        draw_heatmap_gaussian(heatmap[label], centre, radius)
    return heatmap
