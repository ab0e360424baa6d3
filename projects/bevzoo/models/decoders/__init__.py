"""BEV decoders over the fused BEV."""
from .bev_decoder import BEVDecoder

__all__ = ['BEVDecoder']
