"""Camera branch: image backbone, neck and view transform, from multi-view images to a camera BEV."""
from typing import List, Optional

from mmengine.model import BaseModule
from torch import Tensor

from mmdet3d.registry import MODELS
from ..view_transforms import CameraGeometry, ViewTransformOutput


@MODELS.register_module()
class CameraBEVEncoder(BaseModule):
    """Multi-view images -> image features (finest neck level) -> BEV through a view transform.

    Args:
        backbone: image backbone config (e.g. ``mmdet.ResNet``, ``mmdet.SwinTransformer``).
        neck: image neck config (e.g. :class:`LSSFPN`); its first output feeds the view transform.
        view_transform: :class:`~bevzoo.models.view_transforms.LSSTransform` or ``DepthLSSTransform`` config.
        init_cfg: mmengine initialisation config (e.g. pretrained backbone weights).
    """

    def __init__(self, backbone: dict, neck: dict, view_transform: dict, init_cfg: dict = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck)
        self.view_transform = MODELS.build(view_transform)

    def forward(self, imgs: Tensor, geometry: CameraGeometry,
                points: Optional[List[Tensor]] = None) -> ViewTransformOutput:
        """Args:
            imgs: ``[B, N, 3, H_img, W_img]`` normalised images.
            geometry: calibration and augmentation of the batch.
            points: per sample ``[P, 5]`` LiDAR points for depth-aware view transforms, or ``None``.

        Returns:
            The camera BEV ``[B, C, Y, X]`` and the predicted depth.
        """
        batch, cams = imgs.shape[:2]
        feats = self.neck(self.backbone(imgs.flatten(0, 1)))[0]
        return self.view_transform(feats.view(batch, cams, *feats.shape[1:]), geometry, points)
