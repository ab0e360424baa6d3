"""An LSS-style FPN neck: top-down fusion by upsample-and-concatenate, as BEVFusion's camera neck."""
from typing import List, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmdet3d.registry import MODELS


def _conv_bn_relu(in_channels: int, out_channels: int, kernel_size: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))


@MODELS.register_module()
class LSSFPN(nn.Module):
    """Top-down FPN whose lateral step concatenates (not adds) the upsampled coarser level.

    Level ``i`` (finest first) becomes ``conv3x3(conv1x1(cat(x_i, up(out_{i+1}))))`` where the coarsest
    input enters as is, so every output carries context from all coarser levels.

    Args:
        in_channels: channels of the backbone levels, finest first (e.g. Swin-T ``[192, 384, 768]``).
        out_channels: channels of every output level.
        num_outs: how many output levels (finest first) to return; at most ``len(in_channels) - 1``.
    """

    def __init__(self, in_channels: Sequence[int], out_channels: int, num_outs: int = 1) -> None:
        super().__init__()
        if len(in_channels) < 2 or not 1 <= num_outs < len(in_channels):
            raise ValueError(f'LSSFPN needs >= 2 input levels and 1 <= num_outs < {len(in_channels)}, got '
                             f'in_channels={list(in_channels)}, num_outs={num_outs}')
        self.in_channels = list(in_channels)
        self.num_outs = num_outs
        self.lateral_convs = nn.ModuleList()
        self.output_convs = nn.ModuleList()
        for level in range(len(in_channels) - 1):
            coarser = in_channels[-1] if level == len(in_channels) - 2 else out_channels
            self.lateral_convs.append(_conv_bn_relu(in_channels[level] + coarser, out_channels, 1))
            self.output_convs.append(_conv_bn_relu(out_channels, out_channels, 3))

    def forward(self, feats: Sequence[Tensor]) -> Tuple[Tensor, ...]:
        """Args: ``feats``: per level ``[B, C_i, H_i, W_i]``, finest first.

        Returns:
            ``num_outs`` maps ``[B, out_channels, H_i, W_i]``, finest first.
        """
        if len(feats) != len(self.in_channels):
            raise ValueError(f'LSSFPN was built for {len(self.in_channels)} levels, got {len(feats)}')
        coarser = feats[-1]
        outputs: List[Tensor] = []
        for level in range(len(feats) - 2, -1, -1):
            upsampled = F.interpolate(coarser, size=feats[level].shape[-2:], mode='bilinear', align_corners=False)
            coarser = self.output_convs[level](self.lateral_convs[level](torch.cat([feats[level], upsampled], 1)))
            outputs.insert(0, coarser)
        return tuple(outputs[:self.num_outs])
