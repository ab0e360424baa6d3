"""What every BEV fuser shares: a fixed modality order and zero-filling of absent modalities."""
from typing import List, Optional, Sequence

from torch import Tensor, nn


class BaseFuser(nn.Module):
    """Fuses per-modality BEV maps of equal spatial size, any of which may be absent (``None``).

    Args:
        in_channels: channels of each modality's BEV, in the order the model passes them
            (``[camera, lidar]`` for :class:`~bevzoo.models.detectors.BEVFusionModel`).
        out_channels: channels of the fused BEV.
    """

    def __init__(self, in_channels: Sequence[int], out_channels: int) -> None:
        super().__init__()
        self.in_channels = list(in_channels)
        self.out_channels = out_channels

    def _check_inputs(self, features: Sequence[Optional[Tensor]]) -> Tensor:
        """Validate the inputs and return one present feature map (the shape reference)."""
        if len(features) != len(self.in_channels):
            raise ValueError(f'{type(self).__name__} was built for {len(self.in_channels)} modalities, '
                             f'got {len(features)} feature maps')
        present = [feature for feature in features if feature is not None]
        if not present:
            raise ValueError(f'{type(self).__name__} got no modality at all: every BEV input is None')
        for feature, channels in zip(features, self.in_channels):
            if feature is not None and (feature.dim() != 4 or feature.shape[1] != channels
                                        or feature.shape[-2:] != present[0].shape[-2:]):
                raise ValueError(f'{type(self).__name__} expects BEV maps [B, C, Y, X] with channels '
                                 f'{self.in_channels} and one spatial size, got '
                                 f'{[None if f is None else tuple(f.shape) for f in features]}')
        return present[0]

    def fill_missing(self, features: Sequence[Optional[Tensor]]) -> List[Tensor]:
        """Replace each absent modality with zeros of its channel count, shaped like the present ones."""
        reference = self._check_inputs(features)
        batch, _, height, width = reference.shape
        return [reference.new_zeros(batch, channels, height, width) if feature is None else feature
                for feature, channels in zip(features, self.in_channels)]
