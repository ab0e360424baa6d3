"""One figure per sample: BEV boxes, map segmentation, occupancy and the cameras, whichever exist."""
from typing import Dict, List, Optional

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .bev_boxes import draw_bev
from .cameras import draw_camera
from ..evaluation import MAP_CLASSES
from .dense_maps import (MAP_HALF_EXTENT, OCC_HALF_EXTENT, add_map_legend, draw_raster, map_overlay,
                         occupancy_top_view)
from .palettes import GT_COLOR, PRED_COLOR

CAMERA_NAMES = ('CAM_FRONT', 'CAM_FRONT_RIGHT', 'CAM_FRONT_LEFT', 'CAM_BACK', 'CAM_BACK_LEFT', 'CAM_BACK_RIGHT')
PANEL_INCHES = 4.0


def _ego_to_lidar_2d(sample) -> Optional[np.ndarray]:
    """``[3, 3]`` x-y part of ``inv(lidar2ego)``: Occ3D's ego-frame grid into the LiDAR frame (None: no pose)."""
    if 'lidar2ego' not in sample.metainfo:
        return None
    ego_to_lidar = np.linalg.inv(np.asarray(sample.metainfo['lidar2ego'], dtype=np.float64))
    return ego_to_lidar[np.ix_([0, 1, 3], [0, 1, 3])]


def _top_panels(sample) -> List[str]:
    panels = ['bev'] if 'pred_instances_3d' in sample else []
    if 'pred_map_bev' in sample:
        panels += ['map_gt', 'map_pred'] if 'gt_map_bev' in sample else ['map_pred']
    if 'pred_occupancy' in sample:
        panels += ['occ_gt', 'occ_pred'] if 'gt_occupancy' in sample else ['occ_pred']
    return panels


def _draw_top(ax, panel: str, sample, points: Optional[torch.Tensor], gt_boxes, score_threshold: float) -> None:
    if panel == 'bev':
        predictions = getattr(sample, 'pred_instances_3d', None)
        draw_bev(ax, points, gt_boxes, predictions.bboxes_3d if predictions is not None else None,
                 predictions.scores_3d if predictions is not None else None, score_threshold=score_threshold)
    elif panel.startswith('map'):
        masks = sample.gt_map_bev if panel == 'map_gt' else sample.pred_map_bev
        draw_raster(ax, map_overlay(masks), 'map: ground truth' if panel == 'map_gt' else 'map: prediction >= 0.5',
                    MAP_HALF_EXTENT)
        add_map_legend(ax, MAP_CLASSES)
    else:
        labels = sample.gt_occupancy if panel == 'occ_gt' else sample.pred_occupancy
        draw_raster(ax, occupancy_top_view(labels).transpose(1, 0, 2),
                    'occupancy (top view): ' + ('ground truth' if panel == 'occ_gt' else 'prediction'),
                    OCC_HALF_EXTENT, _ego_to_lidar_2d(sample))


def sample_figure(sample, inputs: Dict, gt_boxes=None, score_threshold: float = 0.3) -> Figure:
    """Compose the panels of one predicted ``Det3DDataSample``.

    Args:
        sample: the data sample with ``pred_*`` (and, when present, ``gt_*``) fields and metainfo.
        inputs: this sample's inputs: ``points`` ``[N, C]`` and ``img`` ``[num_cams, 3, H, W]`` (BGR), if any.
        gt_boxes: ground-truth ``LiDARInstance3DBoxes`` to draw in the BEV panel, or None.
        score_threshold: boxes scoring below it are not drawn.

    Returns:
        A matplotlib figure (Agg canvas attached) ready for ``savefig``.
    """
    panels = _top_panels(sample)
    images = inputs.get('img')
    with_cameras = images is not None and 'lidar2img' in sample.metainfo
    columns = max(len(panels), 3)
    rows = 1 + (2 if with_cameras else 0)
    figure = Figure(figsize=(PANEL_INCHES * columns, PANEL_INCHES * rows * (0.8 if with_cameras else 1)))
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(rows, columns)
    for column, panel in enumerate(panels):
        _draw_top(figure.add_subplot(grid[0, column]), panel, sample, inputs.get('points'), gt_boxes,
                  score_threshold)
    if with_cameras:
        predictions = getattr(sample, 'pred_instances_3d', None)
        boxes = None
        if predictions is not None:
            boxes = predictions.bboxes_3d[predictions.scores_3d.cpu() >= score_threshold]
        augmentation = sample.metainfo['img_aug_matrix']  # the contract: identity when images are not augmented
        for index, (image, name) in enumerate(zip(images, CAMERA_NAMES)):
            ax = figure.add_subplot(grid[1 + index // 3, index % 3])
            draw_camera(ax, image, [(gt_boxes, GT_COLOR), (boxes, PRED_COLOR)],
                        np.asarray(sample.metainfo['lidar2img'][index]), np.asarray(augmentation[index]), name)
    figure.suptitle(f'sample {sample.metainfo.get("token", "")}', fontsize=10)
    figure.tight_layout()
    return figure
