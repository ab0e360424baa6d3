"""Compiled ops of bevzoo (``torch.ops.bevzoo``, kernels in ``csrc/``) and their Python API.

* :func:`bev_pool_prepare`, :func:`bev_pool`, :class:`BevPoolIndex`, :class:`BevPoolCache`: LSS BEV pooling.
* :func:`voxelize`, :func:`hard_voxelize`, :func:`dynamic_voxelize`: mmcv-identical voxelization.
* :func:`frustum_cells`: the BEV cell of every frustum point for a camera rig (the LSS geometry).

This package imports nothing from the rest of bevzoo, so it can be loaded without mmdet3d.
"""
from .bev_pool import BevPoolIndex, bev_pool, bev_pool_prepare
from .bev_pool_cache import BevPoolCache
from .frustum import frustum_cells
from .voxelize import dynamic_voxelize, hard_voxelize, voxelize

__all__ = ['BevPoolCache', 'BevPoolIndex', 'bev_pool', 'bev_pool_prepare', 'dynamic_voxelize', 'frustum_cells',
           'hard_voxelize', 'voxelize']
