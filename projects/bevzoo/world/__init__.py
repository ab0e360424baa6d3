"""The built-in procedural world: a seeded town, a time-stepped scene, ray-cast sensors and a writer of
nuScenes-format datasets (tables, map expansion, Occ3D labels). See docs/world.md."""
from .config import SensorConfig, TownConfig, TrafficConfig, WorldConfig
from .generate import GenerationReport, generate_world
from .occupancy import OccupancyLabels, occupancy_labels
from .scene import Annotation, Scene
from .sensors import CAMERA_NAMES, CameraImage, LidarSweep, SensorRig, nuscenes_rig, render_camera, render_lidar
from .statistics import WorldStatistics, world_statistics
from .town import Town

__all__ = [
    'Annotation', 'CAMERA_NAMES', 'CameraImage', 'GenerationReport', 'LidarSweep', 'OccupancyLabels', 'Scene',
    'SensorConfig', 'SensorRig', 'Town', 'TownConfig', 'TrafficConfig', 'WorldConfig', 'WorldStatistics',
    'generate_world', 'nuscenes_rig', 'occupancy_labels', 'render_camera', 'render_lidar', 'world_statistics',
]
