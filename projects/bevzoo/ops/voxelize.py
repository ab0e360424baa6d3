"""Point-cloud voxelization with exactly mmcv's ``Voxelization`` output, without its dense lookup grid."""
from __future__ import annotations

from typing import Sequence, Tuple, Union

import torch
from torch import Tensor

from . import _extension  # noqa: F401  (registers torch.ops.bevzoo)


def _geometry(points: Tensor, voxel_size: Sequence[float], point_cloud_range: Sequence[float]):
    """Checked ``(voxel_size, point_cloud_range)`` as float lists (the C++ kernels check again)."""
    if not isinstance(points, Tensor) or points.dtype not in (torch.float32, torch.float64):
        raise TypeError(f'voxelize: points must be a float32 or float64 tensor, got '
                        f'{getattr(points, "dtype", type(points))}')
    if points.dim() != 2 or points.shape[1] < 3:
        raise ValueError(f'voxelize: points must be [N, F] with F >= 3 (x, y, z first), got {tuple(points.shape)}')
    size, pc_range = [float(v) for v in voxel_size], [float(v) for v in point_cloud_range]
    if len(size) != 3 or len(pc_range) != 6:
        raise ValueError(f'voxelize: voxel_size must be (x, y, z) and point_cloud_range (x_min, y_min, z_min, '
                         f'x_max, y_max, z_max), got {voxel_size} and {point_cloud_range}')
    if any(v <= 0 for v in size) or any(hi <= lo for lo, hi in zip(pc_range[:3], pc_range[3:])):
        raise ValueError(f'voxelize: needs voxel_size > 0 and max > min on every axis, got voxel_size {voxel_size} '
                         f'and point_cloud_range {point_cloud_range}')
    return size, pc_range


def dynamic_voxelize(points: Tensor, voxel_size: Sequence[float], point_cloud_range: Sequence[float]) -> Tensor:
    """Voxel coordinate of every point (mmcv's dynamic voxelization).

    Args:
        points: ``[N, F]`` float32/float64 points, ``x, y, z`` first.
        voxel_size: ``(x, y, z)`` voxel edge lengths.
        point_cloud_range: ``(x_min, y_min, z_min, x_max, y_max, z_max)``.

    Returns:
        ``[N, 3]`` int32 ``(z, y, x)`` voxel coordinates; ``-1`` rows for points outside the range.
    """
    size, pc_range = _geometry(points, voxel_size, point_cloud_range)
    return torch.ops.bevzoo.voxelize_dynamic(points, size, pc_range)


def hard_voxelize(points: Tensor, voxel_size: Sequence[float], point_cloud_range: Sequence[float],
                  max_num_points: int, max_voxels: int) -> Tuple[Tensor, Tensor, Tensor]:
    """Group points into at most ``max_voxels`` voxels of at most ``max_num_points`` points each.

    Identical to ``mmcv.ops.Voxelization`` in its deterministic hard mode: voxels are numbered by their first
    point in input order, each keeps its first ``max_num_points`` points in input order, voxels beyond
    ``max_voxels`` and points outside the range are dropped.

    Args:
        points: ``[N, F]`` float32/float64 points, ``x, y, z`` first.
        voxel_size: ``(x, y, z)`` voxel edge lengths.
        point_cloud_range: ``(x_min, y_min, z_min, x_max, y_max, z_max)``.
        max_num_points: points kept per voxel (> 0).
        max_voxels: voxels kept (> 0).

    Returns:
        ``voxels [M, max_num_points, F]`` (zero padded), ``coors [M, 3]`` int32 ``(z, y, x)`` and
        ``num_points [M]`` int32, with ``M <= max_voxels``.
    """
    size, pc_range = _geometry(points, voxel_size, point_cloud_range)
    if max_num_points <= 0 or max_voxels <= 0:
        raise ValueError(f'hard_voxelize: needs max_num_points > 0 and max_voxels > 0 (dynamic_voxelize for -1), '
                         f'got {max_num_points} and {max_voxels}')
    return torch.ops.bevzoo.voxelize_hard(points, size, pc_range, int(max_num_points), int(max_voxels))


def voxelize(points: Tensor, voxel_size: Sequence[float], point_cloud_range: Sequence[float],
             max_num_points: int = 35, max_voxels: int = 20000) -> Union[Tuple[Tensor, Tensor, Tensor], Tensor]:
    """mmcv-compatible entry point: :func:`hard_voxelize`, or :func:`dynamic_voxelize` (returning only the
    ``[N, 3]`` coordinates) when ``max_num_points`` or ``max_voxels`` is ``-1``, as ``mmcv.ops.Voxelization``.

    Args and returns: see :func:`hard_voxelize` and :func:`dynamic_voxelize`.
    """
    if max_num_points == -1 or max_voxels == -1:
        return dynamic_voxelize(points, voxel_size, point_cloud_range)
    return hard_voxelize(points, voxel_size, point_cloud_range, max_num_points, max_voxels)


@torch.library.register_fake('bevzoo::voxelize_hard')
def _voxelize_hard_fake(points, voxel_size, point_cloud_range, max_num_points, max_voxels):
    num_voxels = torch.library.get_ctx().new_dynamic_size(max=max_voxels)
    return (points.new_empty((num_voxels, max_num_points, points.shape[1])),
            points.new_empty((num_voxels, 3), dtype=torch.int32),
            points.new_empty((num_voxels,), dtype=torch.int32))


@torch.library.register_fake('bevzoo::voxelize_dynamic')
def _voxelize_dynamic_fake(points, voxel_size, point_cloud_range):
    return points.new_empty((points.shape[0], 3), dtype=torch.int32)
