"""The LSS frustum geometry: the BEV cell of every (camera, depth bin, feature pixel) point."""
from __future__ import annotations

from typing import Sequence, Tuple

import torch
from torch import Tensor


def _pixel_grid(image_size: Tuple[int, int], feature_size: Tuple[int, int], depths: Tensor) -> Tensor:
    """``[D, H, W, 3]`` augmented-image pixel ``(u, v)`` and depth of every frustum point."""
    (img_h, img_w), (feat_h, feat_w) = image_size, feature_size
    v = torch.linspace(0, img_h - 1, feat_h, dtype=depths.dtype, device=depths.device)
    u = torch.linspace(0, img_w - 1, feat_w, dtype=depths.dtype, device=depths.device)
    d, v, u = torch.meshgrid(depths, v, u, indexing='ij')
    return torch.stack((u, v, d), dim=-1)


def frustum_points(cam2img: Tensor, cam2lidar: Tensor, img_aug: Tensor, lidar_aug: Tensor,
                   image_size: Tuple[int, int], feature_size: Tuple[int, int], depths: Tensor) -> Tensor:
    """LiDAR-frame position of every frustum point.

    Args:
        cam2img: ``[B, N, 4, 4]`` camera intrinsics (top-left 3x3 used).
        cam2lidar: ``[B, N, 4, 4]`` camera-to-LiDAR extrinsics.
        img_aug: ``[B, N, 4, 4]`` image augmentation (original pixel -> augmented pixel; identity if none).
        lidar_aug: ``[B, 4, 4]`` BEV augmentation applied to LiDAR-frame points (identity if none).
        image_size: ``(height, width)`` of the augmented network input image.
        feature_size: ``(H, W)`` of the camera feature map.
        depths: ``[D]`` depth of every depth bin in metres.

    Returns:
        ``[B, N, D, H, W, 3]`` ``(x, y, z)`` in the (augmented) LiDAR frame, dtype of ``depths``.
    """
    grid = _pixel_grid(image_size, feature_size, depths)  # [D, H, W, 3]
    dtype = depths.dtype
    aug_rot, aug_trans = img_aug[..., :3, :3].to(dtype), img_aug[..., :3, 3].to(dtype)
    pixels = torch.einsum('bnij,bndhwj->bndhwi', torch.linalg.inv(aug_rot),
                          grid[None, None] - aug_trans[:, :, None, None, None])
    pixels = torch.cat((pixels[..., :2] * pixels[..., 2:3], pixels[..., 2:3]), dim=-1)  # (u d, v d, d)
    cam_to_lidar = cam2lidar[..., :3, :3].to(dtype) @ torch.linalg.inv(cam2img[..., :3, :3].to(dtype))
    points = torch.einsum('bnij,bndhwj->bndhwi', cam_to_lidar, pixels)
    points = points + cam2lidar[..., :3, 3].to(dtype)[:, :, None, None, None]
    bev_rot, bev_trans = lidar_aug[..., :3, :3].to(dtype), lidar_aug[..., :3, 3].to(dtype)
    return torch.einsum('bij,bndhwj->bndhwi', bev_rot, points) + bev_trans[:, None, None, None, None]


def frustum_cells(cam2img: Tensor, cam2lidar: Tensor, img_aug: Tensor, lidar_aug: Tensor,
                  image_size: Tuple[int, int], feature_size: Tuple[int, int], depths: Tensor,
                  grid_min: Sequence[float], cell_size: Sequence[float]) -> Tensor:
    """BEV cell of every frustum point, ready for :func:`bevzoo.ops.bev_pool_prepare`.

    Args:
        cam2img, cam2lidar, img_aug, lidar_aug, image_size, feature_size, depths: see :func:`frustum_points`.
        grid_min: ``(x, y, z)`` lower corner of the BEV grid in metres.
        cell_size: ``(x, y, z)`` cell size in metres.

    Returns:
        ``[B, N, D, H, W, 3]`` int32 ``(x, y, z)`` cell indices (out-of-grid values are dropped by prepare).
    """
    points = frustum_points(cam2img, cam2lidar, img_aug, lidar_aug, image_size, feature_size, depths)
    lower = points.new_tensor(grid_min)
    size = points.new_tensor(cell_size)
    return torch.floor((points - lower) / size).clamp(-1, 2**30).to(torch.int32)
