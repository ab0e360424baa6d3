"""The agent's sensor rig: the built-in world's nuScenes-like rig, restricted to what the model uses.

The cameras keep the world's (nuScenes') mounting and field of view at the requested resolution, so a
model trained on the world sees the same geometry in closed loop; in CARLA the same rig is requested.
"""
import math
from typing import Sequence

from ..world.config import SensorConfig
from ..world.sensors import nuscenes_rig
from .sensor_suite import CameraMount, LidarMount, SensorRig


def world_sensor_rig(camera_names: Sequence[str], with_lidar: bool, width: int, height: int) -> SensorRig:
    """Args:
        camera_names: Cameras the model reads, in its order (names of the world's rig).
        with_lidar: Whether the model reads LIDAR_TOP.
        width, height: Camera resolution in pixels.
    """
    rig = nuscenes_rig(SensorConfig(image_width=width, image_height=height))
    unknown = sorted(set(camera_names) - set(rig.cameras))
    if unknown:
        raise ValueError(f'cameras {unknown} are not in the world rig {sorted(rig.cameras)}')
    cameras = []
    for name in camera_names:
        spec = rig.cameras[name]
        fov = math.degrees(2.0 * math.atan(spec.width / (2.0 * spec.intrinsic[0, 0])))
        cameras.append(CameraMount(name, spec.sensor_to_ego, spec.width, spec.height, fov))
    lidar = LidarMount('LIDAR_TOP', rig.lidar.sensor_to_ego) if with_lidar else None
    return SensorRig(cameras, lidar)
