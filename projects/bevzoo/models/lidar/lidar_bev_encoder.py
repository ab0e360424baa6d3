"""LiDAR branch: voxel feature encoder followed by a middle encoder that produces a BEV map."""
from typing import Dict

from mmengine.model import BaseModule
from torch import Tensor

from mmdet3d.registry import MODELS


@MODELS.register_module()
class LidarBEVEncoder(BaseModule):
    """Voxels -> per-voxel features -> BEV map.

    Works with any mmdet3d voxel encoder taking ``(voxels, num_points, coors)`` (``PillarFeatureNet``,
    ``HardSimpleVFE``) and any middle encoder taking ``(features, coors, batch_size)`` and returning a dense
    ``[B, C, Y, X]`` map (``PointPillarsScatter`` on the CPU, :class:`SparseBEVEncoder` on the GPU).

    Args:
        voxel_encoder: voxel feature encoder config.
        middle_encoder: middle encoder config.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self, voxel_encoder: dict, middle_encoder: dict, init_cfg: dict = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.voxel_encoder = MODELS.build(voxel_encoder)
        self.middle_encoder = MODELS.build(middle_encoder)

    def forward(self, voxel_dict: Dict[str, Tensor], batch_size: int) -> Tensor:
        """Args:
            voxel_dict: ``voxels [M, P, F]``, ``num_points [M]``, ``coors [M, 4]`` ``(b, z, y, x)`` from
                :class:`~bevzoo.models.data_preprocessors.VoxelizingDataPreprocessor`.
            batch_size: ``B``.

        Returns:
            ``[B, C, Y, X]`` LiDAR BEV features.
        """
        coors = voxel_dict['coors']
        features = self.voxel_encoder(voxel_dict['voxels'], voxel_dict['num_points'], coors)
        return self.middle_encoder(features, coors, batch_size)
