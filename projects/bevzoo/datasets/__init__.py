"""nuScenes-format data: the info-file converter, the multi-task dataset and its pipeline transforms."""
from . import transforms  # noqa: F401  (registers the transforms)
from .errors import DanglingReferenceError, DataFileError
from .multitask_dataset import NuScenesMultiTaskDataset
from .occupancy_grid import OccupancyGrid

__all__ = ['NuScenesMultiTaskDataset', 'DataFileError', 'DanglingReferenceError', 'OccupancyGrid']
