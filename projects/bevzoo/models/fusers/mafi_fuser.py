"""MAFI fuser (M3Net's Modality-Adaptive Feature Integration): concat-conv fusion re-weighted per channel by
attention that each modality predicts from its own BEV."""
from typing import Optional, Sequence

import torch
from mmdet3d.registry import MODELS
from torch import Tensor, nn

from .conv_fuser import ConvFuser


@MODELS.register_module()
class MAFIFuser(ConvFuser):
    """:class:`ConvFuser` followed by modality-predicted channel attention.

    Each modality ``m`` pools its BEV globally and predicts channel logits ``a_m`` for the fused map
    (a squeeze-and-excitation branch per modality); the fused map is multiplied by
    ``sigmoid(sum_m a_m)``. A modality therefore up-weights the fused channels it carries evidence for
    (e.g. LiDAR the geometric channels detection needs, the camera the texture channels map
    segmentation needs). An absent modality (``None``) enters the convolution as zeros, like in
    :class:`ConvFuser`, and contributes no attention term.

    Args:
        in_channels: channels of each modality's BEV (``[camera, lidar]``).
        out_channels: channels of the fused BEV.
        reduction: squeeze ratio of the attention branches' hidden layer.
    """

    def __init__(self, in_channels: Sequence[int], out_channels: int, reduction: int = 4) -> None:
        super().__init__(in_channels, out_channels)
        hidden = max(out_channels // reduction, 1)
        self.attention = nn.ModuleList(
            nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(channels, hidden, 1), nn.ReLU(inplace=True),
                          nn.Conv2d(hidden, out_channels, 1))
            for channels in in_channels)

    def forward(self, features: Sequence[Optional[Tensor]]) -> Tensor:
        """``[B, C_i, Y, X]`` per modality (or ``None``) -> ``[B, out_channels, Y, X]``."""
        fused = super().forward(features)
        logits = [branch(feature) for branch, feature in zip(self.attention, features) if feature is not None]
        return fused * torch.sigmoid(torch.stack(logits).sum(dim=0))
