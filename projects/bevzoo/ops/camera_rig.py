"""A synthetic six-camera nuScenes-like rig, for tests and benchmarks of the view-transform ops."""
from __future__ import annotations

import math
from typing import NamedTuple, Tuple

import torch
from torch import Tensor

# (yaw in degrees, x, y, z of the mount in the LiDAR frame) of nuScenes' six cameras, approximately.
NUSCENES_CAMERAS = ((0.0, 1.7, 0.0, 1.5), (-55.0, 1.5, -0.5, 1.5), (55.0, 1.5, 0.5, 1.5),
                    (180.0, -1.0, 0.0, 1.5), (110.0, -0.3, 0.9, 1.5), (-110.0, -0.3, -0.9, 1.5))
NUSCENES_IMAGE = (900, 1600)  # height, width
NUSCENES_FOCAL = 1266.0


class CameraRig(NamedTuple):
    """Geometry tensors of a rig, shapes as :func:`bevzoo.ops.frustum.frustum_points` takes them."""

    cam2img: Tensor  # [B, N, 4, 4]
    cam2lidar: Tensor  # [B, N, 4, 4]
    img_aug: Tensor  # [B, N, 4, 4]
    lidar_aug: Tensor  # [B, 4, 4]
    image_size: Tuple[int, int]  # augmented (height, width)


def _camera_to_lidar(yaw_deg: float, mount: Tuple[float, float, float]) -> Tensor:
    """Camera (x right, y down, z forward) to LiDAR (x forward, y left, z up), camera looking along yaw."""
    yaw = math.radians(yaw_deg)
    c, s = math.cos(yaw), math.sin(yaw)
    forward, right, down = (c, s, 0.0), (s, -c, 0.0), (0.0, 0.0, -1.0)
    pose = torch.eye(4, dtype=torch.float64)
    pose[:3, 0], pose[:3, 1], pose[:3, 2] = torch.tensor(right), torch.tensor(down), torch.tensor(forward)
    pose[:3, 3] = torch.tensor(mount)
    return pose


def nuscenes_like_rig(batch: int = 1, input_size: Tuple[int, int] = (256, 704)) -> CameraRig:
    """Six cameras around the car; images resized to the input width and cropped from the top, as BEVFusion.

    Args:
        batch: number of samples (the same rig repeated).
        input_size: ``(height, width)`` of the network input image.

    Returns:
        The rig's geometry in float64.
    """
    height, width = NUSCENES_IMAGE
    intrinsics = torch.eye(4, dtype=torch.float64)
    intrinsics[0, 0] = intrinsics[1, 1] = NUSCENES_FOCAL
    intrinsics[0, 2], intrinsics[1, 2] = width / 2, height / 2
    scale = input_size[1] / width
    img_aug = torch.eye(4, dtype=torch.float64)
    img_aug[0, 0] = img_aug[1, 1] = scale
    img_aug[1, 3] = -(height * scale - input_size[0])  # crop the top rows
    extrinsics = torch.stack([_camera_to_lidar(yaw, mount) for yaw, *mount in NUSCENES_CAMERAS])
    cams = len(NUSCENES_CAMERAS)
    return CameraRig(cam2img=intrinsics.expand(batch, cams, 4, 4).clone(),
                     cam2lidar=extrinsics.expand(batch, cams, 4, 4).clone(),
                     img_aug=img_aug.expand(batch, cams, 4, 4).clone(),
                     lidar_aug=torch.eye(4, dtype=torch.float64).expand(batch, 4, 4).clone(),
                     image_size=input_size)
