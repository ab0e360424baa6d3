"""PID controllers, GNSS conversions, the route planner, the arc planner and the sensor suite."""
import math

import numpy as np
import pytest

from bevzoo.closed_loop.autonomous_agent import downsample_plan
from bevzoo.closed_loop.carla_compat import RoadOption
from bevzoo.closed_loop.controller import WaypointController
from bevzoo.closed_loop.gnss import GnssFilter, compass_to_yaw, gnss_to_location, location_to_gnss
from bevzoo.closed_loop.pid import PIDController, PIDGains, SPEED_GAINS, TURN_GAINS
from bevzoo.closed_loop.planner import ArcPlanner, BevRaster, PlannerInput
from bevzoo.closed_loop.route_planner import RoutePlanner
from bevzoo.closed_loop.sensor_suite import (CameraMount, LidarMount, SensorRig, SensorTrackError, camera_from_carla,
                                             camera_to_carla, carla_sensors, check_track)


def test_transfuser_gains():
    assert (TURN_GAINS.kp, TURN_GAINS.ki, TURN_GAINS.kd, TURN_GAINS.window) == (1.25, 0.75, 0.3, 20)
    assert (SPEED_GAINS.kp, SPEED_GAINS.ki, SPEED_GAINS.kd, SPEED_GAINS.window) == (5.0, 0.5, 1.0, 20)


def test_pid_by_hand():
    pid = PIDController(PIDGains(kp=2.0, ki=1.0, kd=0.5, window=4))
    # window [0, 0, 0, 1]: 2 * 1 + 1 * 0.25 + 0.5 * (1 - 0) = 2.75
    assert pid.step(1.0) == pytest.approx(2.75)
    # window [0, 0, 1, 3]: 2 * 3 + 1 * 1.0 + 0.5 * (3 - 1) = 8.0
    assert pid.step(3.0) == pytest.approx(8.0)
    with pytest.raises(ValueError, match='window'):
        PIDController(PIDGains(1.0, 0.0, 0.0, window=1))


def test_controller_rules():
    # 4 waypoints 0.5 s apart at 4 m/s straight ahead; the ego stands still: full-ish throttle, no steer.
    straight = np.array([[2.0, 0.0], [4.0, 0.0], [6.0, 0.0], [8.0, 0.0]])
    control = WaypointController().control(straight, speed=0.0)
    assert control.brake == 0.0 and control.steer == pytest.approx(0.0)
    # speed PID on clip(4 - 0, 0, 0.25) = 0.25 with an empty window: 5 * 0.25 + 0.5 * 0.0125 + 1 * 0.25 = 1.506 -> 0.75
    assert control.throttle == pytest.approx(0.75)
    # 10 % too fast brakes; waypoints bunched below 0.4 m/s brake.
    assert WaypointController().control(straight, speed=4.5).brake == 1.0
    assert WaypointController().control(np.zeros((4, 2)), speed=0.0).brake == 1.0
    # A target on the left steers left (negative in CARLA).
    left = np.array([[2.0, 1.0], [4.0, 2.0], [6.0, 3.0], [8.0, 4.0]])
    assert WaypointController().control(left, speed=4.0).steer < 0.0
    with pytest.raises(ValueError, match='waypoints'):
        WaypointController().control(np.zeros(4), speed=0.0)


def test_creep_after_long_stop():
    controller = WaypointController(creep_after=2.0, creep_duration=1.0)
    stop = np.zeros((4, 2))  # the planner says stop
    throttle = [controller.control(stop, speed=0.0, time=t).throttle for t in np.arange(0.0, 3.5, 0.05)]
    assert max(throttle[:40]) == 0.0  # first 2 s: standing
    assert max(throttle[41:60]) > 0.0  # then creeping for 1 s
    assert throttle[-1] == 0.0  # and standing again
    blocked = WaypointController(creep_after=2.0, creep_duration=1.0)
    assert max(blocked.control(stop, 0.0, t, allow_creep=False).throttle for t in np.arange(0.0, 3.5, 0.05)) == 0.0


