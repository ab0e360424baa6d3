"""Pipeline transforms registered in mmdet3d's TRANSFORMS (scope ``mmdet3d``)."""
from .bev_augmentation import GlobalBEVAug
from .camera_loading import LoadMultiViewCameras
from .image_augmentation import MultiViewImageAug
from .map_loading import LoadBEVMapMask
from .occupancy_loading import LoadOccupancy
from .packing import PackMultiTaskInputs
from .points_loading import LoadLidarPoints, LoadLidarSweeps

__all__ = ['GlobalBEVAug', 'LoadMultiViewCameras', 'MultiViewImageAug', 'LoadBEVMapMask', 'LoadOccupancy',
           'PackMultiTaskInputs', 'LoadLidarPoints', 'LoadLidarSweeps']
