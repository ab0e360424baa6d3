"""BEV decoder: a 2D backbone and an FPN neck over the fused BEV (mmdet3d's SECOND + SECONDFPN)."""
from mmengine.model import BaseModule
from torch import Tensor

from mmdet3d.registry import MODELS


@MODELS.register_module()
class BEVDecoder(BaseModule):
    """``backbone`` (multi-scale BEV features) then ``neck`` (fused back to one map).

    Args:
        backbone: e.g. ``dict(type='SECOND', in_channels=256, out_channels=[128, 256], layer_nums=[5, 5],
            layer_strides=[1, 2])``.
        neck: e.g. ``dict(type='SECONDFPN', in_channels=[128, 256], out_channels=[256, 256],
            upsample_strides=[1, 2])``.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self, backbone: dict, neck: dict, init_cfg: dict = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck)

    def forward(self, bev: Tensor) -> Tensor:
        """``[B, C_in, Y, X]`` -> ``[B, C_out, Y', X']`` (the neck's single output map)."""
        outputs = self.neck(self.backbone(bev))
        if len(outputs) != 1:
            raise ValueError(f'BEVDecoder expects its neck to return one map, got {len(outputs)}')
        return outputs[0]