def test_gnss_round_trip_and_compass():
    lat, lon = location_to_gnss(120.0, -45.0)
    assert gnss_to_location(lat, lon) == pytest.approx((120.0, -45.0), abs=1e-3)
    assert compass_to_yaw(0.0) == pytest.approx(math.pi / 2)  # facing north = +y (right-handed)
    assert compass_to_yaw(math.pi / 2) == pytest.approx(0.0)  # east = +x
    noisy = GnssFilter(window=4)
    rng = np.random.default_rng(0)
    errors = [np.linalg.norm(noisy.update(np.array([5.0, 5.0]) + rng.normal(0, 0.5, 2), 0.0, 0.0) - 5.0)
              for _ in range(200)]
    assert np.mean(errors[10:]) < 0.6  # raw noise would be ~0.63 m mean norm * sqrt(2); averaging 4 halves it


def test_route_planner_advances():
    planner = RoutePlanner([(0.0, 0.0), (20.0, 0.0), (40.0, 0.0), (40.0, 30.0)], reach_distance=5.0)
    assert planner.run_step(np.array([0.0, 0.0])) == pytest.approx([20.0, 0.0])
    assert planner.run_step(np.array([36.0, 0.0])) == pytest.approx([40.0, 30.0])
    assert planner.run_step(np.array([40.0, 29.0])) == pytest.approx([40.0, 30.0])  # the goal stays


def test_downsample_keeps_turns_and_spacing():
    points = [(float(x), 0.0) for x in range(0, 121)]
    options = [RoadOption.LANEFOLLOW] * 60 + [RoadOption.LEFT] * 10 + [RoadOption.LANEFOLLOW] * 51
    kept = downsample_plan(points, options, spacing=50.0)
    assert kept == [0, 50, 60, 70, 120]


def _full_drivable() -> BevRaster:
    return BevRaster(np.ones((200, 200)), np.array([[2.0, 0.0, 100.0], [0.0, 2.0, 100.0], [0.0, 0.0, 1.0]]))


def test_planner_cruises_towards_target():
    plan = ArcPlanner().plan(PlannerInput(target=np.array([30.0, 0.0]), speed=5.0, drivable=_full_drivable()))
    assert plan.target_speed == pytest.approx(6.0) and plan.reason == 'cruise'
    assert np.allclose(plan.waypoints[:, 1], 0.0, atol=1e-6)
    assert np.linalg.norm(plan.waypoints[1] - plan.waypoints[0]) == pytest.approx(3.0)  # 6 m/s * 0.5 s
    left = ArcPlanner().plan(PlannerInput(target=np.array([10.0, 10.0]), speed=3.0))
    assert left.waypoints[-1, 1] > 0.0


