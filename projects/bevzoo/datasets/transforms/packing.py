"""Pack a sample into ``inputs`` and a ``Det3DDataSample`` with bevzoo's dense targets and meta keys."""
from typing import Sequence

import numpy as np
import torch
from mmdet3d.datasets.transforms import Pack3DDetInputs
from mmdet3d.registry import TRANSFORMS

DENSE_TARGET_KEYS = ('gt_map_bev', 'gt_occupancy', 'gt_occupancy_mask')

META_KEYS = (
    'token', 'sample_idx', 'scene_name', 'map_location', 'timestamp', 'lidar_path', 'num_pts_feats',
    'box_type_3d', 'box_mode_3d', 'ego2global', 'lidar2ego', 'lidar_aug_matrix',
    'filename', 'ori_shape', 'img_shape', 'pad_shape', 'num_views',
    'cam2img', 'lidar2cam', 'lidar2img', 'cam2lidar', 'img_aug_matrix',
)


@TRANSFORMS.register_module()
class PackMultiTaskInputs(Pack3DDetInputs):
    """mmdet3d's ``Pack3DDetInputs`` plus the dense BEV targets of docs/architecture.md.

    ``gt_map_bev`` (``[6, 200, 200]`` uint8), ``gt_occupancy`` (``[X, Y, Z]`` uint8) and
    ``gt_occupancy_mask`` (``[X, Y, Z]`` bool) become tensor fields of the data sample when listed in
    ``keys``; a listed key that the pipeline did not produce is an error. ``meta_keys`` defaults to the
    contract's meta keys (the parent's default lacks ``token``, ``img_aug_matrix``, ``lidar_aug_matrix``).

    Args:
        keys: Input and target keys to pack.
        meta_keys: Keys copied into the data sample's metainfo when present.
    """

    def __init__(self, keys: Sequence[str], meta_keys: Sequence[str] = META_KEYS) -> None:
        self.dense_keys = tuple(key for key in keys if key in DENSE_TARGET_KEYS)
        super().__init__(keys=tuple(key for key in keys if key not in DENSE_TARGET_KEYS),
                         meta_keys=tuple(meta_keys))

    def pack_single_results(self, results: dict) -> dict:
        packed = super().pack_single_results(results)
        for key in self.dense_keys:
            if key not in results:
                raise KeyError(f'{type(self).__name__}: {key!r} is in keys but the pipeline did not produce it '
                               '(add LoadBEVMapMask for gt_map_bev, LoadOccupancy for gt_occupancy*).')
            packed['data_samples'].set_field(torch.from_numpy(np.ascontiguousarray(results[key])), key)
        return packed
