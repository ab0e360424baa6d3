"""LSS: depth distribution and context predicted from image features alone."""
from typing import List, Optional, Tuple

from torch import Tensor, nn

from mmdet3d.registry import MODELS
from .base_view_transform import BaseViewTransform
from .camera_geometry import CameraGeometry


@MODELS.register_module()
class LSSTransform(BaseViewTransform):
    """Lift-Splat-Shoot view transform: a 1x1 conv predicts ``D`` depth logits and ``C`` context channels.

    Differs from :class:`BaseViewTransform` only by its :meth:`lift`; see there for the arguments.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.depth_net = nn.Conv2d(self.in_channels, self.num_depth_bins + self.out_channels, 1)

    def lift(self, img_feats: Tensor, geometry: CameraGeometry,
             points: Optional[List[Tensor]]) -> Tuple[Tensor, Tensor]:
        """See :meth:`BaseViewTransform.lift`; ``geometry`` and ``points`` are not used by plain LSS."""
        return split_depth_context(self.depth_net(img_feats.flatten(0, 1)), img_feats.shape[:2],
                                   self.num_depth_bins)


def split_depth_context(logits: Tensor, batch_cams: Tuple[int, int], num_depth_bins: int) -> Tuple[Tensor, Tensor]:
    """``[B*N, D + C, H, W]`` logits -> ``(depth [B, N, D, H, W]`` softmax, ``context [B, N, H, W, C])``."""
    logits = logits.view(*batch_cams, *logits.shape[1:])
    depth = logits[:, :, :num_depth_bins].softmax(dim=2)
    context = logits[:, :, num_depth_bins:].permute(0, 1, 3, 4, 2)
    return depth, context
