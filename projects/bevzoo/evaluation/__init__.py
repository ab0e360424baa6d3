"""Official-protocol metrics: nuScenes detection (devkit), BEV map segmentation (BEVFusion), occupancy (Occ3D)."""
from .bevzoo_metric import MAP_CLASSES, BEVZooMetric
from .map_iou import MAP_THRESHOLDS, map_counts, map_iou_metrics
from .occupancy_miou import OCC_CLASSES, occupancy_confusion, occupancy_metrics

__all__ = ['BEVZooMetric', 'MAP_CLASSES', 'MAP_THRESHOLDS', 'OCC_CLASSES', 'map_counts', 'map_iou_metrics',
           'occupancy_confusion', 'occupancy_metrics']
