"""Synthetic model inputs: a six-camera rig and batches of boxes, for smoke tests and model benchmarks that
must not depend on generated data (the batches are what the dataloader yields, before the data preprocessor)."""
import math
from typing import List, Sequence, Tuple

import numpy as np
import torch
from mmengine.structures import InstanceData

from mmdet3d.structures import Det3DDataSample, LiDARInstance3DBoxes

CAMERA_YAWS_DEG = (0.0, -55.0, 55.0, 180.0, 110.0, -110.0)  # FRONT, FRONT_RIGHT, FRONT_LEFT, BACK, BACK_LEFT, ...
CAMERA_HEIGHT = 0.3  # metres above the LiDAR origin


def camera_to_lidar(yaw: float) -> np.ndarray:
    """4x4 pose of a camera (x right, y down, z forward) looking along ``yaw`` in the LiDAR frame."""
    forward = np.array([math.cos(yaw), math.sin(yaw), 0.0])
    right = np.array([math.sin(yaw), -math.cos(yaw), 0.0])
    down = np.array([0.0, 0.0, -1.0])
    pose = np.eye(4)
    pose[:3, :3] = np.stack([right, down, forward], axis=1)
    pose[2, 3] = CAMERA_HEIGHT
    return pose


def intrinsics(image_size: Sequence[int], fov_deg: float = 70.0) -> np.ndarray:
    """4x4 pinhole intrinsics with the principal point at the image centre."""
    height, width = image_size
    focal = width / 2 / math.tan(math.radians(fov_deg) / 2)
    matrix = np.eye(4)
    matrix[0, 0] = matrix[1, 1] = focal
    matrix[0, 2], matrix[1, 2] = width / 2, height / 2
    return matrix


def camera_metainfo(image_size: Sequence[int], num_cams: int = 6) -> dict:
    """Metainfo keys of the data-sample contract for an unaugmented synthetic rig."""
    cam2lidar = np.stack([camera_to_lidar(math.radians(yaw)) for yaw in CAMERA_YAWS_DEG[:num_cams]])
    cam2img = np.stack([intrinsics(image_size)] * num_cams)
    lidar2cam = np.linalg.inv(cam2lidar)
    return dict(cam2img=cam2img, cam2lidar=cam2lidar, lidar2cam=lidar2cam, lidar2img=cam2img @ lidar2cam,
                img_aug_matrix=np.stack([np.eye(4)] * num_cams), lidar_aug_matrix=np.eye(4), lidar2ego=np.eye(4),
                box_type_3d=LiDARInstance3DBoxes, sample_idx=0)


def box_surface_points(boxes: torch.Tensor, points_per_box: int, generator: torch.Generator) -> torch.Tensor:
    """``[M * points_per_box, 5]`` points on the side faces of ``[M, 9]`` bottom-centred boxes."""
    samples = []
    for x, y, z, length, width, height, yaw, *_ in boxes.tolist():
        local = (torch.rand(points_per_box, 3, generator=generator) - 0.5) * torch.tensor([length, width, 0.0])
        local[:, 2] = torch.rand(points_per_box, generator=generator) * height
        local[torch.arange(points_per_box) % 2 == 0, 0] = length / 2
        rotation = torch.tensor([[math.cos(yaw), -math.sin(yaw)], [math.sin(yaw), math.cos(yaw)]])
        xy = local[:, :2] @ rotation.T + torch.tensor([x, y])
        samples.append(torch.cat([xy, local[:, 2:] + z, torch.ones(points_per_box, 2)], dim=1))
    return torch.cat(samples) if samples else torch.zeros(0, 5)


def random_boxes(num_boxes: int, num_classes: int, extent: float, generator: torch.Generator) -> Tuple:
    """Car-sized 9-dim boxes (bottom centres at z = -1.6) within ``extent`` metres, and their labels."""
    centres = (torch.rand(num_boxes, 2, generator=generator) * 2 - 1) * extent
    sizes = torch.tensor([4.2, 1.9, 1.6]) * (0.8 + 0.4 * torch.rand(num_boxes, 3, generator=generator))
    yaws = (torch.rand(num_boxes, 1, generator=generator) * 2 - 1) * math.pi
    velocity = torch.randn(num_boxes, 2, generator=generator)
    boxes = torch.cat([centres, torch.full((num_boxes, 1), -1.6), sizes, yaws, velocity], dim=1)
    labels = torch.randint(0, num_classes, (num_boxes,), generator=generator)
    return boxes, labels


