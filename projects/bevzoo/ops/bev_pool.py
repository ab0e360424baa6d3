"""BEV pooling (LSS "splat"): sums depth-weighted camera features into BEV cells without materialising the
frustum features.

``bev_pool_prepare`` turns the geometry (the BEV cell of every frustum point) into a reusable
``BevPoolIndex``; ``bev_pool`` then runs the compiled ``torch.ops.bevzoo.bev_pool_forward`` kernel, whose
gradients are the registered ops ``bev_pool_depth_grad`` and ``bev_pool_feat_grad``.
"""
from __future__ import annotations

import dataclasses
from typing import Sequence, Tuple

import torch
from torch import Tensor

from . import _extension  # noqa: F401  (registers torch.ops.bevzoo)

INT32_MAX = 2**31 - 1


@dataclasses.dataclass(frozen=True)
class BevPoolIndex:
    """Everything the pooling kernels need for one camera geometry; build it with :func:`bev_pool_prepare`.

    ``K`` is the number of frustum points that fall inside the BEV grid. A point is the flat index of
    ``(b, n, d, h, w)`` in ``depth``, a pixel the flat index of ``(b, n, h, w)`` in ``feat`` and a cell the flat
    index of ``(b, z, y, x)`` in the output grid. All tensors are int32 on the geometry's device.

    Attributes:
        cell_offsets: ``[B*Z*Y*X + 1]``: the points of cell ``k`` are entries ``cell_offsets[k]:cell_offsets[k+1]``
            of ``point_depth`` / ``point_feat`` (CSR layout, points in ascending order within a cell).
        point_depth: ``[K]`` point of each entry, grouped by cell.
        point_feat: ``[K]`` pixel of each entry, grouped by cell.
        pixel_offsets: ``[B*N*H*W + 1]``: the second ordering, grouped by pixel, used by the feature gradient.
        pixel_depth: ``[K]`` point of each entry, grouped by pixel.
        pixel_cell: ``[K]`` cell of each entry, grouped by pixel.
        frustum_shape: ``(B, N, D, H, W)`` the index was built for.
        bev_shape: ``(Z, Y, X)`` the index was built for.
    """

    cell_offsets: Tensor
    point_depth: Tensor
    point_feat: Tensor
    pixel_offsets: Tensor
    pixel_depth: Tensor
    pixel_cell: Tensor
    frustum_shape: Tuple[int, int, int, int, int]
    bev_shape: Tuple[int, int, int]

    @property
    def num_points(self) -> int:
        """Number of frustum points inside the grid (``K``)."""
        return self.point_depth.numel()

    @property
    def device(self) -> torch.device:
        return self.cell_offsets.device

    def tensors(self) -> Tuple[Tensor, ...]:
        """The six index tensors in the order the ``torch.ops.bevzoo`` kernels take them."""
        return (self.cell_offsets, self.point_depth, self.point_feat, self.pixel_offsets, self.pixel_depth,
                self.pixel_cell)

    def to(self, device: torch.device | str) -> 'BevPoolIndex':
        """A copy of the index on ``device``."""
        moved = [t.to(device) for t in self.tensors()]
        return BevPoolIndex(*moved, frustum_shape=self.frustum_shape, bev_shape=self.bev_shape)


def _check_bev_shape(bev_shape: Sequence[int]) -> Tuple[int, int, int]:
    if len(bev_shape) != 3 or any(int(s) <= 0 for s in bev_shape):
        raise ValueError(f'bev_pool_prepare: bev_shape must be three positive sizes (Z, Y, X), got {bev_shape}')
    return tuple(int(s) for s in bev_shape)


def _csr_offsets(groups: Tensor, num_groups: int) -> Tensor:
    """``[num_groups + 1]`` int32 start of every group in a list sorted by group id."""
    offsets = torch.zeros(num_groups + 1, dtype=torch.int64, device=groups.device)
    torch.cumsum(torch.bincount(groups, minlength=num_groups), 0, out=offsets[1:])
    return offsets.int()


