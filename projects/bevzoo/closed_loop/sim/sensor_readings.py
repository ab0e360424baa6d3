"""The agent's ``input_data`` in CARLA's formats, rendered from the built-in world on demand.

The Leaderboard hands ``run_step`` a dict ``{sensor id: (frame, data)}`` every tick. Here it is a
mapping that renders a sensor only when the agent reads it (agents that perceive at a lower rate than
20 Hz do not pay for the ticks they skip), in CARLA's formats:

* camera: ``[H, W, 4]`` uint8 BGRA;
* LiDAR: ``[N, 4]`` float32 ``x, y, z, intensity`` in CARLA's left-handed sensor frame (y right), with
  intensity in [0, 1]; the world's 32-beam pattern, not CARLA's forced 64 beams;
* GNSS: ``[lat, lon, alt]`` with the Leaderboard's noise (5e-6 deg standard deviation);
* IMU: ``[ax, ay, az, gx, gy, gz, compass]`` (compass in radians, 0 = north, clockwise);
* speedometer: ``{'speed': m/s}``.
"""
import math
from collections.abc import Mapping
from typing import Dict, List

import numpy as np

from ...world.config import SensorConfig
from ...world.sensors import CameraSpec, LidarSpec, render_camera, render_lidar
from ..gnss import location_to_gnss
from ..sensor_suite import camera_from_carla
from .bicycle import EgoState

GNSS_NOISE_DEG = 5e-6  # the Leaderboard's GNSS noise standard deviation (lat and lon)
CARLA_LIDAR_RANGE = 85.0  # m, forced by the Leaderboard
GRAVITY = 9.81


class UnsupportedSensorError(ValueError):
    """The agent asked for a sensor the built-in world cannot render."""


def world_camera(spec: dict) -> CameraSpec:
    """The world's camera for a Leaderboard camera dict (the world's cameras only yaw)."""
    if abs(spec.get('pitch', 0.0)) > 1e-6 or abs(spec.get('roll', 0.0)) > 1e-6:
        raise UnsupportedSensorError(f'camera {spec["id"]}: the built-in world renders cameras with pitch = roll = 0, '
                                     f'got pitch={spec.get("pitch")} roll={spec.get("roll")}')
    mount = camera_from_carla(spec)
    return CameraSpec(spec['id'], tuple(mount.cam2ego[:3, 3]), math.radians(-spec['yaw']), mount.intrinsics,
                      mount.width, mount.height)


def world_lidar(spec: dict, sensors: SensorConfig) -> LidarSpec:
    """The world's LiDAR at a Leaderboard LiDAR dict's position (right-handed, x forward, y left)."""
    return LidarSpec((spec['x'], -spec['y'], spec['z']), math.radians(-spec.get('yaw', 0.0)),
                     sensors.lidar_azimuth_steps, CARLA_LIDAR_RANGE)


class SensorReadings(Mapping):
    """``{sensor id: (frame, data)}`` for one tick; rendering happens on first access.

    Args:
        world: The :class:`~bevzoo.closed_loop.sim.world_sim.SimWorld` (ego already placed).
        ego: Ego state at this tick; ``yaw_rate`` its yaw rate in rad/s.
        sensors: The agent's sensor dicts.
        frame: Tick counter.
        sensor_config: Resolution settings of the world (LiDAR azimuth steps).
        rng: Noise generator.
    """

    def __init__(self, world, ego: EgoState, yaw_rate: float, sensors: List[dict], frame: int,
                 sensor_config: SensorConfig, rng: np.random.Generator) -> None:
        self._world, self._ego, self._yaw_rate = world, ego, yaw_rate
        self._specs: Dict[str, dict] = {s['id']: s for s in sensors}
        self._frame, self._sensor_config, self._rng = frame, sensor_config, rng
        self._cache: Dict[str, tuple] = {}

    def __len__(self) -> int:
        return len(self._specs)

    def __iter__(self):
        return iter(self._specs)

    def __getitem__(self, sensor_id: str) -> tuple:
        if sensor_id not in self._cache:
            spec = self._specs[sensor_id]
            self._cache[sensor_id] = (self._frame, self._render(spec))
        return self._cache[sensor_id]

    def _render(self, spec: dict):
        kind = spec['type']
        if kind == 'sensor.camera.rgb':
            rgb = render_camera(self._world.scene, world_camera(spec)).rgb
            alpha = np.full(rgb.shape[:2] + (1,), 255, np.uint8)
            return np.concatenate([rgb[..., ::-1], alpha], axis=2)
        if kind == 'sensor.lidar.ray_cast':
            sweep = render_lidar(self._world.scene, world_lidar(spec, self._sensor_config), self._rng)
            points = sweep.points[:, :4].copy()
            points[:, 1] *= -1.0  # right-handed -> CARLA's left-handed sensor frame
            points[:, 3] /= 255.0
            return points
        if kind == 'sensor.other.gnss':
            lat, lon = location_to_gnss(self._ego.x, self._ego.y)
            noise = self._rng.normal(0.0, GNSS_NOISE_DEG, 2)
            return np.array([lat + noise[0], lon + noise[1], 0.0])
        if kind == 'sensor.other.imu':
            compass = (math.pi / 2 - self._ego.yaw) % (2 * math.pi)
            lateral = self._ego.speed * self._yaw_rate
            # CARLA's IMU frame is left-handed (y right, yaw rate clockwise positive).
            return np.array([self._ego.accel, -lateral, GRAVITY, 0.0, 0.0, -self._yaw_rate, compass])
        if kind == 'sensor.speedometer':
            return {'speed': self._ego.speed}
        raise UnsupportedSensorError(f'sensor {spec["id"]} of type {kind!r} is not simulated by the built-in world '
                                     '(cameras, ray-cast LiDAR, GNSS, IMU and the speedometer are)')