def test_planner_stops_for_objects_and_red_lights():
    # A stopped 4.5 m car 8 m ahead: free = 8 - 2.5 (ego front) - 2.25 (half car) - 3 (standstill gap)
    # = 0.25 m -> sqrt(2 * 3 * 0.25) = 1.22 m/s; 6 m ahead there is no free distance left: stop.
    car_ahead = np.array([[8.0, 0.0, 4.5, 1.8, 0.0, 0.0, 0.0, 0.0]])
    plan = ArcPlanner().plan(PlannerInput(target=np.array([30.0, 0.0]), speed=3.0, objects=car_ahead))
    assert plan.reason == 'object' and plan.target_speed == pytest.approx(math.sqrt(1.5))
    car_ahead[0, 0] = 6.0
    plan = ArcPlanner().plan(PlannerInput(target=np.array([30.0, 0.0]), speed=3.0, objects=car_ahead))
    assert plan.target_speed == 0.0 and np.allclose(plan.waypoints, 0.0)
    beside = np.array([[8.0, 3.0, 4.5, 1.8, 0.0, 0.0, 0.0, 0.0]])  # parked at the curb, 3 m to the side: no effect
    assert ArcPlanner().plan(PlannerInput(np.array([30.0, 0.0]), 3.0, objects=beside)).reason == 'cruise'
    crossing = np.array([[10.0, -6.0, 0.6, 0.6, 1.57, 0.0, 3.0, 1.0]])  # a pedestrian walking into the lane
    assert ArcPlanner().plan(PlannerInput(np.array([30.0, 0.0]), 3.0, objects=crossing)).reason == 'object'
    red = ArcPlanner().plan(PlannerInput(np.array([30.0, 0.0]), 3.0, light_distance=6.0, light_state='red'))
    # free distance = 6 - 2.5 (ego front) - 0.5 (margin) = 3 m; sqrt(2 * 3 m/s^2 * 3 m) = 4.24 m/s
    assert red.reason == 'red_light' and red.target_speed == pytest.approx(math.sqrt(18.0))
    assert ArcPlanner().plan(PlannerInput(np.array([30.0, 0.0]), 3.0, light_distance=6.0,
                                          light_state='green')).reason == 'cruise'
    # Yellow 3.5 m ahead at 6 m/s (needs 18 m/s^2): go on; the same seen early enough: stop, and stay stopping.
    assert ArcPlanner().plan(PlannerInput(np.array([30.0, 0.0]), 6.0, light_distance=3.5,
                                          light_state='yellow')).reason != 'red_light'
    planner = ArcPlanner()
    early = planner.plan(PlannerInput(np.array([30.0, 0.0]), 6.0, light_distance=20.0, light_state='yellow'))
    assert early.target_speed == pytest.approx(6.0)  # sqrt(2 * 3 * 17) = 10.1 m/s allows cruising, yet it commits
    assert planner.plan(PlannerInput(np.array([30.0, 0.0]), 6.0, light_distance=3.0,
                                     light_state='yellow')).target_speed == 0.0  # free = 3 - 3 = 0


def _camera(name: str, yaw_deg: float) -> CameraMount:
    optical = np.stack([[0, -1, 0], [0, 0, -1], [1, 0, 0]], axis=1).astype(float)  # columns: x, y, z optical in ego
    yaw = math.radians(yaw_deg)
    rotation = np.array([[math.cos(yaw), -math.sin(yaw), 0], [math.sin(yaw), math.cos(yaw), 0], [0, 0, 1]])
    cam2ego = np.eye(4)
    cam2ego[:3, :3] = rotation @ optical
    cam2ego[:3, 3] = [1.5, 0.5, 1.6]
    return CameraMount(name, cam2ego, 400, 225, 70.0)


def test_camera_round_trip_through_carla_dicts():
    camera = _camera('CAM_FRONT_LEFT', 55.0)
    spec = camera_to_carla(camera)
    assert spec['yaw'] == pytest.approx(-55.0) and spec['y'] == pytest.approx(-0.5)  # CARLA: y right, yaw clockwise
    assert np.allclose(camera_from_carla(spec).cam2ego, camera.cam2ego, atol=1e-9)


def test_six_cameras_do_not_fit_leaderboard_1():
    names = ['CAM_FRONT', 'CAM_FRONT_RIGHT', 'CAM_FRONT_LEFT', 'CAM_BACK', 'CAM_BACK_LEFT', 'CAM_BACK_RIGHT']
    rig = SensorRig([_camera(n, 60.0 * i) for i, n in enumerate(names)], LidarMount('LIDAR_TOP', np.eye(4)))
    sensors = carla_sensors(rig)
    check_track(sensors, '2.0', 'six.py')
    with pytest.raises(SensorTrackError, match=r'6 x sensor.camera.rgb.*allows 4'):
        check_track(sensors, '1.0', 'six.py')
    far = [dict(sensors[0], x=3.5)]
    with pytest.raises(SensorTrackError, match='3.0 m'):
        check_track(far, '2.0', 'far.py')


def test_vehicle_control_stand_in_has_carlas_fields():
    from bevzoo.closed_loop.carla_compat import _VehicleControl
    carla = pytest.importorskip('carla', reason='the carla client package is an optional extra')
    real, stand_in = carla.VehicleControl(), _VehicleControl()
    for name in ('throttle', 'steer', 'brake', 'hand_brake', 'reverse', 'manual_gear_shift', 'gear'):
        assert getattr(real, name) == getattr(stand_in, name)
