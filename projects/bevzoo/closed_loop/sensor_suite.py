"""The agent's sensor suite: CARLA sensor dicts from a camera/LiDAR rig, back again, and track limits.

Frames: bevzoo's ego frame is right-handed (x forward, y left, z up); camera frames are optical
(x right, y down, z forward). CARLA places sensors in the vehicle's left-handed frame (y right) with
``roll, pitch, yaw`` in degrees (yaw clockwise seen from above, pitch nose up) and builds pinhole
intrinsics from ``width, height, fov`` with the principal point at the image centre.
"""
import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np

MAX_SENSOR_DISTANCE = 3.0  # m from the vehicle origin (Leaderboard rule)
TRACK_LIMITS: Dict[str, Dict[str, int]] = {
    '1.0': {'sensor.camera.rgb': 4, 'sensor.lidar.ray_cast': 1, 'sensor.other.radar': 2,
            'sensor.other.gnss': 1, 'sensor.other.imu': 1, 'sensor.speedometer': 1},
    '2.0': {'sensor.camera.rgb': 8, 'sensor.lidar.ray_cast': 2, 'sensor.other.radar': 4,
            'sensor.other.gnss': 1, 'sensor.other.imu': 1, 'sensor.speedometer': 1},
}
# Optical camera axes expressed in CARLA's sensor axes (x forward, y right, z up), as columns.
_OPTICAL_IN_SENSOR = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, -1.0, 0.0]])
_FLIP_Y = np.diag([1.0, -1.0, 1.0])


class SensorTrackError(ValueError):
    """The sensor suite a config needs does not fit the chosen Leaderboard track."""


@dataclass(frozen=True)
class CameraMount:
    """One camera.

    Attributes:
        name: Sensor id, e.g. 'CAM_FRONT'.
        cam2ego: ``[4, 4]`` optical camera frame to ego frame.
        width, height: Image size in pixels.
        fov: Horizontal field of view in degrees.
    """
    name: str
    cam2ego: np.ndarray
    width: int
    height: int
    fov: float

    @property
    def intrinsics(self) -> np.ndarray:
        """``[3, 3]`` pinhole matrix as CARLA renders it (square pixels, centred principal point)."""
        focal = self.width / (2.0 * math.tan(math.radians(self.fov) / 2.0))
        return np.array([[focal, 0.0, self.width / 2.0], [0.0, focal, self.height / 2.0], [0.0, 0.0, 1.0]])


@dataclass(frozen=True)
class LidarMount:
    """The LiDAR: ``lidar2ego [4, 4]``; CARLA's LiDAR is mounted at its origin with no rotation and its
    points are moved into the LiDAR frame by the agent."""
    name: str
    lidar2ego: np.ndarray


@dataclass(frozen=True)
class SensorRig:
    cameras: Sequence[CameraMount]
    lidar: Optional[LidarMount]


def rotation_to_carla(rotation: np.ndarray) -> Dict[str, float]:
    """``[3, 3]`` optical-camera-to-ego rotation to CARLA's ``roll, pitch, yaw`` in degrees."""
    sensor_in_carla = _FLIP_Y @ rotation @ np.linalg.inv(_OPTICAL_IN_SENSOR)  # columns: forward, right, up
    forward, right = sensor_in_carla[:, 0], sensor_in_carla[:, 1]
    yaw = math.atan2(forward[1], forward[0])
    pitch = math.asin(float(np.clip(forward[2], -1.0, 1.0)))
    level_right = np.array([-math.sin(yaw), math.cos(yaw), 0.0])
    level_up = np.cross(forward, level_right) * -1.0
    roll = math.atan2(-float(np.dot(right, level_up)), float(np.dot(right, level_right)))
    return {'roll': math.degrees(roll), 'pitch': math.degrees(pitch), 'yaw': math.degrees(yaw)}


