"""Lift-splat view transform: what LSS and DepthLSS share (frustum, geometry, pooling, BEV downsampling)."""
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

from bevzoo.ops import BevPoolCache, BevPoolIndex, bev_pool, frustum_cells
from .bev_grid import BEVGrid
from .camera_geometry import CameraGeometry


@dataclass
class ViewTransformOutput:
    """Result of a view transform.

    Attributes:
        bev: ``[B, C_out, Y', X']`` camera BEV features (``Y' = Y / downsample``).
        depth: ``[B, N, D, H, W]`` predicted depth distribution of every camera feature pixel.
    """
    bev: Tensor
    depth: Tensor


def _conv_bn_relu(in_channels: int, out_channels: int, stride: int = 1) -> List[nn.Module]:
    return [nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True)]


class BaseViewTransform(nn.Module):
    """Lifts camera features onto depth bins and splats them into a BEV grid with ``bevzoo.ops.bev_pool``.

    Subclasses implement :meth:`lift`, which predicts a depth distribution and context features per camera
    pixel; this class turns them into BEV features. The pooling index depends only on the camera geometry, so
    it is cached (``bevzoo.ops.BevPoolCache``) and rebuilt only when calibration or augmentation matrices
    change: once at inference with fixed calibration, every step in training with random augmentation.

    Args:
        in_channels: channels of the image feature map.
        out_channels: channels ``C`` of the lifted context features (and of the output BEV).
        image_size: ``(H_img, W_img)`` of the network input images.
        feature_size: ``(H, W)`` of the image feature map.
        xbound: ``(x_min, x_max, step)`` of the BEV grid in metres (augmented LiDAR frame).
        ybound: ``(y_min, y_max, step)``.
        zbound: ``(z_min, z_max, step)``; the ``Z`` levels are folded into channels.
        dbound: ``(d_min, d_max, step)`` depth bins in metres.
        downsample: stride of the convolutional BEV downsampling (1: only a channel-folding conv when ``Z > 1``).
    """

    def __init__(self, in_channels: int, out_channels: int, image_size: Sequence[int], feature_size: Sequence[int],
                 xbound: Sequence[float], ybound: Sequence[float], zbound: Sequence[float],
                 dbound: Sequence[float], downsample: int = 1) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.image_size = tuple(image_size)
        self.feature_size = tuple(feature_size)
        self.grid = BEVGrid.from_bounds(xbound, ybound, zbound)
        self.dbound = tuple(dbound)
        self.register_buffer('depth_bins', torch.arange(*dbound, dtype=torch.float32), persistent=False)
        self.num_depth_bins = len(self.depth_bins)
        self.downsample = self._build_downsample(out_channels * self.grid.shape[0], out_channels, downsample)
        self.index_cache = BevPoolCache()

    @staticmethod
    def _build_downsample(in_channels: int, out_channels: int, stride: int) -> nn.Module:
        if stride == 1 and in_channels == out_channels:
            return nn.Identity()
        return nn.Sequential(*_conv_bn_relu(in_channels, out_channels, stride),
                             *_conv_bn_relu(out_channels, out_channels))

    def lift(self, img_feats: Tensor, geometry: CameraGeometry,
             points: Optional[List[Tensor]]) -> Tuple[Tensor, Tensor]:
        """Predict depth and context per camera pixel.

        Args:
            img_feats: ``[B, N, C_in, H, W]`` image features.
            geometry: the batch's camera geometry.
            points: per sample ``[P, 5]`` LiDAR points (augmented frame); ``None`` when absent.

        Returns:
            ``(depth [B, N, D, H, W]`` softmax over ``D``, ``context [B, N, H, W, C])``.
        """
        raise NotImplementedError(f'{type(self).__name__} must implement lift()')

    def _check_features(self, img_feats: Tensor) -> None:
        if img_feats.dim() != 5 or img_feats.shape[2] != self.in_channels \
                or tuple(img_feats.shape[-2:]) != self.feature_size:
            raise ValueError(f'{type(self).__name__} expects image features [B, N, {self.in_channels}, '
                             f'{self.feature_size[0]}, {self.feature_size[1]}], got {tuple(img_feats.shape)}; '
                             'check in_channels / feature_size against the image neck and image size')

    def pool_index(self, geometry: CameraGeometry) -> BevPoolIndex:
        """The ``bev_pool`` index of this geometry, rebuilt only when the geometry changed since the last call."""
        def make_coords() -> Tensor:
            return frustum_cells(*geometry.as_tuple(), self.image_size, self.feature_size, self.depth_bins,
                                 self.grid.lower, self.grid.cell_size)
        return self.index_cache.get(geometry.as_tuple(), make_coords, self.grid.shape)

    def forward(self, img_feats: Tensor, geometry: CameraGeometry,
                points: Optional[List[Tensor]] = None) -> ViewTransformOutput:
        """Camera features to BEV.

        Args:
            img_feats: ``[B, N, C_in, H, W]`` image features.
            geometry: the batch's camera geometry.
            points: per sample ``[P, 5]`` LiDAR points (augmented frame), used by depth-aware subclasses.

        Returns:
            The BEV ``[B, C_out, Y', X']`` and the predicted depth ``[B, N, D, H, W]``.
        """
        self._check_features(img_feats)
        depth, context = self.lift(img_feats, geometry, points)
        pooled = bev_pool(depth, context.contiguous(), self.pool_index(geometry))  # [B, C, Z, Y, X]
        bev = pooled.flatten(1, 2)
        return ViewTransformOutput(bev=self.downsample(bev), depth=depth)
