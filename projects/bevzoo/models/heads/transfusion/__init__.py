"""TransFusion-style query head, split by concept: query init, decoder layer, box coder, assigner, targets."""
from .transfusion_head import QueryHeadOutput, TransFusionHead

__all__ = ['QueryHeadOutput', 'TransFusionHead']
