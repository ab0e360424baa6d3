"""Task heads: each implements ``loss(bev, data_samples)`` and ``predict(bev, data_samples)``."""
from .bev_grid_resampler import BEVGridResampler
from .center_task_head import CenterTaskHead
from .map_segmentation_head import BEVMapSegmentationHead
from .occupancy_head import OccupancyHead
from .transfusion import TransFusionHead

__all__ = ['BEVGridResampler', 'CenterTaskHead', 'BEVMapSegmentationHead', 'OccupancyHead', 'TransFusionHead']
