"""Task heads: each implements ``loss(bev, data_samples)`` and ``predict(bev, data_samples)``."""
from .bev_grid_resampler import BEVGridResampler
from .map_segmentation_head import BEVMapSegmentationHead
from .occupancy_head import OccupancyHead

__all__ = ['BEVGridResampler', 'BEVMapSegmentationHead', 'OccupancyHead']
