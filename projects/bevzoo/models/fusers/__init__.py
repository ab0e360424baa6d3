"""BEV fusers: combine the camera and LiDAR BEV maps; each tolerates an absent modality."""
from .add_fuser import AddFuser
from .base_fuser import BaseFuser
from .conv_fuser import ConvFuser
from .mafi_fuser import MAFIFuser

__all__ = ['AddFuser', 'BaseFuser', 'ConvFuser', 'MAFIFuser']
