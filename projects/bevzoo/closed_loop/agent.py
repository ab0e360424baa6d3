"""bevzoo's Leaderboard agent: any zoo config + checkpoint drives through perception, planning and PID.

Use it with CARLA's ``leaderboard_evaluator.py --agent <this file> --agent-config <agent config>`` (see
``tools/carla_eval.py``) or in the built-in world (``tools/closed_loop.py``): the same class serves both.
``run_step`` turns CARLA's inputs (BGRA images, left-handed LiDAR, GNSS, IMU, speed) into the model's
inputs and frames, runs the model at ``perception_hz``, and between runs moves its last perception into
the current ego frame; the planner follows the route target on the predicted drivable area and keeps a
safe distance from predicted objects; TransFuser's PID controllers give the control. The model predicts
no traffic-light states, so this agent does not stop at red lights (see docs/closed_loop.md).
"""
import math
from typing import Optional

import numpy as np

from .agent_options import AgentOptions
from .autonomous_agent import AutonomousAgent
from .carla_compat import VehicleControl
from .controller import WaypointController
from .frames import Pose2D
from .gnss import GnssFilter, compass_to_yaw, gnss_to_location
from .model_runner import PerceptionModel, SensorFrame
from .perception import PerceivedScene, drivable_from_prediction, objects_from_prediction
from .planner import OBJECT_FIELDS, ArcPlanner, PlannerInput
from .route_planner import RoutePlanner
from .sensor_suite import carla_sensors, check_track
from .world_rig import world_sensor_rig

TICK = 0.05  # s between run_step calls (the Leaderboard's 20 Hz)


def get_entry_point() -> str:
    return 'BevzooAgent'


class BevzooAgent(AutonomousAgent):
    """The sensor agent (see the module docstring); configured by an :class:`AgentOptions` file."""

    def setup(self, path_to_conf_file: str) -> None:
        self.options = AgentOptions.from_file(path_to_conf_file)
        self.perception = PerceptionModel(self.options.config, self.options.checkpoint, self.options.device,
                                          self.options.cameras)
        self.rig = world_sensor_rig(self.perception.camera_names, self.perception.uses_lidar,
                                    self.options.image_width, self.options.image_height)
        self._sensor_specs = carla_sensors(self.rig)
        self.map_grid = self.perception.map_grid()
        self._setup_driving(self.options.perception_hz)

    def _setup_driving(self, perception_hz: float) -> None:
        """Planner, controllers, GNSS filter and the per-route state."""
        self.planner = ArcPlanner()
        self.controller = WaypointController()
        self.gnss_filter = GnssFilter()
        self.route_planner: Optional[RoutePlanner] = None
        self.perceived: Optional[PerceivedScene] = None
        self.last_plan_world = None
        self._every = max(1, int(round(1.0 / (perception_hz * TICK))))
        self._step = -1
        self._yaw = 0.0

    def sensors(self) -> list:
        check_track(self._sensor_specs, self.options.leaderboard_version, self.options.config)
        return self._sensor_specs

    # -- inputs ---------------------------------------------------------------------------------------
    def _ego(self, input_data) -> tuple:
        """Denoised pose (right-handed world frame) and speed from GNSS, compass and speedometer."""
        lat, lon, _ = input_data['GPS'][1]
        compass = float(input_data['IMU'][1][-1])
        if math.isfinite(compass):  # CARLA's compass is NaN on some first frames
            self._yaw = compass_to_yaw(compass)
        speed = float(input_data['SPEED'][1]['speed'])
        position = self.gnss_filter.update(np.array(gnss_to_location(lat, lon)), speed, self._yaw)
        return Pose2D(float(position[0]), float(position[1]), self._yaw), speed

    def _frame(self, input_data, pose: Pose2D, timestamp: float) -> SensorFrame:
        """The model's inputs: BGR images with CARLA's intrinsics, LiDAR points in the model's LiDAR frame."""
        lidar2ego = self.rig.lidar.lidar2ego if self.rig.lidar is not None else np.eye(4)
        ego2global = np.eye(4)
        ego2global[:2, :2] = pose.matrix[:2, :2]
        ego2global[:2, 3] = [pose.x, pose.y]
        images = cam2img = cam2lidar = None
        if self.rig.cameras:
            images = [np.ascontiguousarray(input_data[c.name][1][:, :, :3]) for c in self.rig.cameras]
            cam2img = np.stack([np.pad(c.intrinsics, ((0, 1), (0, 1))) + np.diag([0, 0, 0, 1.0])
                                for c in self.rig.cameras])
            cam2lidar = np.stack([np.linalg.inv(lidar2ego) @ c.cam2ego for c in self.rig.cameras])
        points = None
        if self.rig.lidar is not None:
            raw = np.asarray(input_data[self.rig.lidar.name][1], dtype=np.float32)
            ego_points = raw[:, :3] * np.array([1.0, -1.0, 1.0], np.float32) + lidar2ego[:3, 3]  # CARLA: y right
            lidar_points = (ego_points - lidar2ego[:3, 3]) @ lidar2ego[:3, :3]
            points = np.zeros((len(raw), 5), np.float32)
            points[:, :3] = lidar_points
            points[:, 3] = raw[:, 3] * self.options.lidar_intensity_scale
        return SensorFrame(images, cam2img, cam2lidar, points, lidar2ego, ego2global, timestamp)

    def _perceive(self, input_data, pose: Pose2D, timestamp: float) -> PerceivedScene:
        sample = self.perception(self._frame(input_data, pose, timestamp))
        lidar2ego = self.rig.lidar.lidar2ego if self.rig.lidar is not None else np.eye(4)
        objects = objects_from_prediction(sample, lidar2ego, self.perception.class_names,
                                          self.options.score_threshold)
        drivable = None if self.map_grid is None else drivable_from_prediction(sample, lidar2ego, *self.map_grid)
        return PerceivedScene(pose, timestamp, objects, drivable)

    # -- the Leaderboard's call -------------------------------------------------------------------------
    def run_step(self, input_data, timestamp: float):
        self._step += 1
        pose, speed = self._ego(input_data)
        if self.route_planner is None:
            plan = [gnss_to_location(point['lat'], point['lon']) for point, _ in self._global_plan]
            self.route_planner = RoutePlanner(plan)
        target = self.route_planner.run_step(np.array([pose.x, pose.y]))
        if self._step % self._every == 0:
            self.perceived = self._perceive(input_data, pose, timestamp)
        objects, drivable = (np.zeros((0, OBJECT_FIELDS)), None) if self.perceived is None else \
            self.perceived.in_frame_of(pose, timestamp)
        plan = self.planner.plan(PlannerInput(target=pose.to_ego(target[None])[0], speed=speed, drivable=drivable,
                                              objects=objects))
        self.last_plan_world = pose.to_world(plan.waypoints)
        control = self.controller.control(plan.waypoints, speed, timestamp, allow_creep=plan.reason != 'object')
        return VehicleControl(throttle=control.throttle, steer=control.steer, brake=control.brake)

    def destroy(self) -> None:
        self.perception = None
