"""The learned agent with its model replaced by ground truth, for the built-in world only.

Everything but perception is :class:`~bevzoo.closed_loop.agent.BevzooAgent`'s: GNSS and compass in,
the sparse global plan, the arc planner on a drivable-area raster, the safe-distance rule, TransFuser's
controllers, and no traffic-light states. Perception returns the world's true boxes (with velocities)
and drivable surface at the same rate. Its score is what a perfect perception model would get with this
planner: the ceiling of the learned agents, next to the privileged expert (which also follows the lanes
and obeys the lights).
"""
from typing import Optional

import numpy as np

from ..world.ground import SURFACE
from .agent import BevzooAgent
from .expert_agent import world_objects
from .frames import Pose2D
from .perception import PerceivedScene
from .planner import BevRaster

DRIVABLE_SURFACES = ('road', 'parking', 'carpark')


def get_entry_point() -> str:
    return 'OracleAgent'


class OracleAgent(BevzooAgent):
    """:class:`BevzooAgent` with ground-truth perception (see the module docstring)."""

    def setup(self, path_to_conf_file: Optional[str] = None, perception_hz: float = 2.0) -> None:
        self._setup_driving(perception_hz)
        self.world = None

    def sensors(self) -> list:
        return [{'type': 'sensor.other.gnss', 'id': 'GPS', 'x': 0.0, 'y': 0.0, 'z': 0.0},
                {'type': 'sensor.other.imu', 'id': 'IMU', 'x': 0.0, 'y': 0.0, 'z': 0.0, 'roll': 0.0, 'pitch': 0.0,
                 'yaw': 0.0, 'sensor_tick': 0.05},
                {'type': 'sensor.speedometer', 'id': 'SPEED', 'reading_frequency': 20}]

    def attach_world(self, world, route) -> None:
        """Privileged access to the simulator's world (called by the simulator before the route)."""
        self.world = world
        ground = world.town.ground
        drivable = np.isin(ground.surface, [SURFACE[name] for name in DRIVABLE_SURFACES]).astype(np.float32)
        self._drivable, self._grid_from_world = drivable, np.diag([1 / ground.resolution, 1 / ground.resolution, 1.0])

    def _perceive(self, input_data, pose: Pose2D, timestamp: float) -> PerceivedScene:
        drivable = BevRaster(self._drivable, self._grid_from_world @ pose.matrix)
        return PerceivedScene(pose, timestamp, world_objects(self.world, pose), drivable)
