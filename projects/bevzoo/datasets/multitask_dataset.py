"""nuScenes-format dataset for detection, BEV map segmentation and occupancy in one sample."""
import os.path as osp
from typing import List, Optional

import numpy as np
from mmdet3d.datasets import NuScenesDataset
from mmdet3d.registry import DATASETS

from .constants import BEVZOO_INFO_KEYS
from .errors import DataFileError


@DATASETS.register_module()
class NuScenesMultiTaskDataset(NuScenesDataset):
    """mmdet3d's ``NuScenesDataset`` reading bevzoo's info files (``tools/create_data.py``).

    Differences from the parent:

    - The info file is checked: mmdet3d v2 layout, the nuScenes table version the dataset expects
      (``metainfo['version']``, default ``'v1.0-trainval'``; pass ``metainfo=dict(version='v1.0-mini')`` for
      mini), and bevzoo's keys ``scene_name``, ``map_location``, ``occ_path``. A mismatch raises
      :class:`DataFileError` naming the file. (The parent keeps its class ``METAINFO['version']`` whatever
      the file says, which would pick the wrong devkit split at evaluation.)
    - ``occ_path`` is joined with ``data_prefix['occ']`` (default: the data root).
    - Every sample carries ``lidar2ego`` and ``ego2global`` as ``[4, 4]`` arrays, an identity
      ``lidar_aug_matrix`` that BEV augmentations compose onto, and ``data_root`` (where
      ``LoadBEVMapMask`` finds ``maps/expansion``).

    Args:
        data_prefix: Folder per modality, as in mmdet3d, plus ``occ``.
        **kwargs: Forwarded to ``NuScenesDataset``.
    """

    def __init__(self, *args, data_prefix: Optional[dict] = None, **kwargs) -> None:
        super().__init__(*args, data_prefix={'occ': '', **(data_prefix or {})}, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Load the info file and check its nuScenes version against ``metainfo['version']``."""
        # mmengine only fills metainfo keys the class lacks; drop 'version' so the file's value is visible.
        expected = self._metainfo.pop('version')
        try:
            data_list = super().load_data_list()
        except ValueError as err:
            if 'data_list and metainfo' not in str(err):
                raise
            raise DataFileError(
                f'{self.ann_file} is not an mmdet3d v2 info file (it has no data_list / metainfo; mmdet3d 0.x '
                'infos have infos / metadata). Regenerate it with `python tools/create_data.py <data root>`.'
            ) from err
        finally:
            found = self._metainfo.get('version')
            self._metainfo['version'] = expected
        if found != expected:
            raise DataFileError(
                f'{self.ann_file} was made from nuScenes tables {found!r} but this dataset expects {expected!r}. '
                f'Set metainfo=dict(version={found!r}) in the dataset config, or use info files of {expected}.')
        return data_list

    def parse_data_info(self, info: dict) -> dict:
        """mmdet3d's parsing plus bevzoo's keys (see the class docstring)."""
        missing = [key for key in BEVZOO_INFO_KEYS if key not in info]
        if missing:
            raise DataFileError(
                f'{self.ann_file}: sample {info.get("token")} lacks {missing}; it was not written by bevzoo. '
                'Regenerate the info files with `python tools/create_data.py <data root>`.')
        info = super().parse_data_info(info)
        info['occ_path'] = osp.join(self.data_prefix['occ'], info['occ_path'])
        info['ego2global'] = np.asarray(info['ego2global'], dtype=np.float64)
        info['lidar2ego'] = np.asarray(info['lidar_points']['lidar2ego'], dtype=np.float64)
        return info

    def get_data_info(self, idx: int) -> dict:
        """The parsed sample with an identity ``lidar_aug_matrix`` (no BEV augmentation yet)."""
        info = super().get_data_info(idx)
        info['lidar_aug_matrix'] = np.eye(4)
        info['data_root'] = self.data_root
        return info
