"""Camera branch: image necks and the camera BEV encoder (backbones come from mmdet via ``mmdet.``)."""
from .camera_bev_encoder import CameraBEVEncoder
from .lss_fpn import LSSFPN

__all__ = ['CameraBEVEncoder', 'LSSFPN']