def carla_to_rotation(roll: float, pitch: float, yaw: float) -> np.ndarray:
    """Inverse of :func:`rotation_to_carla`: degrees to the ``[3, 3]`` optical-camera-to-ego rotation."""
    r, p, y = (math.radians(a) for a in (roll, pitch, yaw))
    forward = np.array([math.cos(p) * math.cos(y), math.cos(p) * math.sin(y), math.sin(p)])
    level_right = np.array([-math.sin(y), math.cos(y), 0.0])
    level_up = -np.cross(forward, level_right)
    right = math.cos(r) * level_right - math.sin(r) * level_up
    up = np.cross(right, forward) * -1.0
    sensor_in_carla = np.stack([forward, right, up], axis=1)
    return _FLIP_Y @ sensor_in_carla @ _OPTICAL_IN_SENSOR


def camera_to_carla(camera: CameraMount) -> dict:
    """The Leaderboard sensor dict of one camera."""
    x, y, z = camera.cam2ego[:3, 3]
    return {'type': 'sensor.camera.rgb', 'id': camera.name, 'x': float(x), 'y': float(-y), 'z': float(z),
            **rotation_to_carla(camera.cam2ego[:3, :3]), 'width': int(camera.width), 'height': int(camera.height),
            'fov': float(camera.fov)}


def camera_from_carla(spec: dict) -> CameraMount:
    """A :class:`CameraMount` from a Leaderboard camera dict (the geometry CARLA will actually render)."""
    cam2ego = np.eye(4)
    cam2ego[:3, :3] = carla_to_rotation(spec['roll'], spec['pitch'], spec['yaw'])
    cam2ego[:3, 3] = [spec['x'], -spec['y'], spec['z']]
    return CameraMount(spec['id'], cam2ego, int(spec['width']), int(spec['height']), float(spec['fov']))


def lidar_to_carla(lidar: LidarMount) -> dict:
    x, y, z = lidar.lidar2ego[:3, 3]
    return {'type': 'sensor.lidar.ray_cast', 'id': lidar.name, 'x': float(x), 'y': float(-y), 'z': float(z),
            'roll': 0.0, 'pitch': 0.0, 'yaw': 0.0}


def carla_sensors(rig: SensorRig) -> List[dict]:
    """Every sensor the agent asks for: the rig's cameras and LiDAR, GNSS, IMU and the speedometer."""
    sensors = [camera_to_carla(camera) for camera in rig.cameras]
    if rig.lidar is not None:
        sensors.append(lidar_to_carla(rig.lidar))
    sensors += [
        {'type': 'sensor.other.gnss', 'id': 'GPS', 'x': 0.0, 'y': 0.0, 'z': 0.0},
        {'type': 'sensor.other.imu', 'id': 'IMU', 'x': 0.0, 'y': 0.0, 'z': 0.0, 'roll': 0.0, 'pitch': 0.0,
         'yaw': 0.0, 'sensor_tick': 0.05},
        {'type': 'sensor.speedometer', 'id': 'SPEED', 'reading_frequency': 20},
    ]
    return sensors


def check_track(sensors: List[dict], version: str, source: str) -> None:
    """Raise :class:`SensorTrackError` when ``sensors`` break the Leaderboard ``version``'s SENSORS track.

    Args:
        sensors: Leaderboard sensor dicts.
        version: '1.0' or '2.0'.
        source: What asked for the sensors (a config path), for the message.
    """
    if version not in TRACK_LIMITS:
        raise SensorTrackError(f'unknown Leaderboard version {version!r}; use one of {sorted(TRACK_LIMITS)}')
    limits = TRACK_LIMITS[version]
    ids = [s['id'] for s in sensors]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SensorTrackError(f'{source}: sensor ids must be unique, repeated: {duplicates}')
    for kind, limit in limits.items():
        used = [s['id'] for s in sensors if s['type'] == kind]
        if len(used) > limit:
            raise SensorTrackError(
                f'{source} needs {len(used)} x {kind} ({", ".join(used)}), but the Leaderboard {version} SENSORS '
                f'track allows {limit}. Choose a subset with the agent option cameras=[...] (the fusion models '
                f'accept fewer cameras), use a config with fewer sensors, or run Leaderboard 2.0.')
    for sensor in sensors:
        distance = math.sqrt(sum(sensor.get(axis, 0.0) ** 2 for axis in 'xyz'))
        if distance > MAX_SENSOR_DISTANCE:
            raise SensorTrackError(f'{source}: sensor {sensor["id"]} is {distance:.2f} m from the vehicle origin; '
                                   f'the Leaderboard allows {MAX_SENSOR_DISTANCE} m')
