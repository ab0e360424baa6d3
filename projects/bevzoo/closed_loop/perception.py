"""From a model's predictions (a ``Det3DDataSample``) to what the planner reads, in the ego frame.

Perception runs at a lower rate than control; :class:`PerceivedScene` keeps the ego pose of the moment
the sensors were read, so that every control tick can move the perceived objects and drivable area into
its own ego frame (objects also move with their predicted velocity).
"""
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .frames import Pose2D, relative_transform
from .planner import OBJECT_FIELDS, BevRaster

PEDESTRIAN_CLASSES = ('pedestrian',)


@dataclass(frozen=True)
class MapGrid:
    """Where a map head's ``pred_map_bev`` lies in the LiDAR frame: ``[x_min, y_min, x_max, y_max]`` and
    cell size in metres (row = y index, column = x index)."""
    grid_range: Sequence[float]
    cell: float

    def grid_from_lidar(self) -> np.ndarray:
        x_min, y_min = self.grid_range[0], self.grid_range[1]
        return np.array([[1.0 / self.cell, 0.0, -x_min / self.cell],
                         [0.0, 1.0 / self.cell, -y_min / self.cell], [0.0, 0.0, 1.0]])


@dataclass(frozen=True)
class PerceivedScene:
    """Perception output in the ego frame of the capture time.

    Attributes:
        pose: Ego pose when the sensors were read.
        time: Simulation time of the capture, s.
        objects: ``[K, 8]`` ``(x, y, length, width, yaw, vx, vy, is_pedestrian)`` in the capture ego frame.
        drivable: Drivable-area raster in the capture ego frame, or None.
    """
    pose: Pose2D
    time: float
    objects: np.ndarray
    drivable: Optional[BevRaster]

    def in_frame_of(self, pose: Pose2D, time: float) -> tuple:
        """Objects (advanced to ``time`` with their velocity) and drivable area in the ego frame of ``pose``."""
        transform = relative_transform(self.pose, pose)
        rotation = transform[:2, :2]
        objects = self.objects.copy()
        if len(objects):
            moved = objects[:, :2] + objects[:, 5:7] * (time - self.time)
            objects[:, :2] = moved @ rotation.T + transform[:2, 2]
            objects[:, 4] += np.arctan2(rotation[1, 0], rotation[0, 0])
            objects[:, 5:7] = objects[:, 5:7] @ rotation.T
        drivable = None
        if self.drivable is not None:
            drivable = BevRaster(self.drivable.values, self.drivable.grid_from_ego @ np.linalg.inv(transform))
        return objects, drivable


def objects_from_prediction(sample, lidar2ego: np.ndarray, class_names: Sequence[str],
                            score_threshold: float) -> np.ndarray:
    """``[K, 8]`` ego-frame objects from ``sample.pred_instances_3d`` (``LiDARInstance3DBoxes`` with
    velocity); boxes below ``score_threshold`` are dropped."""
    if 'pred_instances_3d' not in sample:
        return np.zeros((0, OBJECT_FIELDS))
    instances = sample.pred_instances_3d
    keep = (instances.scores_3d >= score_threshold).cpu().numpy()
    boxes = instances.bboxes_3d.tensor.detach().cpu().numpy()[keep]
    labels = instances.labels_3d.cpu().numpy()[keep]
    if len(boxes) == 0:
        return np.zeros((0, OBJECT_FIELDS))
    centres = boxes[:, :3] @ lidar2ego[:3, :3].T + lidar2ego[:3, 3]
    velocity = np.zeros((len(boxes), 3))
    if boxes.shape[1] >= 9:
        velocity[:, :2] = boxes[:, 7:9]
    velocity = velocity @ lidar2ego[:3, :3].T
    yaw = boxes[:, 6] + np.arctan2(lidar2ego[1, 0], lidar2ego[0, 0])
    is_pedestrian = np.array([class_names[label] in PEDESTRIAN_CLASSES for label in labels], dtype=np.float64)
    return np.stack([centres[:, 0], centres[:, 1], boxes[:, 3], boxes[:, 4], yaw, velocity[:, 0], velocity[:, 1],
                     is_pedestrian], axis=1)


def drivable_from_prediction(sample, lidar2ego: np.ndarray, grid: MapGrid, channel: int) -> Optional[BevRaster]:
    """The drivable-area channel of ``sample.pred_map_bev`` as an ego-frame raster (None without a map head)."""
    if 'pred_map_bev' not in sample:
        return None
    values = sample.pred_map_bev[channel].detach().cpu().numpy()
    lidar_from_ego = np.linalg.inv(lidar2ego)
    ego_to_lidar_2d = np.array([[lidar_from_ego[0, 0], lidar_from_ego[0, 1], lidar_from_ego[0, 3]],
                                [lidar_from_ego[1, 0], lidar_from_ego[1, 1], lidar_from_ego[1, 3]],
                                [0.0, 0.0, 1.0]])
    return BevRaster(values, grid.grid_from_lidar() @ ego_to_lidar_2d)
