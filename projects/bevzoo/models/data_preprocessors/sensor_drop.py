"""Test-time sensor failure: removes the LiDAR, all cameras or some cameras from a preprocessed batch."""
from typing import Optional, Sequence, Union

import torch
from mmengine.model import BaseDataPreprocessor

from mmdet3d.registry import MODELS


@MODELS.register_module()
class SensorDropPreprocessor(BaseDataPreprocessor):
    """Runs a model's data preprocessor, then takes sensors away, for missing-sensor evaluation (MetaBEV).

    * ``drop_lidar``: ``points`` and ``voxels`` are removed; the LiDAR BEV is absent (and DepthLSS gets no
      depth hint), as when the LiDAR fails.
    * ``drop_cameras='all'``: ``imgs`` is removed; the camera BEV is absent.
    * ``drop_cameras=[i, ...]``: those cameras' normalised images are set to 0 (the dataset's mean colour:
      a camera that delivers no information); the others are untouched.

    Args:
        preprocessor: config of the model's own data preprocessor.
        drop_lidar: remove the LiDAR.
        drop_cameras: ``'all'``, a list of camera indices (order of ``imgs``' camera axis), or None.
    """

    def __init__(self, preprocessor: dict, drop_lidar: bool = False,
                 drop_cameras: Optional[Union[str, Sequence[int]]] = None) -> None:
        super().__init__()
        if isinstance(drop_cameras, str) and drop_cameras != 'all':
            raise ValueError(f"drop_cameras must be 'all', a list of camera indices or None, got {drop_cameras!r}")
        self.preprocessor = MODELS.build(preprocessor)
        self.drop_lidar = drop_lidar
        self.drop_cameras = drop_cameras

    def forward(self, data: dict, training: bool = False) -> dict:
        """Preprocess ``data`` with the wrapped preprocessor, then drop the configured sensors."""
        data = self.preprocessor(data, training)
        inputs = dict(data['inputs'])
        if self.drop_lidar:
            inputs.pop('points', None)
            inputs.pop('voxels', None)
        if self.drop_cameras == 'all':
            inputs.pop('imgs', None)
        elif self.drop_cameras and inputs.get('imgs') is not None:
            inputs['imgs'] = self._blank_cameras(inputs['imgs'])
        return {**data, 'inputs': inputs}

    def _blank_cameras(self, imgs: torch.Tensor) -> torch.Tensor:
        """``imgs [B, N, 3, H, W]`` with the dropped cameras zeroed (a copy)."""
        num_cameras = imgs.shape[1]
        invalid = [index for index in self.drop_cameras if not 0 <= index < num_cameras]
        if invalid:
            raise ValueError(f'SensorDropPreprocessor: drop_cameras {invalid} out of range for {num_cameras} cameras')
        blanked = imgs.clone()
        blanked[:, list(self.drop_cameras)] = 0
        return blanked
