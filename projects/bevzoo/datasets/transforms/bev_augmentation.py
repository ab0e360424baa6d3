"""Global BEV augmentation (rotation, scale, translation, flips) of points and boxes as one 4x4 matrix."""
from typing import Sequence, Tuple

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmdet3d.registry import TRANSFORMS
from mmdet3d.structures import BaseInstance3DBoxes
from mmdet3d.structures.points import BasePoints

DENSE_TARGETS_AFTER_AUG = ('gt_map_bev',)  # occupancy stays in the ego frame: order-free


def bev_similarity(angle: float, scale: float, translation: Sequence[float], flip_x: bool,
                   flip_y: bool) -> np.ndarray:
    """``[4, 4]`` matrix: rotate about z by ``angle`` (rad, +x towards +y), scale, translate, then negate x
    and / or y."""
    cos, sin = np.cos(angle), np.sin(angle)
    matrix = np.eye(4)
    matrix[:3, :3] = scale * np.array([[cos, -sin, 0.0], [sin, cos, 0.0], [0.0, 0.0, 1.0]])
    matrix[:3, 3] = translation
    flips = np.diag([-1.0 if flip_x else 1.0, -1.0 if flip_y else 1.0, 1.0, 1.0])
    return flips @ matrix


def transform_boxes(boxes: BaseInstance3DBoxes, matrix: np.ndarray) -> BaseInstance3DBoxes:
    """Apply a BEV similarity (z-rotation x uniform scale x xy flips, plus translation) to boxes.

    Centres move with the matrix, sizes scale, the yaw follows the rotated heading vector and the
    velocity (columns 7, 8) is rotated and scaled like a displacement. Returns new boxes.
    """
    linear = torch.as_tensor(matrix[:3, :3], dtype=boxes.tensor.dtype)
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:2, :2]))))
    data = boxes.tensor.clone()
    data[:, :3] = boxes.tensor[:, :3] @ linear.T + torch.as_tensor(matrix[:3, 3], dtype=data.dtype)
    data[:, 3:6] *= scale
    yaw = boxes.tensor[:, 6]
    heading = torch.stack([torch.cos(yaw), torch.sin(yaw)], dim=-1) @ linear[:2, :2].T
    data[:, 6] = torch.atan2(heading[:, 1], heading[:, 0])
    if data.shape[1] > 7:
        data[:, 7:9] = boxes.tensor[:, 7:9] @ linear[:2, :2].T
    return boxes.new_box(data)


def transform_lidar_points(points: BasePoints, matrix: np.ndarray) -> BasePoints:
    """Apply a 4x4 transform to the xyz columns of points; returns new points."""
    data = points.tensor.clone()
    linear = torch.as_tensor(matrix[:3, :3], dtype=data.dtype)
    data[:, :3] = points.tensor[:, :3] @ linear.T + torch.as_tensor(matrix[:3, 3], dtype=data.dtype)
    return points.new_point(data)


@TRANSFORMS.register_module()
class GlobalBEVAug(BaseTransform):
    """Randomly rotate, scale, translate and flip the LiDAR frame; compose it onto ``lidar_aug_matrix``.

    Points and ``gt_bboxes_3d`` are transformed here. The camera matrices keep referring to the
    un-augmented frame: a point of the augmented frame projects with
    ``lidar2img @ inv(lidar_aug_matrix)``. Dense targets are built afterwards, directly in the augmented
    frame, from ``lidar_aug_matrix``: the map mask (``LoadBEVMapMask``) and the occupancy labels
    (``LoadOccupancy``) must therefore come later in the pipeline.

    Args:
        rotation_range: Range of the rotation in radians.
        scale_range: Range of the uniform scale.
        translation_std: Standard deviation of the translation (x, y, z) in metres.
        flip_x_prob: Probability of negating x.
        flip_y_prob: Probability of negating y.
    """

    def __init__(self, rotation_range: Tuple[float, float] = (0.0, 0.0),
                 scale_range: Tuple[float, float] = (1.0, 1.0),
                 translation_std: Sequence[float] = (0.0, 0.0, 0.0), flip_x_prob: float = 0.0,
                 flip_y_prob: float = 0.0) -> None:
        self.rotation_range = rotation_range
        self.scale_range = scale_range
        self.translation_std = np.asarray(translation_std, dtype=np.float64)
        self.flip_x_prob = flip_x_prob
        self.flip_y_prob = flip_y_prob

    def _draw(self) -> np.ndarray:
        return bev_similarity(angle=np.random.uniform(*self.rotation_range),
                              scale=np.random.uniform(*self.scale_range),
                              translation=np.random.normal(0.0, 1.0, 3) * self.translation_std,
                              flip_x=np.random.rand() < self.flip_x_prob,
                              flip_y=np.random.rand() < self.flip_y_prob)

    def transform(self, results: dict) -> dict:
        loaded = [key for key in DENSE_TARGETS_AFTER_AUG if key in results]
        if loaded:
            raise RuntimeError(f'{type(self).__name__} found {loaded} already loaded; put LoadBEVMapMask after '
                               'the BEV augmentation: it rasterises the map in the augmented frame.')
        matrix = self._draw()
        if 'points' in results:
            results['points'] = transform_lidar_points(results['points'], matrix)
        if 'gt_bboxes_3d' in results:
            results['gt_bboxes_3d'] = transform_boxes(results['gt_bboxes_3d'], matrix)
        results['lidar_aug_matrix'] = matrix @ results['lidar_aug_matrix']
        return results
