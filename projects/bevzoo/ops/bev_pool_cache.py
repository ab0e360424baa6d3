"""Caches the BEV pooling index of a view transform while the camera geometry is unchanged."""
from __future__ import annotations

from typing import Callable, Optional, Sequence, Tuple

import torch
from torch import Tensor

from .bev_pool import BevPoolIndex, bev_pool_prepare


class BevPoolCache:
    """Reruns :func:`bev_pool_prepare` only when the geometry tensors change.

    The geometry is whatever determines the frustum's BEV cells: typically camera intrinsics, camera-to-LiDAR
    extrinsics, image augmentation matrices and the LiDAR (BEV) augmentation matrix. At inference with fixed
    calibration the index is computed once; in training with random augmentation it is rebuilt each step.

    Example:
        >>> cache = BevPoolCache()
        >>> index = cache.get((cam2img, cam2lidar, img_aug, lidar_aug), make_coords, bev_shape=(1, 360, 360))
        >>> bev = bev_pool(depth, feat, index)

    Attributes:
        hits: number of calls that reused the cached index.
        misses: number of calls that rebuilt it.
    """

    def __init__(self) -> None:
        self._geometry: Optional[Tuple[Tensor, ...]] = None
        self._index: Optional[BevPoolIndex] = None
        self.hits = 0
        self.misses = 0

    def _matches(self, geometry: Sequence[Tensor], bev_shape: Tuple[int, ...]) -> bool:
        if self._index is None or self._index.bev_shape != bev_shape or len(geometry) != len(self._geometry):
            return False
        return all(new.shape == old.shape and new.dtype == old.dtype and new.device == old.device
                   and torch.equal(new, old) for new, old in zip(geometry, self._geometry))

    @torch.compiler.disable
    def get(self, geometry: Sequence[Tensor], make_coords: Callable[[], Tensor],
            bev_shape: Sequence[int]) -> BevPoolIndex:
        """The index for ``geometry``, rebuilt with ``bev_pool_prepare(make_coords(), bev_shape)`` on a change.

        Args:
            geometry: tensors that fully determine the frustum's cells (compared exactly).
            make_coords: returns the ``[B, N, D, H, W, 3]`` integer cell coordinates for ``geometry``.
            bev_shape: ``(Z, Y, X)``.

        Returns:
            The cached or freshly built :class:`BevPoolIndex`.
        """
        bev_shape = tuple(int(s) for s in bev_shape)
        geometry = tuple(g.detach() for g in geometry)
        if self._matches(geometry, bev_shape):
            self.hits += 1
            return self._index
        self.misses += 1
        self._index = bev_pool_prepare(make_coords(), bev_shape)
        self._geometry = tuple(g.clone() for g in geometry)
        return self._index

    def clear(self) -> None:
        """Forget the cached index (e.g. after moving the model to another device)."""
        self._geometry = self._index = None
