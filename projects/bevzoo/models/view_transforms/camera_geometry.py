"""Camera <-> LiDAR geometry shared by the view transforms and the LiDAR depth maps.

Conventions (the data-sample contract of ``docs/architecture.md``):

* ``cam2img``: ``[B, N, 4, 4]`` intrinsics (a 3x3 ``K`` in the top-left corner; 3x3 inputs are padded).
* ``cam2lidar`` / ``lidar2cam``: ``[B, N, 4, 4]`` rigid transforms between camera and (unaugmented) LiDAR.
* ``img_aug_matrix``: ``[B, N, 4, 4]`` maps ``(u, v, depth)`` of the original image to the augmented image:
  ``uvd_aug = M[:3, :3] @ uvd + M[:3, 3]`` (resize, crop, flip, rotation act on ``u, v`` only), the
  convention of ``bevzoo.ops.frustum_cells``.
* ``lidar_aug_matrix``: ``[B, 4, 4]`` maps an unaugmented LiDAR point to the augmented LiDAR frame in which
  points, boxes and the BEV live.
"""
from dataclasses import dataclass
from typing import Sequence, Tuple

import numpy as np
import torch
from torch import Tensor

REQUIRED_META_KEYS = ('cam2img', 'cam2lidar', 'img_aug_matrix', 'lidar_aug_matrix')


class MissingCameraMetaError(KeyError):
    """A data sample lacks a camera-geometry metainfo key that the view transform needs."""

    def __str__(self) -> str:  # KeyError would print the message quoted
        return str(self.args[0])


def _as_matrix_4x4(value, key: str) -> Tensor:
    matrix = torch.as_tensor(np.asarray(value), dtype=torch.float32)
    if matrix.shape[-2:] == (3, 3):
        padded = torch.eye(4).expand(*matrix.shape[:-2], 4, 4).clone()
        padded[..., :3, :3] = matrix
        matrix = padded
    if matrix.shape[-2:] != (4, 4):
        raise ValueError(f'metainfo {key!r} must hold 3x3 or 4x4 matrices, got shape {tuple(matrix.shape)}')
    return matrix


@dataclass
class CameraGeometry:
    """Batched camera calibration and augmentation of one batch of samples.

    Attributes:
        cam2img: ``[B, N, 4, 4]`` intrinsics.
        cam2lidar: ``[B, N, 4, 4]`` camera-to-LiDAR extrinsics (before LiDAR augmentation).
        img_aug: ``[B, N, 4, 4]`` image augmentation matrices.
        lidar_aug: ``[B, 4, 4]`` LiDAR (BEV) augmentation matrices.
    """
    cam2img: Tensor
    cam2lidar: Tensor
    img_aug: Tensor
    lidar_aug: Tensor

    @classmethod
    def from_metainfos(cls, metainfos: Sequence[dict], device: torch.device) -> 'CameraGeometry':
        """Stack the geometry keys of every sample's metainfo.

        Raises:
            MissingCameraMetaError: when a sample lacks one of ``REQUIRED_META_KEYS``.
        """
        stacked = {}
        for key in REQUIRED_META_KEYS:
            missing = [index for index, meta in enumerate(metainfos) if key not in meta]
            if missing:
                raise MissingCameraMetaError(
                    f'data samples {missing} lack metainfo {key!r}, which the view transform needs; add it to '
                    f"Pack3DDetInputs' meta_keys (the image/BEV augmentation transforms record identity "
                    f'matrices when they do not augment)')
            stacked[key] = torch.stack([_as_matrix_4x4(meta[key], key) for meta in metainfos]).to(device)
        return cls(stacked['cam2img'], stacked['cam2lidar'], stacked['img_aug_matrix'], stacked['lidar_aug_matrix'])

    def lidar2img(self) -> Tensor:
        """``[B, N, 4, 4]`` map from augmented LiDAR points to augmented pixels (homogeneous, times depth).

        The image augmentation acts on ``(u, v, depth)`` after the perspective division, so
        :func:`lidar_to_pixels` applies it; this matrix stops at ``cam2img``.
        """
        lidar2cam = torch.linalg.inv(self.cam2lidar)
        unaug_lidar = torch.linalg.inv(self.lidar_aug)[:, None]
        return self.cam2img @ lidar2cam @ unaug_lidar

    def as_tuple(self) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        """``(cam2img, cam2lidar, img_aug, lidar_aug)``: the argument order of ``bevzoo.ops.frustum_cells``."""
        return self.cam2img, self.cam2lidar, self.img_aug, self.lidar_aug


def lidar_to_pixels(points: Tensor, geometry: CameraGeometry, batch_index: int) -> tuple:
    """Project augmented-LiDAR points of one sample into its augmented images.

    Args:
        points: ``[P, 3+]`` points of sample ``batch_index`` in the augmented LiDAR frame.
        geometry: the batch's camera geometry.
        batch_index: which sample of the batch the points belong to.

    Returns:
        ``(uv, depth)``: ``[N, P, 2]`` augmented pixel coordinates and ``[N, P]`` camera depths (metres).
    """
    lidar2img = geometry.lidar2img()[batch_index]  # [N, 4, 4]
    homogeneous = torch.cat([points[:, :3], points.new_ones(points.shape[0], 1)], dim=1)
    projected = torch.einsum('nij,pj->npi', lidar2img, homogeneous)
    depth = projected[..., 2]
    uvd = torch.cat([projected[..., :2] / depth.clamp(min=1e-5)[..., None], depth[..., None]], dim=-1)
    aug = geometry.img_aug[batch_index]
    uvd = torch.einsum('nij,npj->npi', aug[:, :3, :3], uvd) + aug[:, None, :3, 3]
    return uvd[..., :2], uvd[..., 2]
