"""Detectors: the model class that wires the stages."""
from .bevfusion_model import BEVFeatures, BEVFusionModel

__all__ = ['BEVFeatures', 'BEVFusionModel']
