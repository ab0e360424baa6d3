"""DepthLSS: LSS whose depth net also sees a sparse LiDAR depth image, optionally supervised by LiDAR depth."""
import math
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmdet3d.registry import MODELS
from .base_view_transform import BaseViewTransform
from .camera_geometry import CameraGeometry
from .lidar_depth import rasterize_lidar_depth
from .lss import split_depth_context


def _depth_hint_encoder(stride: int, channels: int) -> nn.Sequential:
    """Encode a ``[*, 1, H_img, W_img]`` depth image to ``[*, channels, H_img / stride, W_img / stride]``."""
    num_halvings = int(math.log2(stride))
    if 2 ** num_halvings != stride:
        raise ValueError(f'DepthLSSTransform needs a power-of-two feature stride, got image/feature ratio {stride}')
    layers = [nn.Conv2d(1, channels // 4, 1), nn.BatchNorm2d(channels // 4), nn.ReLU(inplace=True)]
    in_channels = channels // 4
    for _ in range(num_halvings):
        layers += [nn.Conv2d(in_channels, channels, 3, stride=2, padding=1, bias=False),
                   nn.BatchNorm2d(channels), nn.ReLU(inplace=True)]
        in_channels = channels
    return nn.Sequential(*layers)


@MODELS.register_module()
class DepthLSSTransform(BaseViewTransform):
    """LSS with a LiDAR depth hint, as in BEVFusion; optionally supervises depth with projected LiDAR.

    Differs from :class:`BaseViewTransform` by :meth:`lift`: the LiDAR points are projected into every
    (augmented) camera as a sparse depth image, encoded by a small strided conv stack, concatenated with the
    image features and fed to a 3-layer depth net. Without points (a LiDAR dropout at inference) the hint is
    an empty depth image.

    Args:
        depth_hint_channels: channels of the encoded depth hint.
        depth_loss_weight: weight of the binary cross-entropy between the predicted depth distribution and the
            one-hot bin of the nearest projected LiDAR point per feature pixel; 0 disables depth supervision.
        **kwargs: see :class:`BaseViewTransform`.
    """

    def __init__(self, depth_hint_channels: int = 64, depth_loss_weight: float = 0.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.feature_stride = self.image_size[0] // self.feature_size[0]
        self.depth_loss_weight = depth_loss_weight
        self.depth_hint = _depth_hint_encoder(self.feature_stride, depth_hint_channels)
        channels = self.in_channels
        self.depth_net = nn.Sequential(
            nn.Conv2d(channels + depth_hint_channels, channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
            nn.Conv2d(channels, self.num_depth_bins + self.out_channels, 1))

    @property
    def supervises_depth(self) -> bool:
        return self.depth_loss_weight > 0

    def _lidar_depth(self, img_feats: Tensor, geometry: CameraGeometry, points: Optional[List[Tensor]],
                     stride: int) -> Tensor:
        if points is None:
            batch, cams = img_feats.shape[:2]
            return img_feats.new_zeros(batch, cams, 1, self.image_size[0] // stride, self.image_size[1] // stride)
        return rasterize_lidar_depth(points, geometry, self.image_size, stride)

    def lift(self, img_feats: Tensor, geometry: CameraGeometry,
             points: Optional[List[Tensor]]) -> Tuple[Tensor, Tensor]:
        """See :meth:`BaseViewTransform.lift`."""
        hint = self.depth_hint(self._lidar_depth(img_feats, geometry, points, 1).flatten(0, 1))
        logits = self.depth_net(torch.cat([img_feats.flatten(0, 1), hint], dim=1))
        return split_depth_context(logits, img_feats.shape[:2], self.num_depth_bins)

    def depth_loss(self, depth: Tensor, geometry: CameraGeometry, points: List[Tensor]) -> Tensor:
        """Weighted BCE of the predicted depth against the nearest LiDAR depth per feature pixel.

        Args:
            depth: ``[B, N, D, H, W]`` predicted depth distribution.
            geometry: the batch's camera geometry.
            points: per sample ``[P, 5]`` points in the augmented LiDAR frame.

        Returns:
            Scalar loss (0 when no point projects into any feature pixel).
        """
        target_depth = self._lidar_depth(depth, geometry, points, self.feature_stride)[:, :, 0]  # [B, N, H, W]
        d_min, _, d_step = self.dbound
        bins = torch.floor((target_depth - d_min) / d_step).long()
        valid = (target_depth > 0) & (bins >= 0) & (bins < self.num_depth_bins)
        if not valid.any():
            return depth.sum() * 0
        one_hot = F.one_hot(bins[valid], self.num_depth_bins).to(depth.dtype)
        predicted = depth.permute(0, 1, 3, 4, 2)[valid].clamp(1e-6, 1 - 1e-6)
        return self.depth_loss_weight * F.binary_cross_entropy(predicted, one_hot)
