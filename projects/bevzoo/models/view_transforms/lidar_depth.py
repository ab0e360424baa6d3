"""Sparse depth images from LiDAR points projected into the (augmented) cameras."""
from typing import List, Sequence

import torch
from torch import Tensor

from .camera_geometry import CameraGeometry, lidar_to_pixels


def rasterize_lidar_depth(points: List[Tensor], geometry: CameraGeometry, image_size: Sequence[int],
                          stride: int = 1) -> Tensor:
    """Nearest LiDAR depth per image cell of ``stride x stride`` pixels.

    Args:
        points: per sample ``[P, 3+]`` points in the augmented LiDAR frame.
        geometry: the batch's camera geometry (``N`` cameras).
        image_size: ``(H_img, W_img)`` of the augmented images.
        stride: pixels per output cell.

    Returns:
        ``[B, N, 1, H_img // stride, W_img // stride]`` depth in metres, 0 where no point projects.
    """
    height, width = image_size[0] // stride, image_size[1] // stride
    num_cams = geometry.cam2img.shape[1]
    depth_maps = []
    for batch_index, sample_points in enumerate(points):
        uv, depth = lidar_to_pixels(sample_points, geometry, batch_index)
        cols = torch.floor(uv[..., 0] / stride).long()
        rows = torch.floor(uv[..., 1] / stride).long()
        visible = (depth > 0) & (cols >= 0) & (cols < width) & (rows >= 0) & (rows < height)
        cams = torch.arange(num_cams, device=depth.device)[:, None].expand_as(depth)
        flat_index = (cams * height + rows) * width + cols
        flat = depth.new_full((num_cams * height * width,), float('inf'))
        flat.scatter_reduce_(0, flat_index[visible], depth[visible], reduce='amin')
        flat[torch.isinf(flat)] = 0
        depth_maps.append(flat.view(num_cams, 1, height, width))
    return torch.stack(depth_maps)
