"""AddFuser: project each modality BEV to a common width and average the present ones."""
from typing import Optional, Sequence

from torch import Tensor, nn

from mmdet3d.registry import MODELS
from .base_fuser import BaseFuser


@MODELS.register_module()
class AddFuser(BaseFuser):
    """Per-modality 3x3 conv, BN, ReLU to ``out_channels``, then the mean over present modalities.

    Unlike :class:`ConvFuser` an absent modality is skipped instead of zero-filled, so the fused scale does
    not change when a sensor drops out.

    Args: see :class:`BaseFuser`.
    """

    def __init__(self, in_channels: Sequence[int], out_channels: int) -> None:
        super().__init__(in_channels, out_channels)
        self.projections = nn.ModuleList(
            nn.Sequential(nn.Conv2d(channels, out_channels, 3, padding=1, bias=False),
                          nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True)) for channels in in_channels)

    def forward(self, features: Sequence[Optional[Tensor]]) -> Tensor:
        """``[B, C_i, Y, X]`` per modality (or ``None``) -> ``[B, out_channels, Y, X]``."""
        self._check_inputs(features)
        projected = [projection(feature) for projection, feature in zip(self.projections, features)
                     if feature is not None]
        return sum(projected) / len(projected)
