"""ConvFuser: concatenate the modality BEVs, then 3x3 conv, BN, ReLU (BEVFusion's fuser)."""
from typing import Optional, Sequence

import torch
from torch import Tensor, nn

from mmdet3d.registry import MODELS
from .base_fuser import BaseFuser


@MODELS.register_module()
class ConvFuser(BaseFuser):
    """Concatenation fuser; an absent modality (``None``) enters as zeros, as if its sensor saw nothing.

    Args: see :class:`BaseFuser`.
    """

    def __init__(self, in_channels: Sequence[int], out_channels: int) -> None:
        super().__init__(in_channels, out_channels)
        self.fuse = nn.Sequential(nn.Conv2d(sum(in_channels), out_channels, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))

    def forward(self, features: Sequence[Optional[Tensor]]) -> Tensor:
        """``[B, C_i, Y, X]`` per modality (or ``None``) -> ``[B, out_channels, Y, X]``."""
        return self.fuse(torch.cat(self.fill_missing(features), dim=1))