def bev_pool_prepare(coords: Tensor, bev_shape: Sequence[int]) -> BevPoolIndex:
    """Sort the frustum points by BEV cell, once per camera geometry.

    Args:
        coords: ``[B, N, D, H, W, 3]`` integer ``(x, y, z)`` BEV cell of every frustum point (camera ``n``,
            depth bin ``d``, feature pixel ``(h, w)``). Points outside ``[0, X) x [0, Y) x [0, Z)`` are dropped.
        bev_shape: ``(Z, Y, X)`` size of the BEV grid.

    Returns:
        The index for :func:`bev_pool`, on ``coords``' device; reuse it while the geometry is unchanged.

    Raises:
        TypeError: ``coords`` is not an integer tensor.
        ValueError: wrong rank or last dimension, bad ``bev_shape``, or sizes that overflow int32 indices.
    """
    if not isinstance(coords, Tensor) or coords.dtype.is_floating_point or coords.dtype == torch.bool:
        raise TypeError(f'bev_pool_prepare: coords must be an integer tensor, got '
                        f'{getattr(coords, "dtype", type(coords))}')
    if coords.dim() != 6 or coords.shape[-1] != 3:
        raise ValueError(f'bev_pool_prepare: coords must be [B, N, D, H, W, 3], got {tuple(coords.shape)}')
    Z, Y, X = _check_bev_shape(bev_shape)
    B, N, D, H, W, _ = coords.shape
    for count, what in ((B * N * D * H * W, 'frustum points'), (B * Z * Y * X + 1, 'BEV cells')):
        if count > INT32_MAX:
            raise ValueError(f'bev_pool_prepare: {count} {what} overflow the int32 indices; split the batch')

    if coords.device.type == 'cpu':  # a compiled counting sort; other devices sort with torch
        tensors = torch.ops.bevzoo.bev_pool_index(coords if coords.dtype in (torch.int32, torch.int64)
                                                  else coords.long(), [Z, Y, X])
    else:
        tensors = _sorted_index(coords, (Z, Y, X))
    return BevPoolIndex(*tensors, frustum_shape=(B, N, D, H, W), bev_shape=(Z, Y, X))


def _sorted_index(coords: Tensor, bev_shape: Tuple[int, int, int]) -> Tuple[Tensor, ...]:
    """The six index tensors of :class:`BevPoolIndex` from stable sorts (any device)."""
    Z, Y, X = bev_shape
    B, N, D, H, W, _ = coords.shape
    x, y, z = coords.reshape(-1, 3).long().unbind(1)
    inside = (x >= 0) & (x < X) & (y >= 0) & (y < Y) & (z >= 0) & (z < Z)
    point = torch.nonzero(inside).squeeze(1)  # ascending flat (b, n, d, h, w)
    batch = point // (N * D * H * W)
    cell = ((batch * Z + z[point]) * Y + y[point]) * X + x[point]
    pixel = point // (D * H * W) * (H * W) + point % (H * W)
    by_cell = torch.sort(cell, stable=True).indices
    by_pixel = torch.sort(pixel, stable=True).indices
    return (_csr_offsets(cell, B * Z * Y * X), point[by_cell].int(), pixel[by_cell].int(),
            _csr_offsets(pixel, B * N * H * W), point[by_pixel].int(), cell[by_pixel].int())


def _check_pool_inputs(depth: Tensor, feat: Tensor, index: BevPoolIndex) -> None:
    if not isinstance(index, BevPoolIndex):
        raise TypeError(f'bev_pool: index must be a BevPoolIndex from bev_pool_prepare, got {type(index)}')
    for name, t in (('depth', depth), ('feat', feat)):
        if not isinstance(t, Tensor) or not t.dtype.is_floating_point:
            raise TypeError(f'bev_pool: {name} must be a floating-point tensor, got {getattr(t, "dtype", type(t))}')
    if depth.dtype != feat.dtype:
        raise TypeError(f'bev_pool: depth is {depth.dtype} but feat is {feat.dtype}; cast one of them')
    if depth.device != feat.device or depth.device != index.device:
        raise ValueError(f'bev_pool: depth ({depth.device}), feat ({feat.device}) and index ({index.device}) must '
                         'be on one device')
    B, N, D, H, W = index.frustum_shape
    if tuple(depth.shape) != (B, N, D, H, W):
        raise ValueError(f'bev_pool: depth must be [B, N, D, H, W] = {index.frustum_shape} as the index was built, '
                         f'got {tuple(depth.shape)}')
    if feat.dim() != 5 or tuple(feat.shape[:4]) != (B, N, H, W):
        raise ValueError(f'bev_pool: feat must be [B, N, H, W, C] with (B, N, H, W) = {(B, N, H, W)}, '
                         f'got {tuple(feat.shape)}')


