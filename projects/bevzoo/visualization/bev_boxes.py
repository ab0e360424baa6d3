"""Top-down panel: LiDAR points with ground-truth and predicted boxes."""
from typing import Optional

import numpy as np
import torch
from matplotlib.axes import Axes

from .palettes import GT_COLOR, PRED_COLOR

BOTTOM_CORNERS = [0, 3, 7, 4, 0]  # mmdet3d corner order: the bottom face, closed


def box_footprints(boxes) -> np.ndarray:
    """``[N, 5, 2]`` closed bottom outlines (x, y) of mmdet3d 3D boxes."""
    if boxes is None or len(boxes) == 0:
        return np.zeros((0, 5, 2))
    return boxes.corners[:, BOTTOM_CORNERS, :2].detach().cpu().numpy()


def draw_bev(ax: Axes, points: Optional[torch.Tensor], gt_boxes, pred_boxes, pred_scores: Optional[torch.Tensor],
             extent: float = 54.0, score_threshold: float = 0.3) -> None:
    """Draw points ``[N, >=2]`` (LiDAR frame), ground truth in green, predictions above a score in red.

    Args:
        ax: the axes to draw in.
        points: LiDAR points, or None.
        gt_boxes: ground-truth ``LiDARInstance3DBoxes`` or None.
        pred_boxes: predicted ``LiDARInstance3DBoxes`` or None.
        pred_scores: ``[M]`` prediction scores (None: all drawn).
        extent: half-width of the shown square, metres.
        score_threshold: predictions below it are not drawn.
    """
    if points is not None:
        xy = points[:, :2].detach().cpu().numpy()
        ax.scatter(xy[:, 0], xy[:, 1], s=0.2, c='0.35', linewidths=0)
    for outline in box_footprints(gt_boxes):
        ax.plot(outline[:, 0], outline[:, 1], color=GT_COLOR, linewidth=1.2)
    keep = slice(None) if pred_scores is None else (pred_scores.detach().cpu() >= score_threshold).numpy()
    for outline in box_footprints(pred_boxes)[keep]:
        ax.plot(outline[:, 0], outline[:, 1], color=PRED_COLOR, linewidth=1.0)
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect('equal')
    ax.set_title(f'BEV: ground truth (green), predictions >= {score_threshold} (red)', fontsize=9)
