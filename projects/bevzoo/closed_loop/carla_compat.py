"""CARLA types the agent and the built-in simulator exchange, with stand-ins when ``carla`` is absent.

When the ``carla`` client package is installed (``pip install carla==0.9.16``), ``VehicleControl``,
``Location``, ``Rotation`` and ``Transform`` are CARLA's own classes. Without it they are the small
dataclasses below, with the same field names and defaults, so that the agent and the built-in world run
unchanged and the agent still returns something the Leaderboard could read. ``RoadOption`` mirrors
``agents.navigation.local_planner.RoadOption`` (CARLA's PythonAPI, not part of the pip package).
"""
from dataclasses import dataclass
from enum import IntEnum

try:
    import carla
except ImportError:
    carla = None


class RoadOption(IntEnum):
    """What the route does at a point (values of CARLA's ``RoadOption``)."""
    VOID = -1
    LEFT = 1
    RIGHT = 2
    STRAIGHT = 3
    LANEFOLLOW = 4
    CHANGELANELEFT = 5
    CHANGELANERIGHT = 6


@dataclass
class _VehicleControl:
    """Stand-in for ``carla.VehicleControl`` (same fields and defaults)."""
    throttle: float = 0.0
    steer: float = 0.0
    brake: float = 0.0
    hand_brake: bool = False
    reverse: bool = False
    manual_gear_shift: bool = False
    gear: int = 0


@dataclass
class _Location:
    """Stand-in for ``carla.Location`` (CARLA's left-handed world frame, metres)."""
    x: float = 0.0
    y: float = 0.0
    z: float = 0.0


@dataclass
class _Rotation:
    """Stand-in for ``carla.Rotation`` (degrees; yaw clockwise seen from above)."""
    pitch: float = 0.0
    yaw: float = 0.0
    roll: float = 0.0


@dataclass
class _Transform:
    """Stand-in for ``carla.Transform``."""
    location: _Location
    rotation: _Rotation


HAS_CARLA = carla is not None
VehicleControl = carla.VehicleControl if HAS_CARLA else _VehicleControl
Location = carla.Location if HAS_CARLA else _Location
Rotation = carla.Rotation if HAS_CARLA else _Rotation
Transform = carla.Transform if HAS_CARLA else _Transform
