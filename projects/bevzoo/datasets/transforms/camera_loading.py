"""Multi-view camera loading with the 4x4 projection matrices BEV models need."""
import os.path as osp
from typing import Sequence

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmdet3d.registry import TRANSFORMS

from ..constants import CAMERA_NAMES
from ..errors import DataFileError
from ..geometry import pad_intrinsics


@TRANSFORMS.register_module()
class LoadMultiViewCameras(BaseTransform):
    """Load the cameras of a sample (BGR uint8) and their geometry.

    Unlike mmdet3d's ``LoadMultiViewImageFromFiles`` it takes the cameras in a fixed, configured order,
    names the file when an image is missing or undecodable, pads intrinsics to 4x4 and adds ``lidar2img``,
    ``cam2lidar`` and an identity ``img_aug_matrix``. All matrices refer to the un-augmented LiDAR frame
    and the original image; augmentations record theirs separately (docs/datasets.md, "Geometry").

    Added keys: ``img`` (list of ``[H, W, 3]`` uint8), ``filename``, ``img_shape``, ``ori_shape``,
    ``pad_shape`` (H, W), ``num_views``, and ``[num_cams, 4, 4]`` float64 arrays ``cam2img``,
    ``lidar2cam``, ``lidar2img``, ``cam2lidar``, ``img_aug_matrix``.

    Args:
        camera_names: Cameras to load, in output order.
    """

    def __init__(self, camera_names: Sequence[str] = CAMERA_NAMES) -> None:
        self.camera_names = tuple(camera_names)

    def _camera(self, results: dict, name: str) -> dict:
        if name not in results['images']:
            raise KeyError(f'sample {results.get("token")} has no camera {name!r} (it has '
                           f'{sorted(results["images"])}); set camera_names of {type(self).__name__}.')
        return results['images'][name]

    @staticmethod
    def _read(path: str) -> np.ndarray:
        if not osp.isfile(path):
            raise FileNotFoundError(f'camera image {path} does not exist; the data root is incomplete or the info '
                                    'file points elsewhere (check data_root and data_prefix).')
        image = cv2.imread(path, cv2.IMREAD_COLOR)
        if image is None:
            raise DataFileError(f'camera image {path} cannot be decoded (truncated or not an image).')
        return image

    def transform(self, results: dict) -> dict:
        cameras = [self._camera(results, name) for name in self.camera_names]
        images = [self._read(cam['img_path']) for cam in cameras]
        shapes = {image.shape for image in images}
        if len(shapes) > 1:
            raise DataFileError(f'sample {results.get("token")}: cameras have different image sizes {shapes}; '
                                'bevzoo stacks views and needs one size.')
        cam2img = np.stack([pad_intrinsics(cam['cam2img']) for cam in cameras])
        lidar2cam = np.stack([np.asarray(cam['lidar2cam'], dtype=np.float64) for cam in cameras])
        results.update(
            img=images,
            filename=[cam['img_path'] for cam in cameras],
            img_shape=images[0].shape[:2],
            ori_shape=images[0].shape[:2],
            pad_shape=images[0].shape[:2],
            num_views=len(cameras),
            cam2img=cam2img,
            lidar2cam=lidar2cam,
            lidar2img=cam2img @ lidar2cam,
            cam2lidar=np.linalg.inv(lidar2cam),
            img_aug_matrix=np.tile(np.eye(4), (len(cameras), 1, 1)))
        return results
