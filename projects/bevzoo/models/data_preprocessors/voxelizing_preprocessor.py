"""Data preprocessor that normalises multi-view images and voxelizes points with ``bevzoo.ops.voxelize``."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from torch import Tensor

from bevzoo.ops import voxelize
from mmdet3d.models.data_preprocessors import Det3DDataPreprocessor
from mmdet3d.registry import MODELS
from mmdet3d.structures.det3d_data_sample import SampleList


@MODELS.register_module()
class VoxelizingDataPreprocessor(Det3DDataPreprocessor):
    """mmdet3d's ``Det3DDataPreprocessor`` with hard voxelization by ``bevzoo.ops.voxelize`` (CPU and CUDA).

    Images are handled by the parent (normalisation, BGR->RGB, stacking to ``imgs [B, N, 3, H, W]``).
    Points stay in ``inputs['points']``; when ``voxelization`` is set, ``inputs['voxels']`` holds
    ``voxels [M, max_num_points, F]``, ``num_points [M]`` and ``coors [M, 4]`` as ``(batch, z, y, x)``.

    Args:
        voxelization: ``dict(voxel_size, point_cloud_range, max_num_points, max_voxels)`` where ``max_voxels``
            is an int or a ``(training, testing)`` pair; ``None`` for camera-only models.
        **kwargs: arguments of ``Det3DDataPreprocessor`` (``mean``, ``std``, ``bgr_to_rgb``, ...); its own
            ``voxel*`` arguments are replaced by ``voxelization``.
    """

    def __init__(self, voxelization: Optional[dict] = None, **kwargs) -> None:
        for key in ('voxel', 'voxel_type', 'voxel_layer'):
            if key in kwargs:
                raise ValueError(f'VoxelizingDataPreprocessor takes `voxelization=dict(...)`, not {key!r}')
        super().__init__(**kwargs)
        self.voxel = voxelization is not None
        self.voxel_type = 'hard'
        if self.voxel:
            self.voxel_size, self.point_cloud_range, self.max_num_points, self.max_voxels = \
                self._parse_voxelization(**voxelization)

    @staticmethod
    def _parse_voxelization(voxel_size: Sequence[float], point_cloud_range: Sequence[float], max_num_points: int,
                            max_voxels: Union[int, Sequence[int]]) -> Tuple:
        if isinstance(max_voxels, int):
            max_voxels = (max_voxels, max_voxels)
        return list(voxel_size), list(point_cloud_range), max_num_points, tuple(max_voxels)

    @torch.no_grad()
    def voxelize(self, points: List[Tensor], data_samples: SampleList) -> Dict[str, Tensor]:
        """Hard-voxelize each sample and concatenate with the batch index prepended to the coordinates.

        Args:
            points: per sample ``[P, F]`` points.
            data_samples: the batch's samples (unused; part of the parent's signature).

        Returns:
            ``dict(voxels [M, max_num_points, F], coors [M, 4] (b, z, y, x), num_points [M])``.
        """
        max_voxels = self.max_voxels[0] if self.training else self.max_voxels[1]
        voxels, coors, num_points = [], [], []
        for batch_index, sample_points in enumerate(points):
            sample_voxels, sample_coors, sample_num = voxelize(sample_points, self.voxel_size,
                                                               self.point_cloud_range, self.max_num_points,
                                                               max_voxels)
            voxels.append(sample_voxels)
            coors.append(F.pad(sample_coors, (1, 0), value=batch_index))
            num_points.append(sample_num)
        return dict(voxels=torch.cat(voxels), coors=torch.cat(coors), num_points=torch.cat(num_points))
