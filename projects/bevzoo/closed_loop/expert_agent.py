"""A privileged agent for the built-in world: the same planner and controllers, fed ground truth.

It reads the exact ego pose and every actor's box and velocity from the world, follows the dense route,
and knows the state of the lights. It checks the world and the scoring (it should complete the
default routes with a high driving score) and is the reference next to the learned agents. It only runs
in bevzoo's simulator, which calls :meth:`attach_world` before the route starts.
"""
from typing import Optional

import numpy as np

from ..world.scene import EGO
from .autonomous_agent import AutonomousAgent
from .carla_compat import VehicleControl
from .controller import WaypointController
from .criteria import ActorKind
from .frames import Pose2D
from .planner import OBJECT_FIELDS, ArcPlanner, PlannerInput

SENSING_RANGE = 40.0  # m: actors farther away are ignored
LOOKAHEAD_TIME, MIN_LOOKAHEAD = 1.2, 5.0  # the route target is max(MIN, speed * TIME + 3) m ahead
PATH_AHEAD = 40.0  # m of route handed to the planner as the lane to follow (route points are 1 m apart)


def get_entry_point() -> str:
    return 'ExpertAgent'


def world_objects(world, pose: Pose2D) -> np.ndarray:
    """``[K, 8]`` true boxes and velocities of the actors within ``SENSING_RANGE``, in the ego frame of
    ``pose``, in the planner's object format."""
    scene = world.scene
    others = np.arange(1, len(scene.kind))
    near = others[np.linalg.norm(scene.position[others] - [pose.x, pose.y], axis=1) < SENSING_RANGE]
    if len(near) == 0:
        return np.zeros((0, OBJECT_FIELDS))
    is_pedestrian = np.array([world.kinds[a] is ActorKind.PEDESTRIAN for a in near], dtype=np.float64)
    return np.column_stack([pose.to_ego(scene.position[near]), scene.size[near, 0], scene.size[near, 1],
                            scene.yaw[near] - pose.yaw, pose.rotate_to_ego(scene.velocity()[near]), is_pedestrian])


class ExpertAgent(AutonomousAgent):
    """Privileged Leaderboard-style agent (see the module docstring)."""

    def setup(self, path_to_conf_file: Optional[str] = None) -> None:
        self.planner = ArcPlanner()
        self.controller = WaypointController()
        self.world = None
        self.last_plan_world = None

    def sensors(self) -> list:
        return [{'type': 'sensor.speedometer', 'id': 'SPEED', 'reading_frequency': 20}]

    def attach_world(self, world, route) -> None:
        """Privileged access: the simulator's world and the dense route (``Route``)."""
        self.world, self.route = world, route
        self._progress = 0
        self._stops = self._stops_on_route(world.lane_map.stop_lines())

    def _stops_on_route(self, stop_lines) -> list:
        """``[(arc length on the route, light id)]`` of the stop lines the route crosses."""
        accumulated, directions = self.route.accumulated, self.route.directions
        stops = []
        for line in stop_lines:
            centre = (line.start + line.end) / 2
            distance = np.linalg.norm(self.route.points - centre, axis=1)
            index = int(np.argmin(distance))
            if distance[index] < 1.5 and np.dot(directions[index], line.direction) > 0.7:
                stops.append((float(accumulated[index]), line.light_id))
        return sorted(stops)

    def _ego(self) -> tuple:
        x, y, yaw = self.world.scene.ego_pose()
        return Pose2D(float(x), float(y), float(yaw)), float(self.world.scene.speed[EGO])

    def _route_position(self, pose: Pose2D) -> float:
        window = self.route.points[self._progress:self._progress + 40]
        self._progress += int(np.argmin(np.linalg.norm(window - [pose.x, pose.y], axis=1)))
        return float(self.route.accumulated[self._progress])

    def _objects(self, pose: Pose2D) -> np.ndarray:
        return world_objects(self.world, pose)

    def _next_light(self, along: float) -> tuple:
        """``(distance, state)`` of the next stop line on the route (``(None, None)`` when none is left)."""
        for stop_s, light in self._stops:
            if stop_s > along - 1.0:
                return stop_s - along, self.world.light_states().get(light)
        return None, None

    def _lane_ahead(self, pose: Pose2D) -> np.ndarray:
        """``[M, 2]`` route points from just behind the ego to ``PATH_AHEAD`` metres ahead, ego frame."""
        return pose.to_ego(self.route.points[max(self._progress - 2, 0):self._progress + int(PATH_AHEAD)])

    def run_step(self, input_data, timestamp: float):
        pose, speed = self._ego()
        along = self._route_position(pose)
        lookahead = max(MIN_LOOKAHEAD, speed * LOOKAHEAD_TIME + 3.0)
        target_index = min(int(np.searchsorted(self.route.accumulated, along + lookahead)), len(self.route.points) - 1)
        target = pose.to_ego(self.route.points[target_index][None])[0]
        light_distance, light_state = self._next_light(along)
        scene = PlannerInput(target=target, speed=speed, objects=self._objects(pose), light_distance=light_distance,
                             light_state=light_state, lane_path=self._lane_ahead(pose))
        plan = self.planner.plan(scene)
        self.last_plan_world = pose.to_world(plan.waypoints)
        control = self.controller.control(plan.waypoints, speed, timestamp, allow_creep=plan.reason != 'object')
        return VehicleControl(throttle=control.throttle, steer=control.steer, brake=control.brake)