def bev_pool(depth: Tensor, feat: Tensor, index: BevPoolIndex) -> Tensor:
    """Pool depth-weighted camera features into the BEV grid.

    ``out[b, c, z, y, x] = sum of depth[b, n, d, h, w] * feat[b, n, h, w, c]`` over the frustum points whose
    cell is ``(x, y, z)``. Deterministic; differentiable w.r.t. ``depth`` and ``feat``. Non-contiguous inputs
    are copied.

    Args:
        depth: ``[B, N, D, H, W]`` depth distribution (float16/bfloat16 accumulate in float32).
        feat: ``[B, N, H, W, C]`` camera features, same dtype and device as ``depth``.
        index: from :func:`bev_pool_prepare` for this geometry, on the same device.

    Returns:
        ``[B, C, Z, Y, X]`` tensor (channels-last in memory, ``torch.channels_last_3d``), cells that no point
        reaches are zero.

    Raises:
        TypeError: non-float inputs, mismatched dtypes or a wrong index type.
        ValueError: shapes that do not match the index, or inputs on different devices.
    """
    _check_pool_inputs(depth, feat, index)
    return torch.ops.bevzoo.bev_pool_forward(depth, feat, *index.tensors(), list(index.bev_shape))


@torch.library.register_fake('bevzoo::bev_pool_index')
def _bev_pool_index_fake(coords, bev_shape):
    B, N, _, H, W, _ = coords.shape
    kept = torch.library.get_ctx().new_dynamic_size()
    index = lambda size: coords.new_empty((size,), dtype=torch.int32)  # noqa: E731
    Z, Y, X = bev_shape
    return (index(B * Z * Y * X + 1), index(kept), index(kept), index(B * N * H * W + 1), index(kept), index(kept))


@torch.library.register_fake('bevzoo::bev_pool_forward')
def _bev_pool_forward_fake(depth, feat, cell_offsets, point_depth, point_feat, pixel_offsets, pixel_depth,
                           pixel_cell, bev_shape):
    Z, Y, X = bev_shape
    return depth.new_empty((depth.shape[0], Z, Y, X, feat.shape[-1])).permute(0, 4, 1, 2, 3)


@torch.library.register_fake('bevzoo::bev_pool_depth_grad')
def _bev_pool_depth_grad_fake(grad_out, feat, cell_offsets, point_depth, point_feat, depth_bins):
    B, N, H, W, _ = feat.shape
    return feat.new_empty((B, N, depth_bins, H, W))


@torch.library.register_fake('bevzoo::bev_pool_feat_grad')
def _bev_pool_feat_grad_fake(grad_out, depth, pixel_offsets, pixel_depth, pixel_cell):
    B, N, _, H, W = depth.shape
    return depth.new_empty((B, N, H, W, grad_out.shape[1]))


def _setup_context(ctx, inputs, output) -> None:
    depth, feat, *index, _ = inputs
    ctx.save_for_backward(depth, feat, *index)


def _backward(ctx, grad_out: Tensor):
    depth, feat, cell_offsets, point_depth, point_feat, pixel_offsets, pixel_depth, pixel_cell = ctx.saved_tensors
    grad_depth = grad_feat = None
    if ctx.needs_input_grad[0]:
        grad_depth = torch.ops.bevzoo.bev_pool_depth_grad(grad_out, feat, cell_offsets, point_depth, point_feat,
                                                          depth.shape[2])
    if ctx.needs_input_grad[1]:
        grad_feat = torch.ops.bevzoo.bev_pool_feat_grad(grad_out, depth, pixel_offsets, pixel_depth, pixel_cell)
    return (grad_depth, grad_feat) + (None,) * 7


torch.library.register_autograd('bevzoo::bev_pool_forward', _backward, setup_context=_setup_context)
