"""Pure-PyTorch BEV pooling (materialise the frustum features, then ``index_add_``): the baseline that tests
and ``tools/benchmark_ops.py`` compare the compiled kernels with."""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor


def bev_pool_reference(depth: Tensor, feat: Tensor, coords: Tensor, bev_shape: Sequence[int]) -> Tensor:
    """Same result as :func:`bevzoo.ops.bev_pool`, computed the straightforward way.

    Args:
        depth: ``[B, N, D, H, W]``.
        feat: ``[B, N, H, W, C]``.
        coords: ``[B, N, D, H, W, 3]`` integer ``(x, y, z)`` cell of every frustum point.
        bev_shape: ``(Z, Y, X)``.

    Returns:
        ``[B, C, Z, Y, X]``.
    """
    B, N, D, H, W = depth.shape
    C = feat.shape[-1]
    Z, Y, X = bev_shape
    frustum = (depth[..., None] * feat[:, :, None]).reshape(-1, C)  # the [P, C] the kernels never build
    x, y, z = coords.reshape(-1, 3).long().unbind(1)
    batch = torch.arange(B, device=depth.device).repeat_interleave(N * D * H * W)
    inside = (x >= 0) & (x < X) & (y >= 0) & (y < Y) & (z >= 0) & (z < Z)
    cell = ((batch * Z + z) * Y + y) * X + x
    out = frustum.new_zeros(B * Z * Y * X, C)
    out.index_add_(0, cell[inside], frustum[inside])
    return out.view(B, Z, Y, X, C).permute(0, 4, 1, 2, 3)
