"""Data preprocessors: batch images and voxelize points before the model."""
from .sensor_drop import SensorDropPreprocessor
from .voxelizing_preprocessor import VoxelizingDataPreprocessor

__all__ = ['SensorDropPreprocessor', 'VoxelizingDataPreprocessor']