def dense_targets(generator: torch.Generator, map_shape: Sequence[int] = (6, 200, 200),
                  occupancy_shape: Sequence[int] = (200, 200, 16)) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Map and occupancy ground truth of the data-sample contract's shapes, for multi-task heads.

    Args:
        generator: draws the occupancy mask.
        map_shape: ``(num_classes, H, W)`` of ``gt_map_bev`` (the map head's ``map_shape``; at least 6 classes).
        occupancy_shape: ``(X, Y, Z)`` of ``gt_occupancy`` (the occupancy head's ``grid_shape``).

    Returns:
        ``gt_map_bev [C, H, W]`` uint8 (class 0: a drivable band along x, class 5: its divider),
        ``gt_occupancy [X, Y, Z]`` uint8 (Occ3D labels: driveable surface, 11, at the lowest level, free, 17,
        above) and ``gt_occupancy_mask [X, Y, Z]`` bool (a random half of the voxels observed). The defaults
        are nuScenes' map grid and Occ3D's voxel grid.
    """
    classes, rows, _ = map_shape
    gt_map = torch.zeros(*map_shape, dtype=torch.uint8)
    gt_map[0, 2 * rows // 5:3 * rows // 5] = 1
    gt_map[5, rows // 2 - 1:rows // 2 + 1] = 1
    occupancy = torch.full(tuple(occupancy_shape), 17, dtype=torch.uint8)
    occupancy[:, :, 0] = 11
    return gt_map, occupancy, torch.rand(*occupancy_shape, generator=generator) < 0.5


def synthetic_batch(batch_size: int, image_size: Sequence[int], num_classes: int, extent: float,
                    num_boxes: int = 4, seed: int = 0, num_cams: int = 6, ground_points: int = 400,
                    map_shape: Sequence[int] = (6, 200, 200), occupancy_shape: Sequence[int] = (200, 200, 16)) -> dict:
    """A collated-but-unpreprocessed batch: ``dict(inputs=dict(points, img), data_samples)``.

    Args:
        batch_size: samples ``B``.
        image_size: ``(H, W)`` of the images.
        num_classes: labels are drawn from ``[0, num_classes)``.
        extent: boxes and ground points lie within ``[-extent, extent]`` metres in x and y.
        num_boxes: boxes per sample (60 LiDAR points on each).
        seed: random seed; equal seeds give equal batches.
        num_cams: cameras of the rig (at most 6).
        ground_points: points on the ground plane per sample.
        map_shape, occupancy_shape: shapes of the dense targets (see :func:`dense_targets`).

    Returns:
        Images are uint8-range noise ``[N, 3, H, W]``; points ``[P, 5]`` lie on the boxes and the ground;
        every sample also carries the map and occupancy targets of :func:`dense_targets`.
    """
    generator = torch.Generator().manual_seed(seed)
    points: List[torch.Tensor] = []
    images: List[torch.Tensor] = []
    samples: List[Det3DDataSample] = []
    for _ in range(batch_size):
        boxes, labels = random_boxes(num_boxes, num_classes, extent, generator)
        ground = torch.cat([(torch.rand(ground_points, 2, generator=generator) * 2 - 1) * extent,
                            torch.full((ground_points, 1), -1.6), torch.ones(ground_points, 2)], dim=1)
        points.append(torch.cat([box_surface_points(boxes, 60, generator), ground]))
        images.append(torch.rand(num_cams, 3, *image_size, generator=generator) * 255)
        sample = Det3DDataSample(metainfo=camera_metainfo(image_size, num_cams))
        sample.gt_instances_3d = InstanceData(bboxes_3d=LiDARInstance3DBoxes(boxes, box_dim=9), labels_3d=labels)
        sample.gt_map_bev, sample.gt_occupancy, sample.gt_occupancy_mask = dense_targets(generator, map_shape, occupancy_shape)
        samples.append(sample)
    return dict(inputs=dict(points=points, img=images), data_samples=samples)
