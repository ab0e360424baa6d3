"""GNSS in CARLA's convention: conversions to and from world metres, and the agent's denoising filter.

CARLA's world frame is left-handed (x forward/east, y right/south, z up); its GNSS sensor and the
Leaderboard's route files project world positions onto latitude/longitude with a Mercator projection
around the map's reference point. bevzoo's agent works in a right-handed frame (y flipped), so the
conversions here take and return right-handed ``(x, y)``.
"""
import math
from collections import deque
from typing import Tuple

import numpy as np

EARTH_RADIUS = 6378137.0  # m, equatorial radius used by CARLA


def location_to_gnss(x: float, y: float, lat_ref: float = 0.0, lon_ref: float = 0.0) -> Tuple[float, float]:
    """Right-handed world ``(x, y)`` in metres to ``(lat, lon)`` in degrees, as CARLA's GNSS sensor."""
    scale = math.cos(math.radians(lat_ref))
    mx = scale * math.radians(lon_ref) * EARTH_RADIUS + x
    my = scale * EARTH_RADIUS * math.log(math.tan(math.radians(90.0 + lat_ref) / 2.0)) + y  # CARLA: my -= y_carla
    lon = math.degrees(mx / (EARTH_RADIUS * scale))
    lat = math.degrees(2.0 * math.atan(math.exp(my / (EARTH_RADIUS * scale)))) - 90.0
    return lat, lon


def gnss_to_location(lat: float, lon: float, lat_ref: float = 0.0, lon_ref: float = 0.0) -> Tuple[float, float]:
    """Inverse of :func:`location_to_gnss`: ``(lat, lon)`` degrees to right-handed world ``(x, y)`` metres."""
    scale = math.cos(math.radians(lat_ref))
    mx = math.radians(lon) * EARTH_RADIUS * scale
    my = scale * EARTH_RADIUS * math.log(math.tan(math.radians(90.0 + lat) / 2.0))
    mx_ref = scale * math.radians(lon_ref) * EARTH_RADIUS
    my_ref = scale * EARTH_RADIUS * math.log(math.tan(math.radians(90.0 + lat_ref) / 2.0))
    return mx - mx_ref, my - my_ref


def compass_to_yaw(compass: float) -> float:
    """CARLA's IMU compass (radians, 0 = north = -y_carla, clockwise) to the right-handed yaw (radians,
    0 = +x, counter-clockwise)."""
    return math.atan2(math.sin(math.pi / 2 - compass), math.cos(math.pi / 2 - compass))


class GnssFilter:
    """Moving average of the last ``window`` GNSS positions, which removes most of CARLA's GNSS noise.

    The average lags a moving car by ``(window - 1) / 2`` ticks, so the filter adds back the distance
    travelled in that time along the current heading.
    """

    def __init__(self, window: int = 4, tick: float = 0.05) -> None:
        if window < 1:
            raise ValueError(f'GnssFilter window must be >= 1, got {window}')
        self.tick = tick
        self._positions = deque(maxlen=window)

    def update(self, position: np.ndarray, speed: float, yaw: float) -> np.ndarray:
        """Args:
            position: ``[2]`` raw right-handed position, metres. speed: m/s. yaw: radians.

        Returns:
            ``[2]`` denoised position.
        """
        self._positions.append(np.asarray(position, dtype=np.float64))
        lag = (len(self._positions) - 1) / 2.0 * self.tick * speed
        return np.mean(self._positions, axis=0) + lag * np.array([math.cos(yaw), math.sin(yaw)])
