"""Geometries shared by the op tests: small random ones and a reduced nuScenes-like camera rig.

A plain module rather than a conftest, so the tests also run with ``--noconftest`` (tools/gpu_selftest.sh).
"""
from typing import NamedTuple, Tuple

import torch

from bevzoo.ops.camera_rig import nuscenes_like_rig
from bevzoo.ops.frustum import frustum_cells


class PoolCase(NamedTuple):
    depth: torch.Tensor  # [B, N, D, H, W]
    feat: torch.Tensor  # [B, N, H, W, C]
    coords: torch.Tensor  # [B, N, D, H, W, 3]
    bev_shape: Tuple[int, int, int]


def random_case(batch=2, cams=2, bins=5, height=3, width=4, channels=7, bev_shape=(2, 6, 5), dtype=torch.float64,
                seed=0) -> PoolCase:
    """Random cells, about a fifth of them outside the grid."""
    gen = torch.Generator().manual_seed(seed)
    Z, Y, X = bev_shape
    frustum = (batch, cams, bins, height, width)
    coords = torch.stack([torch.randint(-1, size + 1, frustum, generator=gen) for size in (X, Y, Z)], dim=-1)
    depth = torch.rand(frustum, generator=gen, dtype=dtype)
    feat = torch.randn(batch, cams, height, width, channels, generator=gen, dtype=dtype)
    return PoolCase(depth, feat, coords, bev_shape)


def rig_case(batch=1, bins=24, feature_size=(8, 22), channels=16, dtype=torch.float64, seed=0) -> PoolCase:
    """The nuScenes-like rig at a reduced resolution, 1.8 m cells over +-54 m."""
    rig = nuscenes_like_rig(batch)
    depths = torch.linspace(1.0, 60.0, bins, dtype=torch.float64)
    coords = frustum_cells(rig.cam2img, rig.cam2lidar, rig.img_aug, rig.lidar_aug, rig.image_size, feature_size,
                           depths, grid_min=(-54.0, -54.0, -10.0), cell_size=(1.8, 1.8, 20.0))
    gen = torch.Generator().manual_seed(seed)
    B, N, D, H, W, _ = coords.shape
    depth = torch.rand(B, N, D, H, W, generator=gen, dtype=dtype).softmax(dim=2)
    feat = torch.randn(B, N, H, W, channels, generator=gen, dtype=dtype)
    return PoolCase(depth, feat, coords, (1, 60, 60))
